import { OUTCOME_INFO } from "../classify/outcomes.js";
import type {
  CheckCell,
  CheckedArtifact,
  CheckReport,
  CheckVerdict,
  Prediction,
} from "../check/check-result.js";
import type { RunResult } from "../run-result.js";

/**
 * What every view of a `check` run shows alike, computed once from the RunResult's `checks`: the
 * words for a verdict, which artifacts fail and in what order they come, whether a run confirmed
 * its prediction, and the summary's counts. The console, HTML and JUnit views only lay these out.
 */

/** A verdict in words; the compiler checks that none is forgotten. */
export const VERDICT_LABELS = {
  runs: "runs",
  "missing-interpreter": "missing interpreter",
  "missing-library": "missing library",
  "glibc-too-old": "glibc too old",
  "missing-symbols": "missing symbols",
  "wrong-architecture": "wrong architecture",
  "not-elf": "not ELF",
} as const satisfies Record<CheckVerdict, string>;

/** The cell's verdict in words; a cell without one (skipped, infra error) says its outcome. */
export function verdictLabel(cell: Pick<CheckCell, "verdict" | "outcome">): string {
  return cell.verdict === null ? OUTCOME_INFO[cell.outcome].label : VERDICT_LABELS[cell.verdict];
}

/** The mark of a cell: ✓ it runs, ✗ it does not, otherwise the outcome's own glyph. */
export function verdictGlyph(cell: Pick<CheckCell, "verdict" | "outcome">): string {
  if (cell.verdict === null) return OUTCOME_INFO[cell.outcome].glyph;
  return cell.verdict === "runs" ? "✓" : "✗";
}

/** A cell that fails the gate: it does not run there, or the lab's prediction was wrong. */
export function cellFails(cell: Pick<CheckCell, "verdict" | "outcome">): boolean {
  return (
    !OUTCOME_INFO[cell.outcome].predicted || (cell.verdict !== null && cell.verdict !== "runs")
  );
}

/**
 * How the confirming run compares with the prediction: `confirmed`, `wrong` (the outcome says the
 * prediction missed), `not-run` (--no-run, or a file that is never run), `undecided` (it ran but
 * what it printed could not tell).
 */
export type PredictionCheck = "confirmed" | "wrong" | "not-run" | "undecided";

export function predictionCheck(cell: CheckCell): PredictionCheck {
  if (cell.outcome === "unexpected-pass" || cell.outcome === "unexpected-failure") return "wrong";
  if (!cell.confirmation) return "not-run";
  if (cell.confirmation.observed === null || !cell.prediction) return "undecided";
  return cell.confirmation.observed === cell.prediction.verdict ? "confirmed" : "wrong";
}

/** Where an artifact stands over all environments, the order in which the views list them. */
export type ArtifactStanding = "fails" | "not-elf" | "runs";
const STANDING_ORDER: ArtifactStanding[] = ["fails", "not-elf", "runs"];

export function artifactStanding(artifact: CheckedArtifact): ArtifactStanding {
  const cells = artifact.cells;
  if (cells.some((c) => !OUTCOME_INFO[c.outcome].predicted)) return "fails";
  if (artifact.facts === null || cells.some((c) => c.verdict === "not-elf")) return "not-elf";
  return cells.some(cellFails) ? "fails" : "runs";
}

/** Failing artifacts first, then those that are no ELF files, then those that run: stable. */
export function orderedArtifacts(checks: CheckReport): CheckedArtifact[] {
  return STANDING_ORDER.flatMap((standing) =>
    checks.artifacts.filter((a) => artifactStanding(a) === standing),
  );
}

/** The environments of the check, in the RunResult's order, then any only the cells name. */
export function checkEnvironments(result: RunResult): string[] {
  // The cells' own order (the selected environments, variants after their base): the columns
  // of a table and the badges of an artifact's details then always line up.
  const inCells = (result.checks?.artifacts ?? []).flatMap((a) =>
    a.cells.map((c) => c.environment),
  );
  return [...new Set(inCells)];
}

/** The missing pieces a prediction names, one line each (`missing symbols (fortify): …`). */
export function missingLines(prediction: Prediction): string[] {
  const lines: string[] = [];
  if (prediction.missingLibraries.length > 0)
    lines.push(`missing libraries: ${prediction.missingLibraries.join(", ")}`);
  if (prediction.missingVersions.length > 0)
    lines.push(`missing versions: ${prediction.missingVersions.join(", ")}`);
  for (const { group, symbols } of prediction.missingSymbols) {
    if (symbols.length > 0) lines.push(`missing symbols (${group}): ${symbols.join(", ")}`);
  }
  if (prediction.hostSymbols && prediction.hostSymbols.count > 0) {
    const { host, count } = prediction.hostSymbols;
    lines.push(`${count} import${count === 1 ? "" : "s"} left to ${host} (not looked for)`);
  }
  return lines;
}

/** A lesson its imports point at, as the command that teaches it. */
export function hintLine(hint: CheckedArtifact["hints"][number]): string {
  return `→ npm run lab -- explain ${hint.scenario}: ${hint.text}`;
}

/** How a confirming run ended, in a few words (`exit 127`, `SIGSEGV`, `timed out`). */
export function confirmationStatus(cell: CheckCell): string {
  const run = cell.confirmation;
  if (!run) return "not run";
  if (run.timedOut) return `timed out after ${run.durationMs} ms`;
  if (run.signal) return `killed by ${run.signal}`;
  return run.exitCode === null ? "no exit status" : `exit ${run.exitCode}`;
}

export interface CheckSummaryView {
  artifacts: number;
  runEverywhere: number;
  notElf: number;
  /** Per environment, the artifacts (ELF files) that do not run there, by verdict. */
  failsOn: { environment: string; count: number; verdicts: { verdict: string; count: number }[] }[];
  wrongPredictions: number;
  counts: CheckReport["counts"];
  /** The first few skipped files with their reasons, and how many are not shown. */
  skipped: { shown: CheckReport["skipped"]; more: number };
}

/** How many skipped files a summary names before it only counts. */
export const SKIPPED_SHOWN = 3;

export function checkSummary(result: RunResult, checks: CheckReport): CheckSummaryView {
  const elf = checks.artifacts.filter((a) => artifactStanding(a) !== "not-elf");
  const cells = checks.artifacts.flatMap((a) => a.cells);
  const failsOn = checkEnvironments(result).map((environment) => {
    const failing = elf.flatMap((a) =>
      a.cells.filter((c) => c.environment === environment && c.verdict && c.verdict !== "runs"),
    );
    const verdicts = [...new Set(failing.map(verdictLabel))].map((verdict) => ({
      verdict,
      count: failing.filter((c) => verdictLabel(c) === verdict).length,
    }));
    return { environment, count: failing.length, verdicts };
  });
  return {
    artifacts: checks.artifacts.length,
    runEverywhere: checks.artifacts.filter((a) => artifactStanding(a) === "runs").length,
    notElf: checks.artifacts.length - elf.length,
    failsOn: failsOn.filter((f) => f.count > 0),
    wrongPredictions: cells.filter((c) => predictionCheck(c) === "wrong").length,
    counts: checks.counts,
    skipped: {
      shown: checks.skipped.slice(0, SKIPPED_SHOWN),
      more: Math.max(0, checks.skipped.length - SKIPPED_SHOWN),
    },
  };
}
