import type { ChalkInstance } from "chalk";
import { OUTCOME_INFO } from "../classify/outcomes.js";
import type { CheckCell, CheckedArtifact, CheckReport } from "../check/check-result.js";
import type { RunResult } from "../run-result.js";
import { box, visibleLength, wrap } from "./box.js";
import {
  artifactStanding,
  checkSummary,
  confirmationStatus,
  hintLine,
  missingLines,
  orderedArtifacts,
  predictionCheck,
  verdictGlyph,
  verdictLabel,
  VERDICT_LABELS,
} from "./check-views.js";
import { excerpt } from "./console.js";
import { escapeControl } from "./escape-control.js";

/**
 * The console's view of a `check` run: a box per artifact (a verdict per environment, the exact
 * message, the prediction against the run, hints and fixes), then a summary box. Everything taken
 * from the artifact (its path, what it printed, the loader's message) has its control characters
 * escaped: a file name may hold an ESC, and a one-line message must stay one line.
 */

/** An image scan shows this many failing artifacts in boxes of their own; the rest are counted. */
export const IMAGE_BOX_LIMIT = 20;

/** Text from the artifact, safe to print: each line escaped on its own, so lines stay lines. */
function safeLines(text: string): string[] {
  return text.split("\n").map(escapeControl);
}

/**
 * The artifacts' boxes. Paths are all shown, failing first; an image scan (hundreds of files)
 * shows the first IMAGE_BOX_LIMIT failing ones and folds the rest into one box of counts.
 */
export function renderCheckArtifacts(
  checks: CheckReport,
  c: ChalkInstance,
  width: number,
): string[] {
  const ordered = orderedArtifacts(checks);
  const runs = checks.runArgs !== null;
  if (checks.image === null) return ordered.map((a) => renderArtifact(a, runs, c, width));
  const failing = ordered.filter((a) => artifactStanding(a) === "fails");
  const shown = failing.slice(0, IMAGE_BOX_LIMIT);
  const folded = [
    [failing.length - shown.length, "more fail"],
    [ordered.filter((a) => artifactStanding(a) === "not-elf").length, "are not ELF files"],
    [ordered.filter((a) => artifactStanding(a) === "runs").length, "more run everywhere"],
  ] as const;
  const lines = folded
    .filter(([count]) => count > 0)
    .map(([count, what]) => `${count} ${what} (not shown; the JSON report lists them)`);
  const image = escapeControl(checks.image);
  return [
    ...shown.map((a) => renderArtifact(a, runs, c, width)),
    ...(lines.length > 0 ? [box(`${image}: not shown`.slice(0, width - 8), lines, width)] : []),
  ];
}

/** `runs`: the check confirms its predictions by running the files (false with --no-run). */
function renderArtifact(
  artifact: CheckedArtifact,
  runs: boolean,
  c: ChalkInstance,
  width: number,
): string {
  const lines: string[] = [];
  if (artifact.facts) lines.push(c.dim(escapeControl(artifact.facts.summary)));
  else {
    const why = artifact.formatError ? `: ${escapeControl(artifact.formatError)}` : "";
    lines.push(c.dim(`not an ELF file${why}`));
  }
  lines.push("");
  const groups = cellGroups(artifact.cells);
  const labelWidth = Math.max(...groups.map((g) => g.label.length));
  for (const { cell, label } of groups) {
    lines.push(...renderCell(cell, label.padEnd(labelWidth), runs, c, width - 4));
  }
  if (artifact.hints.length > 0) {
    lines.push("", ...artifact.hints.map((hint) => c.cyan(hintLine(hint))));
  }
  const title = `${escapeControl(artifact.path)} (${artifact.size} bytes)`;
  return box(title.slice(0, width - 8), lines, width);
}

/**
 * Cells that say the same thing without a run of their own (a file that is no ELF, a prediction
 * with --no-run) are shown once, for all their environments.
 */
function cellGroups(cells: CheckCell[]): { cell: CheckCell; label: string }[] {
  const groups = new Map<string, { cell: CheckCell; environments: string[] }>();
  for (const cell of cells) {
    const { environment, ...said } = cell;
    const key = said.confirmation === null ? JSON.stringify(said) : environment;
    const group = groups.get(key);
    if (group) group.environments.push(environment);
    else groups.set(key, { cell, environments: [environment] });
  }
  return [...groups.values()].map((g) => ({ cell: g.cell, label: g.environments.join(", ") }));
}

/**
 * The prediction beside the run, a column each, every cell wrapped within its column: a grid
 * would be wrapped by the box (loader messages are long) and a list would lose the comparison.
 */
function sideBySide(rows: [string, string, string][], width: number): string[] {
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const column = Math.max(10, Math.floor((width - labelWidth - 5) / 2));
  const pad = (text: string, size: number) =>
    text + " ".repeat(Math.max(0, size - visibleLength(text)));
  const head: [string, string, string] = ["", "predicted", "observed"];
  return [head, ...rows].flatMap(([label, left, right]) => {
    const l = wrap(left, column);
    const r = wrap(right, column);
    return Array.from({ length: Math.max(l.length, r.length) }, (_, i) =>
      `${pad(i === 0 ? label : "", labelWidth)}  ${pad(l[i] ?? "", column)} │ ${r[i] ?? ""}`.trimEnd(),
    );
  });
}

/** One environment's verdict and, when it does not simply run as predicted, why and what to do. */
function renderCell(
  cell: CheckCell,
  label: string,
  runs: boolean,
  c: ChalkInstance,
  inner: number,
): string[] {
  const info = OUTCOME_INFO[cell.outcome];
  const paint = c[info.color];
  // A cell without a verdict already says its outcome in its place.
  const surprise = info.predicted || cell.verdict === null ? "" : `  ${paint(`[${info.label}]`)}`;
  const lines = [
    `${paint(verdictGlyph(cell))} ${c.bold(label)}  ${paint(verdictLabel(cell))}${surprise}`,
  ];
  const detail = (text: string) => lines.push(`    ${text}`);
  const quiet = cell.verdict === "runs" && info.predicted;
  const prediction = cell.prediction;
  if (!quiet) {
    if (prediction?.message) {
      detail(`message: ${c.bold(escapeControl(prediction.message))}`);
    }
    detail(
      `${cell.outcome === "skipped" ? "why skipped" : "why"}: ${escapeControl(cell.explanation)}`,
    );
    if (prediction) for (const line of missingLines(prediction)) detail(escapeControl(line));
  }
  const check = predictionCheck(cell);
  const run = cell.confirmation;
  if (check === "wrong" && run) {
    detail(c.red(c.bold("PREDICTION WRONG")));
    const predicted = prediction ? VERDICT_LABELS[prediction.verdict] : "no prediction";
    const observed = run.observed ? VERDICT_LABELS[run.observed] : "could not tell";
    const said = safeLines(run.stderr.trimEnd() || run.stdout.trimEnd())[0] ?? "";
    const table = sideBySide(
      [
        ["verdict", predicted, observed],
        ["message", escapeControl(prediction?.message ?? "none"), said || "none"],
        ["why", escapeControl(prediction?.reason ?? ""), escapeControl(run.note)],
      ],
      inner - 4,
    );
    lines.push(...table.map((line) => `    ${line}`));
    detail(`$ ${escapeControl(run.command)}  ${c.dim(`(${confirmationStatus(cell)})`)}`);
    const output = [run.stdout, run.stderr]
      .map((s) => s.trimEnd())
      .filter(Boolean)
      .join("\n");
    // A one-line output is already in the table, as the observed message.
    if (output.includes("\n"))
      lines.push(
        ...excerpt(output)
          .flatMap(safeLines)
          .map((l) => `    │ ${l}`),
      );
  } else if (check === "confirmed" && run) {
    detail(
      c.dim(`prediction confirmed: $ ${escapeControl(run.command)} → ${confirmationStatus(cell)}`),
    );
  } else if (check === "undecided" && run) {
    detail(
      c.dim(`ran, could not tell: $ ${escapeControl(run.command)} → ${escapeControl(run.note)}`),
    );
  } else if (runs && prediction && cell.outcome !== "skipped") {
    detail(c.dim("not run: the prediction only"));
  }
  if (!quiet) for (const fix of cell.fixes) detail(`• ${escapeControl(fix)}`);
  return lines;
}

/** The check's summary box: what ran where, what did not, what was looked at, the exit status. */
export function renderCheckSummary(
  result: RunResult,
  checks: CheckReport,
  c: ChalkInstance,
  width: number,
): string {
  const s = checkSummary(result, checks);
  const row = (label: string, value: string) => `${label.padEnd(32)}${value}`;
  const what = checks.image === null ? checks.targets.join(" ") : `image ${checks.image}`;
  const how =
    checks.runArgs === null
      ? "predicted only (--no-run)"
      : `predicted, then run${checks.runArgs.length > 0 ? ` with ${checks.runArgs.join(" ")}` : ""} in each environment`;
  const lines = [
    row("checked", escapeControl(what)),
    row("", escapeControl(how)),
    "",
    row("artifacts checked", String(s.artifacts)),
    row("  run everywhere", c.green(String(s.runEverywhere))),
    ...s.failsOn.map((f) =>
      row(
        `  do not run on ${f.environment}`,
        `${c.red(String(f.count))} (${f.verdicts.map((v) => `${v.verdict} ${v.count}`).join(", ")})`,
      ),
    ),
    ...(s.notElf > 0 ? [row("  not ELF", String(s.notElf))] : []),
    row(
      "predictions wrong",
      s.wrongPredictions === 0 ? c.green("0") : c.red(String(s.wrongPredictions)),
    ),
    row(
      "files looked at",
      `${s.counts.files} (ELF ${s.counts.elf}, not ELF ${s.counts.notElf}, skipped ${s.counts.skipped})`,
    ),
  ];
  if (s.skipped.shown.length > 0) {
    lines.push(
      "",
      "Skipped files:",
      ...s.skipped.shown.map((k) => `  ${escapeControl(k.path)}: ${escapeControl(k.reason)}`),
      ...(s.skipped.more > 0 ? [c.dim(`  … ${s.skipped.more} more in the JSON report`)] : []),
    );
  }
  const regressions = result.baseline?.changes.filter((change) => change.regression).length ?? 0;
  const surprises = result.summary.total - countPredicted(result);
  lines.push(
    "",
    result.exitStatus === 0
      ? c.green("Every artifact runs in every environment, as predicted (exit status 0).")
      : checks.artifacts.length === 0
        ? c.red(`No ELF file was found, so nothing was checked: exit status ${result.exitStatus}.`)
        : surprises > 0
          ? c.red(`Predictions wrong or the lab failed: exit status ${result.exitStatus}.`)
          : s.failsOn.length > 0 || s.notElf > 0
            ? c.red(`Some artifacts do not run everywhere: exit status ${result.exitStatus}.`)
            : c.red(
                `Regressions since the baseline (${regressions}): exit status ${result.exitStatus}.`,
              ),
  );
  return box("summary", lines, width);
}

function countPredicted(result: RunResult): number {
  return Object.entries(OUTCOME_INFO)
    .filter(([, info]) => info.predicted)
    .reduce((n, [outcome]) => n + result.summary[outcome as keyof typeof OUTCOME_INFO], 0);
}
