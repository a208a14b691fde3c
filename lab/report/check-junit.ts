import { OUTCOME_INFO } from "../classify/outcomes.js";
import type { CheckCell, CheckedArtifact, CheckReport } from "../check/check-result.js";
import type { RunResult } from "../run-result.js";
import {
  cellFails,
  confirmationStatus,
  hintLine,
  missingLines,
  predictionCheck,
  verdictLabel,
  VERDICT_LABELS,
} from "./check-views.js";
import { suite, testcaseOf, type Suite, type Testcase } from "./junit.js";

/**
 * The JUnit view of a `check` run: one testsuite "check", a testcase per artifact and environment
 * (classname the environment, name the artifact's path, so a CI's history follows a file across
 * runs). A cell fails when the artifact does not run there or the prediction was wrong, with the
 * loader's exact message and the reason; skipped cells are skipped, infra errors are errors.
 */
export function checkSuite(result: RunResult, checks: CheckReport): Suite {
  const cases = checks.artifacts.flatMap((artifact) =>
    artifact.cells.map((cell) => checkTestcase(artifact, cell)),
  );
  return suite(
    result,
    "check",
    {
      targets: checks.targets.join(" "),
      image: checks.image ?? "none",
      "run arguments": checks.runArgs ? checks.runArgs.join(" ") || "none" : "not run (--no-run)",
      "files looked at": String(checks.counts.files),
      "ELF files": String(checks.counts.elf),
      "not ELF": String(checks.counts.notElf),
      skipped: String(checks.counts.skipped),
    },
    cases,
  );
}

function checkTestcase(artifact: CheckedArtifact, cell: CheckCell): Testcase {
  const info = OUTCOME_INFO[cell.outcome];
  const run = cell.confirmation;
  const notElf = `not an ELF file${artifact.formatError ? `: ${artifact.formatError}` : ""}`;
  return testcaseOf({
    classname: cell.environment,
    name: artifact.path,
    durationMs: run?.durationMs ?? 0,
    outcome: cell.outcome,
    explanation: cell.explanation,
    failure: cellFails(cell)
      ? {
          message: `${verdictLabel(cell)}: ${cell.prediction?.message ?? cell.explanation}`,
          type: cell.verdict ?? cell.outcome,
          text: failureText(cell),
        }
      : null,
    output: [
      artifact.facts?.summary ?? notElf,
      `verdict: ${verdictLabel(cell)} (${info.label}): ${cell.explanation}`,
      ...(run
        ? [`$ ${run.command}`, run.stdout.trimEnd(), `${confirmationStatus(cell)}: ${run.note}`]
        : []),
      ...artifact.hints.map(hintLine),
    ],
    stderr: run?.stderr ?? "",
  });
}

/** The message, the reason and the prediction against the run, in the words a CI log needs. */
function failureText(cell: CheckCell): string {
  const p = cell.prediction;
  const run = cell.confirmation;
  const lines: string[] = [];
  if (p?.message) lines.push(`message: ${p.message}`);
  lines.push(`reason: ${p?.reason ?? cell.explanation}`);
  if (p) lines.push(...missingLines(p));
  const check = predictionCheck(cell);
  if (check === "wrong") {
    lines.push(
      "PREDICTION WRONG",
      `predicted: ${p ? VERDICT_LABELS[p.verdict] : "nothing"}`,
      `observed: ${run?.observed ? VERDICT_LABELS[run.observed] : "could not tell"} (${confirmationStatus(cell)}: ${run?.note ?? "not run"})`,
    );
  } else if (check === "confirmed") {
    lines.push(`prediction confirmed: ${confirmationStatus(cell)}`);
  }
  if (cell.explanation !== p?.reason) lines.push(`why: ${cell.explanation}`);
  if (cell.fixes.length > 0) lines.push("fixes:", ...cell.fixes.map((f) => `  ${f}`));
  return lines.join("\n");
}
