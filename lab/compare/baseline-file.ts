import { OUTCOMES, type Outcome } from "../classify/outcomes.js";
import { ConfigurationError, describeIssue } from "../errors.js";
import { readUserFile } from "../read-user-file.js";
import {
  RunResultSchema,
  SCHEMA_VERSION,
  type CaseResult,
  type RunResult,
  type SummaryCounts,
} from "../run-result.js";
import { coveredBy } from "./baseline-diff.js";
import { escapeControl, hasControl } from "../report/escape-control.js";
import { renderJson } from "../report/json.js";
import { writeReport } from "../report/write-report.js";
import { concludeRun } from "./exit-status.js";

/**
 * A report of every scenario on every environment is well under a megabyte (probe output is
 * capped per case); far more than that is not a musl-lab report, and must not be read whole.
 */
export const MAX_BASELINE_BYTES = 32 * 1024 * 1024;

/** A baseline as the CLI found it: the saved report, or why there is none to compare with. */
export interface LoadedBaseline {
  /** The path as the user typed it, for messages and the report. */
  file: string;
  /** Where it is: resolved from the user's working directory. */
  path: string;
  report: RunResult | null;
  /** Why nothing is compared (only with --accept: without it these cases are errors). */
  note: string | null;
}

/**
 * Reads and checks `--baseline FILE` before the run starts, so a wrong path costs seconds, not a
 * whole run. Every problem is one line (exit status 2), and what it quotes from the file has its
 * control characters escaped. With `--accept` a missing file or a report of another schema
 * version is fine: this run replaces it. A file that is not a musl-lab report at all is never
 * overwritten: it is more likely a wrong path than an old baseline.
 */
export function readBaseline(path: string, accept: boolean, file: string = path): LoadedBaseline {
  const read = readUserFile(path, MAX_BASELINE_BYTES);
  if (!read.ok) {
    if (read.problem === "missing" && accept) {
      return { file, path, report: null, note: "no baseline yet: this run becomes the baseline" };
    }
    throw new ConfigurationError(
      read.problem === "missing"
        ? `baseline ${file} does not exist; run once with --accept to create it`
        : read.problem === "too-large"
          ? `baseline ${file} has more than ${MAX_BASELINE_BYTES} bytes: it is not a musl-lab report`
          : `cannot read the baseline ${file}: ${read.reason}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(read.bytes.toString("utf8"));
  } catch (error) {
    // V8 quotes the text around the error: from a damaged file, that is any byte at all.
    const reason = escapeControl((error as Error).message.split("\n")[0] ?? "");
    throw new ConfigurationError(`baseline ${file} is not JSON: ${reason}`);
  }
  const header = raw as { tool?: { name?: unknown }; schemaVersion?: unknown } | null;
  if (typeof header !== "object" || header === null || header.tool?.name !== "musl-lab") {
    throw new ConfigurationError(`baseline ${file} is not a musl-lab report`);
  }
  if (header.schemaVersion !== SCHEMA_VERSION) {
    const version = escapeControl(JSON.stringify(header.schemaVersion ?? null));
    if (accept) {
      return {
        file,
        path,
        report: null,
        note: `the baseline had schema version ${version}: replaced without comparing`,
      };
    }
    throw new ConfigurationError(
      `baseline ${file} has schema version ${version} but this musl-lab writes version ${SCHEMA_VERSION}; compare with a report of this version or replace it with --accept`,
    );
  }
  const parsed = RunResultSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigurationError(
      `baseline ${file} does not match the report schema: ${escapeControl(describeIssue(parsed.error))}`,
    );
  }
  const damaged = damagedIdentifier(parsed.data);
  if (damaged) {
    throw new ConfigurationError(
      `baseline ${file} is damaged: ${damaged.where} holds control characters ("${escapeControl(damaged.value)}")`,
    );
  }
  return { file, path, report: parsed.data, note: null };
}

/**
 * Scenario, case and environment ids are kebab-case by design and are printed as they are (the
 * changes box names every vanished case): one with control characters is damage, not data.
 */
function damagedIdentifier(report: RunResult): { where: string; value: string } | null {
  const ids: [string, string][] = [
    ...report.environments.map((e, i): [string, string] => [`environments.${i}.id`, e.id]),
    ...report.scenarios.flatMap((s, i) => [
      [`scenarios.${i}.id`, s.id] as [string, string],
      ...s.cases.flatMap((c, j) =>
        (["scenario", "id", "environment"] as const).map((field): [string, string] => [
          `scenarios.${i}.cases.${j}.${field}`,
          c[field],
        ]),
      ),
    ]),
  ];
  const found = ids.find(([, value]) => hasControl(value));
  return found ? { where: found[0], value: found[1] } : null;
}

/**
 * The baseline `--accept` writes: this run's cases, and the old baseline's cases this run did not
 * cover (other scenarios, other environments) kept as they were, so accepting one scenario never
 * drops the others. Scenario and environment descriptions are this run's where it has them; the
 * summary and the exit status are recomputed from the cases the file holds. startedAt, duration,
 * images and setup stay this run's: the schema has one of each, and the comparison that reads the
 * baseline uses them only to name the run it compares with.
 */
export function mergeBaseline(
  old: RunResult | null,
  run: RunResult,
): { report: RunResult; kept: CaseResult[] } {
  // A baseline is a plain report: no comparison of its own, the status of its own cases.
  const current = concludeRun(run, null);
  // A check's baseline is that check: its artifacts are what the gate is about, and a scenario
  // baseline and an artifact baseline are different files in any pipeline.
  if (!old || current.checks) return { report: current, kept: [] };
  const covered = coveredBy(current);
  const kept = old.scenarios.flatMap((s) => s.cases.filter((c) => !covered(c)));
  const keptOf = (id: string) => kept.filter((c) => c.scenario === id);
  const ran = new Map(current.scenarios.map((s) => [s.id, s]));
  const scenarios = [
    ...old.scenarios.map((before) => {
      const now = ran.get(before.id);
      return now
        ? { ...now, cases: [...now.cases, ...keptOf(before.id)] }
        : { ...before, cases: keptOf(before.id) };
    }),
    ...current.scenarios.filter((s) => !old.scenarios.some((before) => before.id === s.id)),
  ].filter((s) => s.cases.length > 0 || ran.has(s.id));
  const used = new Set(scenarios.flatMap((s) => s.cases.map((c) => c.environment)));
  const environments = [
    ...current.environments,
    ...old.environments.filter(
      (e) => used.has(e.id) && !current.environments.some((now) => now.id === e.id),
    ),
  ];
  const merged = { ...current, environments, scenarios, summary: summarize(scenarios) };
  return { report: concludeRun(merged, null), kept };
}

function summarize(scenarios: RunResult["scenarios"]): SummaryCounts {
  const counts = {
    ...(Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>),
    total: 0,
  };
  for (const c of scenarios.flatMap((s) => s.cases)) {
    counts[c.outcome] += 1;
    counts.total += 1;
  }
  return counts;
}

/**
 * `--accept`: this run becomes the baseline (merged with what it did not cover, see
 * mergeBaseline), written atomically so a failed write leaves the old baseline intact. The
 * comparison itself is left out: a baseline is a plain report, and a diff against the baseline
 * before it would only confuse the next reader. Returns the line that says what changed.
 */
export function writeBaseline(result: RunResult, baseline: LoadedBaseline): string {
  const { report, kept } = mergeBaseline(baseline.report, result);
  writeReport(result, renderJson(report), {
    directory: "",
    extension: "",
    file: baseline.path,
    what: "baseline",
  });
  if (result.checks) {
    const cells = result.checks.artifacts.reduce((n, a) => n + a.cells.length, 0);
    return `baseline written: ${baseline.file}: ${plural(result.checks.artifacts.length, "artifact")} checked, ${plural(cells, "verdict")}`;
  }
  const ran = result.scenarios.flatMap((s) => s.cases);
  const before = baseline.report?.scenarios.flatMap((s) => s.cases).filter(coveredBy(result));
  const wrote = !before
    ? `wrote ${plural(ran.length, "case")} of ${where(ran)}`
    : before.length === ran.length
      ? `replaced ${plural(ran.length, "case")} of ${where(ran)}`
      : `replaced ${plural(before.length, "case")} of ${where(ran)} with this run's ${ran.length}`;
  const keptLine = kept.length > 0 ? `; kept ${kept.length} of ${where(kept)}` : "";
  return `baseline written: ${baseline.file}: ${wrote}${keptLine}`;
}

/** `dns, locale (glibc, musl) and hello (glibc-2.36)`: the scenarios, grouped by environments. */
function where(cases: CaseResult[]): string {
  const environments = new Map<string, Set<string>>();
  for (const c of cases) {
    environments.set(c.scenario, (environments.get(c.scenario) ?? new Set()).add(c.environment));
  }
  const groups = new Map<string, string[]>();
  for (const [scenario, set] of [...environments].sort(([a], [b]) => a.localeCompare(b))) {
    const key = [...set].sort().join(", ");
    groups.set(key, [...(groups.get(key) ?? []), scenario]);
  }
  if (groups.size === 0) return "no scenario";
  return [...groups].map(([envs, scenarios]) => `${scenarios.join(", ")} (${envs})`).join(" and ");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
