import { describeTolerance, movedBeyond, toleranceFor } from "./tolerances.js";
import type { BaselineChange, CaseResult, RunResult } from "../run-result.js";
import { concludeRun, type ObservedRun } from "./exit-status.js";

/**
 * This run against a saved report. Cases are matched by (scenario, id, environment): ids are
 * stable by design (STYLE.md), so a case that cannot be matched really appeared or disappeared.
 *
 * Only what this run selected is compared: a baseline of every scenario checked with one scenario
 * does not report the others as vanished (they are counted in `notCompared`).
 */
export function diffBaseline(
  baseline: RunResult,
  current: ObservedRun,
): { changes: BaselineChange[]; notCompared: number } {
  const key = (c: Compared) => `${c.scenario}\u0000${c.id}\u0000${c.environment}`;
  const casesOf = (r: ObservedRun): Compared[] => [
    ...r.scenarios.flatMap((s) => s.cases),
    ...checkCellsOf(r),
  ];
  const now = new Map(casesOf(current).map((c) => [key(c), c]));
  const before = new Map(casesOf(baseline).map((c) => [key(c), c]));
  const inScope = coveredBy(current);
  // Each scenario says how far its own measurements may move (its report spec, in the RunResult).
  const rulesOf = new Map(current.scenarios.map((s) => [s.id, s.report.tolerances ?? []]));

  const changes: BaselineChange[] = [];
  const change = (
    c: Compared,
    fields: Pick<BaselineChange, "kind" | "before" | "after" | "regression"> &
      Partial<Pick<BaselineChange, "key" | "tolerance">>,
  ) =>
    changes.push({
      scenario: c.scenario,
      id: c.id,
      environment: c.environment,
      key: null,
      tolerance: null,
      ...fields,
    });

  for (const c of casesOf(current)) {
    const old = before.get(key(c));
    if (!old) {
      change(c, { kind: "case-added", before: null, after: c.outcome, regression: false });
    } else if (old.outcome !== c.outcome) {
      // The outcome says it all: a crash loses most measurements, listing them would be noise.
      change(c, {
        kind: "outcome-changed",
        before: old.outcome,
        after: c.outcome,
        regression: true,
      });
    } else {
      const keys = new Set([...Object.keys(old.measurements), ...Object.keys(c.measurements)]);
      for (const k of keys) {
        const tolerance = toleranceFor(k, rulesOf.get(c.scenario) ?? []);
        const was = old.measurements[k] ?? null;
        const is = c.measurements[k] ?? null;
        if (movedBeyond(tolerance, was, is)) {
          change(c, {
            kind: "measurement-moved",
            key: k,
            before: was,
            after: is,
            tolerance: describeTolerance(tolerance),
            regression: false,
          });
        }
      }
    }
  }
  let notCompared = 0;
  for (const old of casesOf(baseline)) {
    if (now.has(key(old))) continue;
    if (!inScope(old)) {
      notCompared += 1;
      continue;
    }
    // A case that vanished may hide a failure (a scenario edited, an environment gone): it fails
    // the run like an outcome change until the new baseline is accepted.
    change(old, { kind: "case-missing", before: old.outcome, after: null, regression: true });
  }
  return { changes, notCompared };
}

/** What is compared: a scenario's case, or one artifact of `check` in one environment. */
type Compared = Pick<CaseResult, "scenario" | "id" | "environment" | "outcome" | "measurements">;

/**
 * `check` cells as the baseline compares them: scenario `check`, the artifact's path as the id,
 * and the verdict that counted as the "outcome" (a binary that ran last release and now misses
 * a symbol is the regression a gate exists for).
 */
function checkCellsOf(run: Pick<RunResult, "checks">): Compared[] {
  return (run.checks?.artifacts ?? []).flatMap((artifact) =>
    artifact.cells.map((cell) => ({
      scenario: CHECK_SCENARIO,
      id: artifact.path,
      environment: cell.environment,
      outcome: (cell.verdict ?? cell.outcome) as CaseResult["outcome"],
      measurements: {},
    })),
  );
}

const CHECK_SCENARIO = "check";

/**
 * What a run covered: every case of its scenarios in its environments. A baseline case outside
 * that is neither compared with this run nor replaced when this run is accepted.
 */
export function coveredBy(
  run: Pick<RunResult, "scenarios" | "environments" | "checks">,
): (c: Pick<CaseResult, "scenario" | "environment">) => boolean {
  const scenarios = new Set([
    ...run.scenarios.map((s) => s.id),
    ...(run.checks ? [CHECK_SCENARIO] : []),
  ]);
  const environments = new Set([
    ...run.environments.map((e) => e.id),
    ...run.scenarios.flatMap((s) => s.cases.map((c) => c.environment)),
    ...checkCellsOf(run).map((c) => c.environment),
  ]);
  return (c) => scenarios.has(c.scenario) && environments.has(c.environment);
}

/** Compares (when there is a baseline report) and attaches the comparison to the result. */
export function compareWithBaseline(
  result: ObservedRun,
  baseline: { file: string; report: RunResult | null; note: string | null },
  accepted: boolean,
): RunResult {
  const diff = baseline.report
    ? diffBaseline(baseline.report, result)
    : { changes: [], notCompared: 0 };
  return concludeRun(result, {
    file: baseline.file,
    baselineStartedAt: baseline.report?.startedAt ?? null,
    accepted,
    ...diff,
    note: baseline.note,
  });
}
