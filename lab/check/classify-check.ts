import type { Environment } from "../environments/schema.js";
import { fixesFor } from "./advice.js";
import type { CheckCell, Confirmation, Prediction } from "./check-result.js";

/**
 * The one place a check's outcome is decided, pure: the verdict that counts (the confirming
 * run's when it could tell, the prediction's otherwise) and, in the lab's vocabulary, whether the
 * prediction held.
 */
export function cellOf(
  environment: Pick<Environment, "id" | "family">,
  prediction: Prediction | null,
  confirmation: Confirmation | null,
  skipReason: string | null,
): CheckCell {
  if (!prediction) {
    return {
      environment: environment.id,
      prediction: null,
      confirmation: null,
      verdict: null,
      outcome: "skipped",
      explanation: skipReason ?? "not predicted",
      fixes: [],
    };
  }
  const observed = confirmation?.observed ?? null;
  const verdict = observed ?? prediction.verdict;
  const wrong = observed !== null && observed !== prediction.verdict;
  const explanation = wrong
    ? `PREDICTION WRONG: predicted ${prediction.verdict} (${prediction.reason}); the run ${observed === "runs" ? "started" : `met ${observed}`}: ${confirmation!.note}`
    : confirmation
      ? `${prediction.reason}; ${observed === null ? `the run could not tell: ${confirmation.note}` : `confirmed: ${confirmation.note}`}`
      : `${prediction.reason} (predicted only: not run)`;
  return {
    environment: environment.id,
    prediction,
    confirmation,
    verdict,
    outcome: wrong
      ? observed === "runs"
        ? "unexpected-pass"
        : "unexpected-failure"
      : verdict === "runs"
        ? "as-expected"
        : "expected-failure",
    explanation,
    fixes: fixesFor(verdict, environment.family, prediction),
  };
}
