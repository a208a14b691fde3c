import type { Environment } from "../environments/schema.js";
import { fixesFor } from "./advice.js";
import type { CheckCell, Confirmation, Prediction } from "./check-result.js";
import { missingSymbolsIn } from "./observe.js";

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
  // A run that could not tell is no confirmation: only a dlopen stopped by a symbol its host
  // program provides (it exits 0, having said so) leaves the prediction standing. A dlopen probe
  // that died or hung (the library's constructors ran), or a 127 in words no loader uses, is a
  // surprise to look at.
  const unreadable =
    confirmation !== null &&
    observed === null &&
    !(confirmation.exitCode === 0 && /^dlopen_error=/m.test(confirmation.stdout));
  if (unreadable) {
    return {
      environment: environment.id,
      prediction,
      confirmation,
      verdict: prediction.verdict,
      outcome: "unexpected-failure",
      explanation: `predicted ${prediction.verdict} (${prediction.reason}), but the run could not confirm it: ${confirmation.note}`,
      fixes: fixesFor(prediction.verdict, environment.family, prediction),
    };
  }
  const symbols = symbolDifference(prediction, confirmation);
  const explanation = wrong
    ? `PREDICTION WRONG: predicted ${prediction.verdict} (${prediction.reason}); the run ${observed === "runs" ? "started" : `met ${observed}`}: ${confirmation!.note}`
    : confirmation
      ? `${prediction.reason}; ${observed === null ? `the run could not tell: ${confirmation.note}` : `confirmed: ${confirmation.note}`}${symbols}`
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

/**
 * The verdict is the wall; the symbols behind it are the detail a fix needs. When the run named
 * other symbols than predicted (musl's loader names every one, in relocation order), say which.
 */
function symbolDifference(prediction: Prediction, confirmation: Confirmation | null): string {
  if (!confirmation || prediction.verdict !== "missing-symbols") return "";
  if (confirmation.observed !== "missing-symbols") return "";
  const seen = new Set(missingSymbolsIn(`${confirmation.stderr}\n${confirmation.stdout}`));
  const predicted = new Set(prediction.missingSymbols.flatMap((g) => g.symbols));
  const unpredicted = [...seen].filter((s) => !predicted.has(s));
  const unseen = [...predicted].filter((s) => !seen.has(s));
  if (unpredicted.length === 0 && unseen.length === 0) {
    return `; the run named the same ${seen.size} symbol${seen.size === 1 ? "" : "s"}`;
  }
  return `; the run named ${seen.size} symbols${unpredicted.length ? `, ${unpredicted.length} not predicted (${unpredicted.slice(0, 5).join(", ")})` : ""}${unseen.length ? `, and not ${unseen.length} predicted (${unseen.slice(0, 5).join(", ")}: glibc binds functions lazily, at their first call)` : ""}`;
}
