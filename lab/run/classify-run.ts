import { classify } from "../classify/classify.js";
import type { CaseResult } from "../run-result.js";
import type { CaseObservation } from "./observations.js";

/**
 * The one place a run's observations become outcomes, after everything ran: a saved run's
 * observations classify again to the same results.
 */
export function classifyRun(observations: CaseObservation[]): CaseResult[] {
  return observations.map(caseResult);
}

function caseResult(observed: CaseObservation): CaseResult {
  const { base, build, command, expected, observation, tries, queryLog } = observed;
  const verdict = classify(base.role, expected, observation);
  const ran = observation.kind === "ran" ? observation : null;
  return {
    ...base,
    builtIn: build?.builtIn ?? null,
    build,
    command,
    exitCode: ran?.exitCode ?? null,
    signal: ran?.signal ?? null,
    stdout: ran?.stdout ?? "",
    stderr: ran?.stderr ?? (observation.kind === "build-failed" ? observation.output : ""),
    durationMs: ran?.durationMs ?? 0,
    measurements: ran?.measurements ?? {},
    expected,
    outcome: verdict.outcome,
    explanation: verdict.explanation,
    mismatches: verdict.mismatches,
    ...(tries ? { tries } : {}),
    ...(queryLog ? { queryLog } : {}),
  };
}
