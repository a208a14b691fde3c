import type { Search } from "../scenarios/schema.js";

/** Runs the probe once per value (in one batch) and says, per value, whether it passed. */
export type TrialRunner = (values: number[]) => Promise<boolean[]>;

export interface Trial {
  value: number;
  passed: boolean;
}

/**
 * The facts a search case reports whatever its probe prints (lab/run/observations.ts writes them;
 * the scenario loader lets a report name them).
 */
export const SEARCH_FACT_KEYS = [
  "limit",
  "first_failure",
  "failure",
  "runs",
  "rounds",
  "monotonic",
] as const;
export type SearchFactKey = (typeof SEARCH_FACT_KEYS)[number];

export interface LimitFound {
  /** The largest value that passed, or null when even `from` failed. */
  limit: number | null;
  /** The smallest value that failed, or null when nothing up to `max` failed. */
  firstFailure: number | null;
  /** Every value tried, in the order tried. */
  trials: Trial[];
  /** Number of batches (one exec each) the search took. */
  rounds: number;
  /** False when a value passed above one that failed: the limit is then not a clean boundary. */
  monotonic: boolean;
}

/**
 * Finds the largest passing value with few round trips: first it brackets the limit by doubling
 * from `from` (all doublings in one batch), then, given an estimate, tries one round of values
 * around it, then it splits the bracket into `batchSize + 1` parts per batch until the bracket is
 * `resolution` wide. With a batch of 7 a bracket shrinks eightfold per round, so 4096 -> 1 takes
 * four rounds instead of twelve separate runs.
 *
 * The probe is assumed monotonic (a bigger array never survives where a smaller one crashed); when
 * it is not, the smallest failing value wins and `monotonic` says so.
 */
export async function findLimit(
  search: Pick<Search, "from" | "max" | "resolution">,
  runTrials: TrialRunner,
  batchSize = 7,
  /** Asked once after the doubling round: an estimate of the limit, or null (see hintKey). */
  hint: () => number | null = () => null,
): Promise<LimitFound> {
  const trials: Trial[] = [];
  let rounds = 0;
  const run = async (values: number[]) => {
    rounds += 1;
    const passed = await runTrials(values);
    values.forEach((value, i) => trials.push({ value, passed: passed[i] === true }));
  };

  const doublings: number[] = [];
  for (let value = search.from; value < search.max; value *= 2) doublings.push(value);
  doublings.push(search.max);
  await run(doublings);

  const bounds = () => {
    const failing = trials.filter((t) => !t.passed).map((t) => t.value);
    const hi = failing.length > 0 ? Math.min(...failing) : null;
    const passing = trials.filter((t) => t.passed && (hi === null || t.value < hi));
    const lo = passing.length > 0 ? Math.max(...passing.map((t) => t.value)) : null;
    return { lo, hi };
  };

  // One round around the estimate, inside the bracket: the estimate itself and the next value up
  // (when the estimate is exact, that round ends the search), and steps of growing size below
  // and above it (when it is close, the bracket shrinks to one of those steps).
  const estimate = hint();
  const bracket = bounds();
  if (estimate !== null && bracket.lo !== null && bracket.hi !== null) {
    const { lo, hi } = bracket;
    const r = search.resolution;
    const around = [0, 1, -4, 4, -16, -64]
      .map((step) => Math.round(estimate + step * r))
      .filter((v) => v > lo && v < hi);
    if (around.length > 0) await run([...new Set(around)]);
  }

  for (let { lo, hi } = bounds(); lo !== null && hi !== null && hi - lo > search.resolution;) {
    const width = hi - lo;
    const points = new Set<number>();
    for (let i = 1; i <= batchSize; i++) {
      const point = lo + Math.round((width * i) / (batchSize + 1));
      if (point > lo && point < hi) points.add(point);
    }
    await run([...points]);
    ({ lo, hi } = bounds());
  }

  const { lo, hi } = bounds();
  const monotonic = !trials.some((t) => t.passed && hi !== null && t.value > hi);
  return { limit: lo, firstFailure: hi, trials, rounds, monotonic };
}
