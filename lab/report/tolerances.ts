/**
 * How far a measurement may move between a baseline and this run before the baseline comparison
 * lists it. Measurements are the probes' `key=value` strings; some are facts that must not change
 * at all (a sort order, `setlocale`'s answer), some are sizes found by a search that may shift by a
 * page when the image's kernel or loader changes, and some are wall-clock times that no two runs
 * share. The table says which is which, in one place (the README prints it).
 *
 * Rules are tried in order; the first whose pattern matches the key applies. In a pattern `*`
 * stands for one or more characters, dots included (`lookup.*.ms` matches `lookup.3.ms`).
 */
export type Tolerance =
  /** Not compared: single wall-clock timings and search bookkeeping vary from run to run. */
  | { kind: "ignore" }
  /** The value must be the same string. */
  | { kind: "exact" }
  /**
   * Numbers may move by `relative` of the baseline's value or by `absolute`, whichever is larger;
   * a value that is not a number on either side is compared exactly.
   */
  | { kind: "numeric"; relative: number; absolute: number };

export interface ToleranceRule {
  pattern: string;
  tolerance: Tolerance;
  /** Why this tolerance, for the README and for whoever changes it. */
  why: string;
}

export const MEASUREMENT_TOLERANCES: readonly ToleranceRule[] = [
  {
    pattern: "limit",
    tolerance: { kind: "numeric", relative: 0.05, absolute: 0 },
    why: "survival limits (thread-stack) move by a few KiB with the loader's TLS and the kernel",
  },
  {
    pattern: "first_failure",
    tolerance: { kind: "numeric", relative: 0.05, absolute: 0 },
    why: "the first crashing size moves with the limit",
  },
  {
    pattern: "runs",
    tolerance: { kind: "ignore" },
    why: "how many probe runs the bisection took is bookkeeping",
  },
  {
    pattern: "*_ms.median",
    tolerance: { kind: "numeric", relative: 0.5, absolute: 20 },
    why: "median timings (DNS): a real change is a timeout or a serial wait, tens of ms at least",
  },
  {
    pattern: "lookup.*.ms.median",
    tolerance: { kind: "numeric", relative: 0.5, absolute: 20 },
    why: "median timings of one lookup, as above",
  },
  {
    pattern: "*_ms",
    tolerance: { kind: "ignore" },
    why: "a single wall-clock time is noise; repeated cases carry medians",
  },
  {
    pattern: "*_ms.*",
    tolerance: { kind: "ignore" },
    why: "the fastest and slowest of the repeats are noise",
  },
  {
    pattern: "lookup.*.ms",
    tolerance: { kind: "ignore" },
    why: "a single wall-clock time is noise",
  },
  {
    pattern: "lookup.*.ms.*",
    tolerance: { kind: "ignore" },
    why: "the fastest and slowest of the repeats are noise",
  },
  {
    pattern: "*",
    tolerance: { kind: "exact" },
    why: "every other fact (sizes, orders, names, counts) is what the lab teaches: any change shows",
  },
];

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".+");
  return new RegExp(`^${escaped}$`);
}

const COMPILED = MEASUREMENT_TOLERANCES.map((rule) => ({
  ...rule,
  regExp: patternToRegExp(rule.pattern),
}));

export function toleranceFor(key: string): Tolerance {
  return COMPILED.find((rule) => rule.regExp.test(key))?.tolerance ?? { kind: "exact" };
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
