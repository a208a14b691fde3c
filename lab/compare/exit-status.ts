import { OUTCOME_INFO } from "../classify/outcomes.js";
import type { CheckCell } from "../check/check-result.js";
import type { BaselineComparison, CaseResult, RunResult } from "../run-result.js";

type ExitStatus = RunResult["exitStatus"];

/** A run as the lab observed it, before anything judged it against a baseline. */
export type ObservedRun = Omit<RunResult, "exitStatus" | "baseline">;

/**
 * The exit status of a run, the one place it is computed: the outcomes decide first (2 when the
 * infrastructure failed under a case, 1 for any other surprise, 0 when everything happened as the
 * scenarios predict; `check`: 1 also when an artifact does not run somewhere, or none was found);
 * then a regression since the baseline (an outcome that changed, a case that vanished) makes a
 * clean run 1, unless the run was accepted as the new baseline.
 */
export function exitStatusOf(
  run: {
    scenarios: readonly { cases: readonly Pick<CaseResult, "outcome">[] }[];
    checks?: { artifacts: readonly { cells: readonly Pick<CheckCell, "outcome" | "verdict">[] }[] };
  },
  comparison: BaselineComparison | null,
): ExitStatus {
  const cells = run.checks?.artifacts.flatMap((a) => a.cells) ?? [];
  const outcomes = [
    ...run.scenarios.flatMap((s) => s.cases.map((c) => c.outcome)),
    ...cells.map((c) => c.outcome),
  ];
  if (outcomes.includes("infra-error")) return 2;
  if (outcomes.some((o) => !OUTCOME_INFO[o].predicted)) return 1;
  // `check` is a gate ("our release binary must run on Alpine"): an artifact that does not run
  // somewhere fails the run even when the lab predicted exactly that.
  if (cells.some((c) => c.verdict !== null && c.verdict !== "runs")) return 1;
  // Nothing found is no pass: a release folder left empty by a failed build must not go green.
  if (run.checks && run.checks.artifacts.length === 0) return 1;
  const regressed =
    !!comparison && !comparison.accepted && comparison.changes.some((c) => c.regression);
  return regressed ? 1 : 0;
}

/**
 * The RunResult the reports show: the run, its comparison with a baseline (if any), and the exit
 * status that follows from both. `exitStatus` is only ever set from exitStatusOf (here, and by
 * runLab for a run compared with nothing), so the field in the JSON report can never disagree
 * with the status the process ends with.
 */
export function concludeRun(
  run: ObservedRun & Partial<Pick<RunResult, "exitStatus" | "baseline">>,
  comparison: BaselineComparison | null,
): RunResult {
  // A run concluded before (runLab's own, a baseline's) is concluded anew: no old verdict stays.
  const { exitStatus: _status, baseline: _baseline, ...observed } = run;
  void _status;
  void _baseline;
  return {
    ...observed,
    ...(comparison ? { baseline: comparison } : {}),
    exitStatus: exitStatusOf(observed, comparison),
  };
}
