import { Chalk, type ChalkInstance } from "chalk";
import { describeStatus } from "../classify/classify.js";
import { OUTCOME_INFO, type Outcome } from "../classify/outcomes.js";
import type { BaselineComparison, CaseResult, RunResult, ScenarioResult } from "../run-result.js";
import Table from "cli-table3";
import { box, visibleLength } from "./box.js";
import { renderCheckArtifacts, renderCheckSummary } from "./check-console.js";
import { describeChange } from "./describe-change.js";
import {
  adviceViews,
  claimViews,
  measurementTables,
  sweepViews,
  type MeasurementTableView,
  type SweepCell,
  type SweepView,
} from "./scenario-views.js";

export interface ConsoleOptions {
  /** Colour on or off; the CLI decides from NO_COLOR, FORCE_COLOR and whether stdout is a TTY. */
  color: boolean;
  /** Total width of the boxes in columns. */
  width: number;
}

const MAX_OUTPUT_LINES = 12;

/**
 * The lab printout: a title box, a box per scenario (or, for `check`, per artifact), a summary
 * box. A view of one RunResult.
 */
export function renderConsole(result: RunResult, options: ConsoleOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = Math.max(60, options.width);
  const checks = result.checks;
  return [
    renderTitle(result, c, width),
    ...result.scenarios.flatMap((scenario) => renderScenario(result, scenario, c, width)),
    ...(checks ? renderCheckArtifacts(checks, c, width) : []),
    ...(result.baseline ? [renderBaseline(result.baseline, c, width)] : []),
    checks ? renderCheckSummary(result, checks, c, width) : renderSummary(result, c, width),
  ].join("\n");
}

/** What `locale -a` listed: the locales glibc can load; musl has no locale data to list. */
function localesOf(environment: RunResult["environments"][number]): string {
  return environment.locales === null
    ? "no `locale` command (musl ships no locale data)"
    : `locale -a: ${environment.locales.join(" ")}`;
}

function renderTitle(result: RunResult, c: ChalkInstance, width: number): string {
  const lines = [
    c.bold(`musl-lab ${result.tool.version}: how programs behave on glibc and on musl`),
    `started ${result.startedAt} · images: ${result.images} · ${(result.durationMs / 1000).toFixed(1)} s`,
    "",
    "Environments (as detected inside each container):",
    ...result.environments.map(
      (e) =>
        `  ${c.bold(e.id.padEnd(12))} ${e.libc.family} ${e.libc.version} · ${e.distro} · ` +
        `${e.imageMode} image ${e.imageTag} · kernel ${e.kernel} · ${localesOf(e)}`,
    ),
  ];
  if (result.setup.length > 0)
    lines.push("", "Set-up done for this run:", ...result.setup.map((s) => `  ${s}`));
  return box(null, lines, width);
}

/**
 * A scenario's box (its cases, sweeps and tables, in the scenario's order), then a box of the
 * popular claims this run checked and a closing box of what to do, each only when it has content.
 */
function renderScenario(
  result: RunResult,
  scenario: ScenarioResult,
  c: ChalkInstance,
  width: number,
): string[] {
  const lines: string[] = [c.dim(scenario.description), ""];
  const inner = width - 4;
  const sweeps = new Map(sweepViews(result, scenario).map((view) => [view.caseId, view]));
  // Where the scenario's tables carry the facts, predicted cases need no output excerpt of their
  // own; a surprise always shows everything.
  const tablesCarryFacts = scenario.report.tables.length > 0;
  const shown = new Set<string>();
  const builds = new Set<string>();
  const tables = measurementTables(result, scenario);
  const tablesAfter = (caseId: string | null) =>
    tables.filter((t) => t.after === caseId).flatMap((t) => renderMeasurementTable(t, c, inner));
  scenario.cases.forEach((caseResult, index) => {
    const sweep = sweeps.get(caseResult.caseId);
    if (!sweep) {
      const predicted = OUTCOME_INFO[caseResult.outcome].predicted;
      const firstOfBuild = !builds.has(caseResult.build?.command ?? "");
      builds.add(caseResult.build?.command ?? "");
      lines.push(
        ...renderCase(caseResult, c, {
          output: !predicted || !tablesCarryFacts,
          build: !predicted || firstOfBuild,
          highlights: scenario.report.highlights[caseResult.caseId] ?? [],
        }),
        "",
      );
    } else if (!shown.has(sweep.caseId)) {
      shown.add(sweep.caseId);
      lines.push(...renderSweep(sweep, c, inner), "");
    }
    // A table placed after a case comes once that case's last result is shown.
    if (scenario.cases[index + 1]?.caseId !== caseResult.caseId) {
      lines.push(...tablesAfter(caseResult.caseId));
    }
  });
  lines.push(...tablesAfter(null));
  lines.push(c.dim(`Sources: ${scenario.sources.join(" · ")}`));
  const boxes = [box(`${scenario.id}: ${scenario.title}`.slice(0, width - 8), lines, width)];

  const claims = claimViews(result, scenario);
  if (claims.length > 0) {
    const claimLines: string[] = [];
    for (const claim of claims) {
      claimLines.push(`“${claim.claim}”`);
      for (const check of claim.checks) {
        const verdict =
          check.holds === null
            ? c.dim("not measured")
            : check.holds
              ? c.green("holds")
              : c.red("does not hold");
        claimLines.push(`  ${check.column.label}: ${check.value ?? "—"} → ${verdict}`);
      }
    }
    boxes.push(box(`${scenario.id}: claims checked against this run`, claimLines, width));
  }

  const advice = adviceViews(result, scenario);
  if (advice.length > 0) {
    const adviceLines: string[] = [];
    for (const item of advice) {
      adviceLines.push(`• ${item.text}`);
      for (const m of item.measured) {
        adviceLines.push(c.dim(`  ${m.column.label}: ${m.value ?? "—"}`));
      }
      if (item.evidence.length > 0) {
        const proof = item.evidence.map((e) => {
          const counts = e.counts.map(({ outcome, count }) => {
            const info = OUTCOME_INFO[outcome];
            return c[info.color](`${info.glyph} ${count > 1 ? `${count}× ` : ""}${info.label}`);
          });
          return `${e.column.id} ${counts.join(", ")}`;
        });
        adviceLines.push(c.dim(`  measured: ${proof.join(" · ")}`));
      }
    }
    boxes.push(box(`${scenario.id}: what to do`, adviceLines, width));
  }
  return boxes;
}

function renderMeasurementTable(
  table: MeasurementTableView,
  c: ChalkInstance,
  width: number,
): string[] {
  const lines = [c.bold(table.title)];
  lines.push(
    ...renderTable(
      ["", ...table.columns.map((col) => col.label)],
      table.rows.map((row) => [
        `${row.differs ? c.yellow("≠ ") : "  "}${row.label}`,
        ...row.cells.map((cell) => cell ?? c.dim("—")),
      ]),
      width,
    ),
  );
  if (table.rows.some((row) => row.differs)) {
    lines.push(c.dim("≠ marks rows where the environments differ"));
  }
  if (table.note) lines.push(table.note);
  lines.push("");
  return lines;
}

/** A sweep as the classic "Size | glibc | musl" table, explained once per distinct reason. */
function renderSweep(view: SweepView, c: ChalkInstance, width: number): string[] {
  const lines = [c.bold(view.title)];
  lines.push(
    ...renderTable(
      [view.unit, ...view.columns.map((col) => col.label)],
      view.rows.map((row) => [
        String(row.value),
        ...row.cells.map((cell) => {
          if (!cell) return c.dim("—");
          const info = OUTCOME_INFO[cell.outcome];
          const mark = cell.status === "ok" ? "✓" : "✗";
          const surprise = info.predicted ? "" : ` ${info.label}`;
          return c[info.color](`${mark} ${cell.status}${surprise}`);
        }),
      ]),
      width,
    ),
  );
  for (const e of view.explanations) {
    const info = OUTCOME_INFO[e.outcome];
    lines.push(
      `    ${c[info.color](info.glyph)} ${e.environment}, ${e.values.join(", ")} ${view.unit}: ${e.text}`,
    );
  }
  const surprises = view.rows.flatMap((row) =>
    row.cells.filter((cell): cell is SweepCell => !!cell && !OUTCOME_INFO[cell.outcome].predicted),
  );
  for (const cell of surprises) lines.push(...renderCase(cell.result, c));
  const first = view.rows.flatMap((row) => row.cells).find((cell) => cell?.result.command);
  if (first) lines.push(c.dim(`    e.g. $ ${first.result.command}`));
  return lines;
}

/**
 * A grid when it fits the box; otherwise one block per row with a line per column, because a grid
 * wrapped by the box is unreadable (long sort orders, dates).
 */
function renderTable(head: string[], rows: string[][], width: number): string[] {
  const table = new Table({
    head,
    style: { head: [], border: [], "padding-left": 1, "padding-right": 1 },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  table.push(...rows);
  const grid = table.toString().split("\n");
  if (grid.every((line) => visibleLength(line) <= width)) return grid;
  return rows.flatMap(([label = "", ...cells]) => [
    label.trim() === "" ? label : `${label}:`,
    ...cells.map((cell, i) => `      ${head[i + 1] ?? ""}: ${cell}`),
  ]);
}

export interface CaseDetail {
  /** Show the probe's output excerpt. */
  output: boolean;
  /** Show how the binary was built (once per build is enough when all went as predicted). */
  build: boolean;
  /** Facts to show on one line, those the case printed (the scenario's `highlights`). */
  highlights?: string[];
}

export function renderCase(
  result: CaseResult,
  c: ChalkInstance,
  show: CaseDetail = { output: true, build: true },
): string[] {
  const info = OUTCOME_INFO[result.outcome];
  const paint = c[info.color];
  const lines = [
    `${paint(info.glyph)} ${c.bold(result.id)} on ${c.bold(result.environment)}: ${result.title}  ${paint(`[${info.label}]`)}`,
  ];
  const detail = (text: string) => lines.push(`    ${text}`);
  if (result.build && show.build) {
    const reused = result.build.cached ? " (reused from the build cache)" : "";
    detail(`built in ${result.build.builtIn}${reused}: ${result.build.command}`);
    if (result.build.elf) detail(`binary: ${result.build.elf}`);
  }
  if (result.build && result.build.exitCode !== 0) {
    detail("compiler said:");
    lines.push(...excerpt(result.build.output).map((l) => `    │ ${l}`));
  }
  if (result.command) {
    detail(`$ ${result.command}`);
    const output = [result.stdout, result.stderr]
      .map((s) => s.trimEnd())
      .filter(Boolean)
      .join("\n");
    if (show.output) lines.push(...excerpt(output).map((l) => `    │ ${l}`));
    const facts = (show.highlights ?? [])
      .filter((key) => result.measurements[key] !== undefined)
      .map((key) => `${key}=${result.measurements[key]}`);
    if (facts.length > 0 && !show.output) detail(facts.join("  "));
    const status = describeStatus(result.exitCode, result.signal);
    detail(c.dim(`${status} · ${result.durationMs} ms`));
  }
  if (result.queryLog) {
    detail(`the fixture saw ${result.queryLog.length === 0 ? "no query" : ""}`);
    lines.push(...excerpt(result.queryLog.join("\n")).map((l) => `    │ ${l}`));
  }
  detail(`${result.outcome === "skipped" ? "why skipped" : "why"}: ${result.explanation}`);
  if (result.note) detail(`note: ${result.note}`);
  return lines;
}

/** The first MAX_OUTPUT_LINES lines of an output, and how many more the JSON report has. */
export function excerpt(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines.length <= MAX_OUTPUT_LINES) return lines;
  return [
    ...lines.slice(0, MAX_OUTPUT_LINES),
    `… ${lines.length - MAX_OUTPUT_LINES} more lines in the JSON report`,
  ];
}

/** The "changes since baseline" box: regressions first, then what a human should look at. */
function renderBaseline(baseline: BaselineComparison, c: ChalkInstance, width: number): string {
  const since = baseline.baselineStartedAt ? ` (the run of ${baseline.baselineStartedAt})` : "";
  const lines = [`compared with ${baseline.file}${since}`];
  if (baseline.note) lines.push(baseline.note);
  const where = (change: BaselineComparison["changes"][number]) =>
    `${change.scenario}/${change.id} on ${change.environment}: ${describeChange(change)}`;
  const regressions = baseline.changes.filter((change) => change.regression);
  const others = baseline.changes.filter((change) => !change.regression);
  if (regressions.length > 0) {
    lines.push(
      "",
      baseline.accepted
        ? c.yellow("Regressions (accepted: this run is the new baseline):")
        : c.red("Regressions (they fail the run):"),
      ...regressions.map((change) => `  ${c.red("!")} ${where(change)}`),
    );
  }
  if (others.length > 0) {
    lines.push(
      "",
      "Other changes (listed, not failing):",
      ...others.map((change) => `  ${change.kind === "case-added" ? "+" : "~"} ${where(change)}`),
    );
  }
  if (baseline.changes.length === 0 && !baseline.note) {
    lines.push(c.green("No changes since the baseline."));
  }
  if (baseline.notCompared > 0) {
    lines.push(
      "",
      c.dim(
        `${baseline.notCompared} baseline case${baseline.notCompared === 1 ? "" : "s"} of scenarios or environments this run did not select: not compared.`,
      ),
    );
  }
  if (baseline.accepted) lines.push("", `This run was written to ${baseline.file}.`);
  return box("changes since baseline", lines, width);
}

function renderSummary(result: RunResult, c: ChalkInstance, width: number): string {
  const s = result.summary;
  const unexpected: Outcome[] = [
    "unexpected-pass",
    "unexpected-failure",
    "build-error",
    "timeout",
    "infra-error",
  ];
  const unexpectedCount = unexpected.reduce((n, o) => n + s[o], 0);
  const lines = [
    `cases run                       ${s.total - s.skipped}`,
    `as expected                     ${s["as-expected"]}`,
    `expected failures demonstrated  ${s["expected-failure"]}`,
    ...(s["expected-build-failure"] > 0
      ? [`expected build failures         ${s["expected-build-failure"]}`]
      : []),
    `fixes verified                  ${s["fix-verified"]}`,
    `unexpected results              ${unexpectedCount === 0 ? c.green("0") : c.red(String(unexpectedCount))}`,
    `skipped                         ${s.skipped}`,
  ];
  for (const outcome of unexpected) {
    if (s[outcome] > 0) lines.push(`  ${OUTCOME_INFO[outcome].summary.padEnd(30)}${s[outcome]}`);
  }
  const surprises = result.scenarios.flatMap((sc) =>
    sc.cases
      .filter((r) => unexpected.includes(r.outcome))
      .map((r) => `${sc.id}/${r.id} on ${r.environment}`),
  );
  const regressions = result.baseline?.changes.filter((change) => change.regression).length;
  if (regressions !== undefined) {
    const shown = regressions === 0 ? c.green("0") : c.red(String(regressions));
    const accepted = result.baseline?.accepted && regressions > 0 ? " (accepted)" : "";
    lines.push(`regressions since baseline      ${shown}${accepted}`);
  }
  if (surprises.length > 0) lines.push("", c.red("Look at:"), ...surprises.map((l) => `  ${l}`));
  lines.push(
    "",
    result.exitStatus === 0
      ? c.green("Everything behaved as the scenarios predict (exit status 0).")
      : unexpectedCount === 0
        ? c.red(`Regressions since the baseline: exit status ${result.exitStatus}.`)
        : c.red(`Unexpected results: exit status ${result.exitStatus}.`),
  );
  return box("summary", lines, width);
}
