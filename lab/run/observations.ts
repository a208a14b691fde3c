/**
 * From what ran to observations: the facts the harness adds (repetitions, a search's trail, ELF
 * facts). Pure functions over runs the runtime returned.
 */
import type { Observation } from "../classify/classify.js";
import { parseMeasurements } from "../classify/measurements.js";
import type { ElfInfo } from "../elf/read-elf.js";
import { median } from "../measure/median.js";
import type { LimitFound, SearchFactKey } from "../measure/find-limit.js";
import type { BuildRecord, CaseResult } from "../run-result.js";
import type { ProbeRun } from "../runtime/session.js";
import type { Search } from "../scenarios/schema.js";
import type { CaseInstance } from "./plan.js";

/** What a case's result says about itself before anything ran: its names, role and environment. */
export type ResultBase = Pick<
  CaseResult,
  "scenario" | "id" | "caseId" | "value" | "title" | "role" | "environment" | "note"
>;

export function resultBase(instance: CaseInstance): ResultBase {
  const { scenario, testCase, value } = instance;
  return {
    scenario: scenario.id,
    id: value === null ? testCase.id : `${testCase.id}-${value}`,
    caseId: testCase.id,
    value,
    title:
      value === null
        ? testCase.title
        : `${testCase.title} (${value} ${testCase.sweep?.unit ?? ""})`.replace(" )", ")"),
    role: testCase.role,
    environment: instance.targetName,
    note: testCase.note ?? null,
  };
}

/**
 * Everything seen of one case, before it is classified: what a saved run keeps so that it can be
 * classified again.
 */
export interface CaseObservation {
  base: ResultBase;
  build: BuildRecord | null;
  command: string | null;
  expected: CaseResult["expected"];
  observation: Observation;
  /** A search's tries, each a run of its own. */
  tries?: CaseResult["tries"];
  /** What the case's sidecar logged, as the report shows it. */
  queryLog?: string[];
}

/**
 * Facts over repeated runs: `.min`, `.median` and `.max` of every numeric fact the runs share, and
 * whether they all ended alike (a timing claim on runs that did not is no claim at all).
 */
export function repeatFacts(runs: ProbeRun[]): Record<string, string> {
  const perRun = runs.map((r) => parseMeasurements(r.stdout));
  const facts: Record<string, string> = {
    repeats: String(runs.length),
    "repeats.consistent": String(
      new Set(runs.map((r) => `${r.exitCode}/${r.signal}/${r.timedOut}`)).size === 1,
    ),
  };
  for (const key of Object.keys(perRun[0] ?? {})) {
    const values = perRun.map((m) => Number(m[key]));
    if (values.some((v) => !Number.isFinite(v)) || perRun.some((m) => m[key] === "")) continue;
    const round = (v: number) => String(Math.round(v * 100) / 100);
    facts[`${key}.min`] = round(Math.min(...values));
    facts[`${key}.median`] = round(median(values));
    facts[`${key}.max`] = round(Math.max(...values));
  }
  return facts;
}

/** What a search saw, as one observation: the facts at the limit plus the limit itself. */
export function searchObservation(
  search: Search,
  found: LimitFound,
  runsByValue: Map<number, ProbeRun>,
  /** The whole search, as the clock saw it (its tries overlap). */
  wallMs: number,
): Observation {
  const ended = (run: ProbeRun | undefined) => run?.signal ?? `exit ${run?.exitCode}`;
  const atLimit = found.limit === null ? undefined : runsByValue.get(found.limit);
  const atFailure = found.firstFailure === null ? undefined : runsByValue.get(found.firstFailure);
  const timedOut = [...runsByValue.values()].some((r) => r.timedOut);
  // In value order, one line: the boundary is where "ok" turns into a signal.
  const trail = [...found.trials]
    .sort((a, b) => a.value - b.value)
    .map((t) => {
      const run = runsByValue.get(t.value);
      return `${t.value} ${t.passed ? "ok" : ended(run)}`;
    })
    .join(", ");
  return {
    kind: "ran",
    exitCode: found.limit !== null && found.monotonic ? 0 : 1,
    signal: null,
    stdout: `tried (${search.unit}): ${trail}\n${atLimit?.stdout ?? ""}`.trimEnd(),
    stderr: atFailure?.stderr ?? "",
    timedOut,
    durationMs: wallMs,
    measurements: {
      ...parseMeasurements(atLimit?.stdout ?? ""),
      ...({
        limit: found.limit === null ? "none" : String(found.limit),
        first_failure: found.firstFailure === null ? "none" : String(found.firstFailure),
        failure: atFailure ? ended(atFailure) : "none",
        runs: String(found.trials.length),
        rounds: String(found.rounds),
        monotonic: String(found.monotonic),
      } satisfies Record<SearchFactKey, string>),
    },
  };
}

/** The ELF facts a diagnosis case can state expectations about. */
export function elfMeasurements(elf: ElfInfo): Record<string, string> {
  return {
    linkage: elf.linkage,
    interpreter: elf.interpreter ?? "none",
    needed: elf.needed.join(",") || "none",
    highest_glibc: elf.highestGlibcVersion ?? "none",
    pie: String(elf.pie),
    gnu_stack_size: elf.gnuStackSize === null ? "none" : String(elf.gnuStackSize),
  };
}

/** Every run of a search as the report keeps it: each try is a run of its own, not only a trail. */
export function searchTries(
  found: LimitFound,
  runsByValue: Map<number, ProbeRun>,
): NonNullable<CaseResult["tries"]> {
  return found.trials.map((trial) => {
    const run = runsByValue.get(trial.value);
    return {
      value: trial.value,
      passed: trial.passed,
      exitCode: run?.exitCode ?? null,
      signal: run?.signal ?? null,
      timedOut: run?.timedOut ?? false,
      durationMs: run?.durationMs ?? 0,
      measurements: parseMeasurements(run?.stdout ?? ""),
    };
  });
}
