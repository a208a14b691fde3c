import { exitStatusFor } from "../classify/outcomes.js";
import type { RunResult } from "../run-result.js";

/**
 * The exit status a result implies, a pure function of it: the outcomes decide first (2 when the
 * infrastructure failed under a case, 1 for any other surprise); then a regression since the
 * baseline (an outcome that changed, a case that vanished) makes a clean run 1, unless the run
 * was accepted as the new baseline.
 */
export function exitStatusOf(result: RunResult): 0 | 1 | 2 {
  const byOutcome = exitStatusFor(result.scenarios.flatMap((s) => s.cases.map((c) => c.outcome)));
  if (byOutcome !== 0) return byOutcome;
  const baseline = result.baseline;
  const regressed = !!baseline && !baseline.accepted && baseline.changes.some((c) => c.regression);
  return regressed ? 1 : 0;
}
