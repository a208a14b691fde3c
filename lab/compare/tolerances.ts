import type { Tolerance, ToleranceRule } from "../scenarios/schema.js";

/**
 * How far a measurement may move between a baseline and this run before the baseline comparison
 * lists it. Measurements are the probes' `key=value` strings; some are facts that must not change
 * at all (a sort order, `setlocale`'s answer), some are sizes found by a search that may shift by a
 * page when the image's kernel or loader changes, and some are wall-clock times that no two runs
 * share. Each scenario says which of its facts are which, in its report spec (docs/reports.md
 * prints them together); this module knows no scenario by name.
 *
 * Rules are tried in order; the first whose pattern matches the key applies. In a pattern `*`
 * stands for one or more characters, dots included (`lookup.*.ms` matches `lookup.3.ms`).
 */
export type { Tolerance, ToleranceRule };

/**
 * The lab's own rule, after a scenario's: any fact not named by a scenario (sizes, orders,
 * names, counts) is what the lab teaches, so any change shows.
 */
const EVERY_OTHER_FACT: ToleranceRule = {
  pattern: "*",
  tolerance: { kind: "exact" },
  why: "every other fact (sizes, orders, names, counts) is what the lab teaches: any change shows",
};

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".+");
  return new RegExp(`^${escaped}$`);
}

const compiled = new WeakMap<readonly ToleranceRule[], { regExp: RegExp; rule: ToleranceRule }[]>();

/**
 * The tolerance of one measurement key: the first of `rules` (its scenario's
 * `report.tolerances`) whose pattern matches it, else the lab's own rule.
 */
export function toleranceFor(key: string, rules: readonly ToleranceRule[]): Tolerance {
  let table = compiled.get(rules);
  if (!table) {
    table = [...rules, EVERY_OTHER_FACT].map((rule) => ({
      rule,
      regExp: patternToRegExp(rule.pattern),
    }));
    compiled.set(rules, table);
  }
  return table.find((entry) => entry.regExp.test(key))?.rule.tolerance ?? { kind: "exact" };
}

/** `±5%`, `±50% (at least 20)`, `exact`, `ignored`: how the tolerance reads in reports. */
export function describeTolerance(tolerance: Tolerance): string {
  switch (tolerance.kind) {
    case "ignore":
      return "ignored";
    case "exact":
      return "exact";
    case "numeric": {
      const percent = `±${Math.round(tolerance.relative * 100)}%`;
      return tolerance.absolute > 0 ? `${percent}, at least ±${tolerance.absolute}` : percent;
    }
  }
}

const NUMBER = /^-?\d+(?:\.\d+)?$/;

/**
 * True when `after` differs from `before` by more than the key's tolerance. A key present on one
 * side only has moved (unless the key is ignored).
 */
export function movedBeyond(
  tolerance: Tolerance,
  before: string | null,
  after: string | null,
): boolean {
  if (tolerance.kind === "ignore" || before === after) return false;
  if (before === null || after === null) return true;
  if (tolerance.kind === "exact" || !NUMBER.test(before) || !NUMBER.test(after)) return true;
  const allowed = Math.max(tolerance.relative * Math.abs(Number(before)), tolerance.absolute);
  return Math.abs(Number(after) - Number(before)) > allowed;
}
