import { parseMeasurements } from "../classify/measurements.js";
import { findLimit } from "../measure/find-limit.js";
import { secondsSince } from "../seconds-since.js";
import type { BatchItem, ProbeRun } from "../runtime/session.js";
import type { Case } from "../scenarios/schema.js";
import type { StartedEnvironment } from "./executor.js";
import {
  repeatFacts,
  searchObservation,
  searchTries,
  type CaseObservation,
} from "./observations.js";
import type { Runnable, Work } from "./prepare.js";
import type { RunContext } from "./run-context.js";
import { probeCommand } from "./probe-command.js";

/** Environments whose runs proceed at once: one per core (each runs one batch or search at a time). */
const PARALLEL_UNITS = 2;

/**
 * Values a search tries per round. Three (a bracket split in four) measured fastest here: a try
 * near glibc's 8 MiB limit costs ~80 ms of page faults, an exec round trip ~60 ms.
 */
const SEARCH_BATCH = 3;

/** Runs per batch: one exec round trip (~90 ms here) serves this many probe runs. */
const BATCH_SIZE = 8;

/** A search's tries are independent: they run side by side, a round as long as its slowest. */
const SIDE_BY_SIDE = { schedule: "side-by-side" } as const satisfies Partial<BatchItem>;

/**
 * Runs the prepared work, scenario by scenario, and returns one observation per item in plan
 * order; settled items pass through. The rest run in batches (one exec per batch) or, for a
 * search, in rounds of side-by-side tries.
 */
export async function execute(context: RunContext, work: Work[]): Promise<CaseObservation[]> {
  const observed = new Map<Work, CaseObservation>();
  for (const scenario of new Set(work.map((w) => w.instance.scenario))) {
    const scenarioStarted = Date.now();
    const own = work.filter((w) => w.instance.scenario === scenario);
    const waiting: Runnable[] = [];
    for (const item of own) {
      if (item.kind === "settled") observed.set(item, item.observed);
      else waiting.push(item);
    }
    // Probe runs in one container take turns (see EnvironmentSession.runBatch), so each
    // environment works through its own queue of units (batches, searches). The queues run side by
    // side, one per core; a scenario that measures time runs them one after the other instead, so
    // nothing competes with its probes for the two cores.
    const queues = new Map<StartedEnvironment, Runnable[][]>();
    for (const unit of batchRuns(waiting)) {
      const target = unit[0]!.target;
      queues.set(target, [...(queues.get(target) ?? []), unit]);
    }
    const limit = scenario.exclusiveRuns ? 1 : PARALLEL_UNITS;
    await mapWithLimit([...queues.values()], limit, async (queue) => {
      for (const unit of queue) {
        context.stopIfInterrupted();
        for (const [item, observation] of await runUnit(unit)) observed.set(item, observation);
      }
    });
    context.log(`ran ${scenario.id}: ${own.length} results (${secondsSince(scenarioStarted)})`);
  }
  return work.map((item) => observed.get(item)!);
}

async function runUnit(unit: Runnable[]): Promise<[Runnable, CaseObservation][]> {
  const [first] = unit;
  if (!first) return [];
  if (first.check.kind === "search") return [[first, await runSearch(first)]];
  const plans = unit.map((item) => ({ item, items: batchItems(item) }));
  const runs = await first.target.runBatch(plans.flatMap((p) => p.items));
  let next = 0;
  return plans.map(({ item, items }) => {
    const own = runs.slice(next, next + items.length);
    next += items.length;
    return [item, observeRuns(item, own)];
  });
}

/** One batch item per repetition; a case with a sidecar gets it started before and stopped after each. */
function batchItems(item: Runnable): BatchItem[] {
  const command = probeCommand(item.binary, item.check, item.instance.value);
  return Array.from({ length: item.instance.testCase.repeat }, () => ({
    command,
    timeoutMs: item.check.timeoutMs,
    ...item.sidecar?.scripts,
  }));
}

function observeRuns(item: Runnable, runs: ProbeRun[]): CaseObservation {
  const failed = runs.find((r) => r.setupFailed);
  if (failed) {
    return observed(item, failed.command, {
      kind: "infra-failed",
      message: `the case's set-up failed in environment "${item.target.environment.id}": ${failed.stderr.trim().split("\n")[0] ?? ""}`,
    });
  }
  return observeRun(item, runs);
}

function observed(
  item: Runnable,
  command: string,
  observation: CaseObservation["observation"],
): CaseObservation {
  return { base: item.base, build: item.build, command, expected: item.expectation, observation };
}

async function runSearch(item: Runnable): Promise<CaseObservation> {
  const check = item.check as Extract<Case["check"], { kind: "search" }>;
  const runsByValue = new Map<number, ProbeRun>();
  const started = performance.now();
  const found = await findLimit(
    check.search,
    async (values) => {
      const runs = await item.target.runBatch(
        values.map((v) => ({ command: probeCommand(item.binary, check, v), ...SIDE_BY_SIDE })),
        { timeoutMs: check.timeoutMs },
      );
      values.forEach((v, i) => runsByValue.set(v, runs[i] as ProbeRun));
      return runs.map(survived);
    },
    SEARCH_BATCH,
    () => searchHint(check.search.hintKey, runsByValue),
  );
  return {
    ...observed(
      item,
      probeCommand(item.binary, check, null),
      searchObservation(check.search, found, runsByValue, Math.round(performance.now() - started)),
    ),
    tries: searchTries(found, runsByValue),
  };
}

/** The first run is the one shown and classified; repetitions add min/median/max facts. */
function observeRun(item: Runnable, runs: ProbeRun[]): CaseObservation {
  const run = runs[0]!;
  const measurements = {
    ...parseMeasurements(run.stdout),
    ...(runs.length > 1 ? repeatFacts(runs) : {}),
  };
  const evidence = item.sidecar?.sidecar.evidence(run.after ?? "");
  if (evidence) Object.assign(measurements, evidence.facts);
  // Harness facts sit beside the probe's, under `lab.`: what the lab saw, not what it printed.
  if (run.oomKilled) measurements["lab.oom_killed"] = "yes";
  if (run.forksRefused) measurements["lab.forks_refused"] = String(run.forksRefused);
  for (const [stream, bytes] of Object.entries(run.truncated ?? {})) {
    measurements[`lab.${stream}_bytes`] = String(bytes);
    measurements[`lab.${stream}_truncated`] = "yes";
  }
  const observation = observed(item, run.command, {
    kind: "ran",
    exitCode: run.exitCode,
    signal: run.signal,
    stdout: run.stdout,
    stderr: run.stderr,
    timedOut: run.timedOut,
    oomKilled: run.oomKilled ?? false,
    durationMs: run.durationMs,
    measurements,
  });
  return evidence ? { ...observation, queryLog: evidence.log } : observation;
}

/** Runs grouped per environment into batches of BATCH_SIZE; a search is a unit of its own. */
function batchRuns(items: Runnable[]): Runnable[][] {
  const units: Runnable[][] = items.filter((i) => i.check.kind === "search").map((i) => [i]);
  const open = new Map<StartedEnvironment, Runnable[]>();
  for (const item of items) {
    if (item.check.kind === "search") continue;
    let batch = open.get(item.target);
    if (!batch || batch.length >= BATCH_SIZE) {
      batch = [];
      open.set(item.target, batch);
      units.push(batch);
    }
    batch.push(item);
  }
  return units;
}

/** Like Promise.all over `items`, with at most `limit` in flight; results keep the input order. */
async function mapWithLimit<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function survived(run: ProbeRun): boolean {
  return run.exitCode === 0 && run.signal === null;
}

/** The estimate a search's probe printed (its `hintKey` fact) in the largest try that passed. */
function searchHint(key: string | undefined, runsByValue: Map<number, ProbeRun>): number | null {
  if (!key) return null;
  const passed = [...runsByValue].filter(([, run]) => survived(run)).sort(([a], [b]) => b - a);
  const fact = passed[0] ? parseMeasurements(passed[0][1].stdout)[key] : undefined;
  const value = fact === undefined || fact === "" ? Number.NaN : Number(fact);
  return Number.isFinite(value) ? value : null;
}
