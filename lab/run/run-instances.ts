import { selectExpectation } from "../classify/classify.js";
import { parseMeasurements } from "../classify/measurements.js";
import { formatElfSummary } from "../elf/read-elf.js";
import type { Environment } from "../environments/schema.js";
import { condenseQueryLog, parseQueryLog, queryLogFacts } from "../dns/query-log.js";
import { findLimit } from "../measure/find-limit.js";
import type { BuildRecord, CaseResult } from "../run-result.js";
import type { DetectedEnvironment } from "../runtime/detect.js";
import type { Log } from "../runtime/docker-engine.js";
import { isResolved, type ImageResolution } from "../runtime/images.js";
import {
  WORK_DIR,
  type BatchItem,
  type EnvironmentSession,
  type ProbeRun,
} from "../runtime/session.js";
import type { Case, Scenario } from "../scenarios/schema.js";
import {
  elfMeasurements,
  caseResult,
  repeatFacts,
  resultBase,
  searchObservation,
  searchTries,
  type ResultBase,
} from "./case-result.js";
import { buildKey, type BuildJob } from "./compile-all.js";
import { fixtureBuild, fixtureEnvironment, type CaseInstance } from "./plan.js";
import { dnsFixtureScripts, probeCommand } from "./probe-command.js";
import type { SessionOf } from "./started-environment.js";

/** Environments whose runs proceed at once: one per core (each runs one batch or search at a time). */
const PARALLEL_UNITS = 2;

/**
 * Values a search tries per round. Three (a bracket split in four) measured fastest here: a try
 * near glibc's 8 MiB limit costs ~80 ms of page faults, an exec round trip ~60 ms.
 */
const SEARCH_BATCH = 3;

/** Runs per batch: one exec round trip (~90 ms here) serves this many probe runs. */
const BATCH_SIZE = 8;

/**
 * Runs every planned instance, scenario by scenario, and returns one result per instance in plan
 * order. Skips, build errors and missing locale data are settled without a container; the rest run
 * in batches (one exec per batch) or, for a search, in rounds of side-by-side tries.
 */
export async function runInstances(
  instances: CaseInstance[],
  jobs: Map<string, BuildJob>,
  sessionOf: SessionOf,
  resolutions: Map<string, ImageResolution>,
  abort: () => void,
  log: Log,
): Promise<CaseResult[]> {
  const copies = new Map<string, Promise<void>>();
  const results: CaseResult[] = [];
  for (const scenario of new Set(instances.map((i) => i.scenario))) {
    const scenarioStarted = Date.now();
    const own = instances.filter((i) => i.scenario === scenario);
    const prepared = await Promise.all(own.map(prepare));
    const finished = new Map<PreparedInstance, CaseResult>();
    const waiting: Runnable[] = [];
    for (const item of prepared) {
      if ("result" in item) finished.set(item, item.result);
      else waiting.push(item);
    }
    // Probe runs in one container take turns (see EnvironmentSession.runBatch), so each
    // environment works through its own queue of units (batches, searches). The queues run side by
    // side, one per core; a scenario that measures time runs them one after the other instead, so
    // nothing competes with its probes for the two cores.
    const queues = new Map<EnvironmentSession, Runnable[][]>();
    for (const unit of batchRuns(waiting)) {
      const session = unit[0]!.session;
      queues.set(session, [...(queues.get(session) ?? []), unit]);
    }
    const limit = scenario.exclusiveRuns ? 1 : PARALLEL_UNITS;
    await mapWithLimit([...queues.values()], limit, async (queue) => {
      for (const unit of queue) {
        abort();
        for (const [item, result] of await runUnit(unit)) finished.set(item, result);
      }
    });
    results.push(...prepared.map((item) => finished.get(item) as CaseResult));
    log(`ran ${scenario.id}: ${own.length} results (${elapsed(scenarioStarted)})`);
  }
  return results;

  /** Everything short of running: skips, build errors and ELF reads are settled here. */
  async function prepare(instance: CaseInstance): Promise<PreparedInstance> {
    const { testCase, target, buildFor, value } = instance;
    const base = resultBase(instance);
    const unavailable = [target, buildFor]
      .map((e) => (e ? resolutions.get(e.id) : undefined))
      .find((r) => r && !isResolved(r));
    const skipReason =
      instance.skipReason ??
      (unavailable && !isResolved(unavailable) ? unavailable.unavailable : null);
    const job = buildFor ? jobs.get(buildKey(testCase.build, buildFor)) : undefined;
    if (skipReason || !target || !job?.result) {
      return {
        result: caseResult(base, null, null, null, {
          kind: "skipped",
          reason: skipReason ?? "nothing to run",
        }),
      };
    }
    const { session, detected } = await sessionOf(target.id);
    const expectation = selectExpectation(testCase.expect, detected.libc, value);
    const missing = missingLocales(instance.scenario, detected);
    if (missing.length > 0) {
      return {
        result: caseResult(base, job.result, null, expectation, {
          kind: "infra-failed",
          message:
            `environment "${detected.id}" has no generated ${missing.join(", ")} locale data ` +
            `(locale -a: ${detected.locales?.join(" ") || "nothing"}); without it glibc behaves like ` +
            "musl and this scenario would show nothing. Rebuild the image (docker/offline/glibc-rootfs.sh generates them).",
        }),
      };
    }
    if (job.result.exitCode !== 0) {
      return {
        result: caseResult(base, job.result, null, expectation, {
          kind: "build-failed",
          output: job.result.output,
        }),
      };
    }
    const check = testCase.check;
    if (check.kind === "elf") {
      const elf = job.elf!;
      return {
        result: caseResult(
          base,
          job.result,
          `lab elf-reader ${WORK_DIR}/out/${job.binaryName}`,
          expectation,
          {
            kind: "ran",
            exitCode: 0,
            signal: null,
            stdout: formatElfSummary(elf),
            stderr: "",
            timedOut: false,
            durationMs: 0,
            measurements: elfMeasurements(elf),
          },
        ),
      };
    }
    const binary = await copyTo(job, session, target);
    let fixtureBinary: string | null = null;
    const fixtureFor = fixtureEnvironment(instance);
    if (check.kind === "run" && check.dns && fixtureFor) {
      const fixtureJob = jobs.get(buildKey(fixtureBuild(target), fixtureFor));
      if (!fixtureJob?.result || fixtureJob.result.exitCode !== 0) {
        return {
          result: caseResult(base, job.result, null, expectation, {
            kind: "infra-failed",
            message: `the DNS fixture did not compile: ${fixtureJob?.result?.output.split("\n")[0] ?? "not built"}`,
          }),
        };
      }
      fixtureBinary = await copyTo(fixtureJob, session, target);
    }
    return {
      instance,
      base,
      check,
      session,
      binary,
      fixtureBinary,
      build: job.result,
      expectation,
    };
  }

  /** Puts a built binary into the target's bin folder once, however many cases run it. */
  async function copyTo(
    job: BuildJob,
    session: EnvironmentSession,
    target: Environment,
  ): Promise<string> {
    const binary = `${WORK_DIR}/bin/${job.binaryName}`;
    const copyKey = `${job.key}->${target.id}`;
    if (!copies.has(copyKey)) {
      copies.set(copyKey, session.putFiles([{ path: binary, content: job.binary!, mode: 0o755 }]));
    }
    await copies.get(copyKey);
    return binary;
  }

  async function runUnit(unit: Runnable[]): Promise<[Runnable, CaseResult][]> {
    const [first] = unit;
    if (!first) return [];
    if (first.check.kind === "search") return [[first, await runSearch(first)]];
    const plans = unit.map((item) => ({ item, items: batchItems(item) }));
    const runs = await first.session.runBatch(plans.flatMap((p) => p.items));
    let next = 0;
    return plans.map(({ item, items }) => {
      const own = runs.slice(next, next + items.length);
      next += items.length;
      return [item, finishRuns(item, own)];
    });
  }

  /** One batch item per repetition; a DNS case gets its fixture started before and stopped after each. */
  function batchItems(item: Runnable): BatchItem[] {
    const check = item.check;
    const command = probeCommand(item.binary, check, item.instance.value);
    const fixture =
      check.kind === "run" && check.dns && item.fixtureBinary
        ? dnsFixtureScripts(check.dns, item.fixtureBinary)
        : {};
    return Array.from({ length: item.instance.testCase.repeat }, () => ({
      command,
      timeoutMs: check.timeoutMs,
      ...fixture,
    }));
  }

  function finishRuns(item: Runnable, runs: ProbeRun[]): CaseResult {
    const failed = runs.find((r) => r.setupFailed);
    if (failed) {
      return caseResult(item.base, item.build, failed.command, item.expectation, {
        kind: "infra-failed",
        message: `the case's set-up failed in environment "${item.session.environment.id}": ${failed.stderr.trim().split("\n")[0] ?? ""}`,
      });
    }
    return finishRun(item, runs);
  }

  async function runSearch(item: Runnable): Promise<CaseResult> {
    const check = item.check as Extract<Case["check"], { kind: "search" }>;
    const runsByValue = new Map<number, ProbeRun>();
    const started = performance.now();
    const found = await findLimit(
      check.search,
      async (values) => {
        const runs = await item.session.runBatch(
          values.map((v) => ({
            command: probeCommand(item.binary, check, v),
            schedule: "side-by-side",
          })),
          { timeoutMs: check.timeoutMs },
        );
        values.forEach((v, i) => runsByValue.set(v, runs[i] as ProbeRun));
        return runs.map(survived);
      },
      SEARCH_BATCH,
      () => searchHint(check.search.hintKey, runsByValue),
    );
    const result = caseResult(
      item.base,
      item.build,
      probeCommand(item.binary, check, null),
      item.expectation,
      searchObservation(check.search, found, runsByValue, Math.round(performance.now() - started)),
    );
    return { ...result, tries: searchTries(found, runsByValue) };
  }

  /** The first run is the one shown and classified; repetitions add min/median/max facts. */
  function finishRun(item: Runnable, runs: ProbeRun[]): CaseResult {
    const run = runs[0]!;
    const measurements = {
      ...parseMeasurements(run.stdout),
      ...(runs.length > 1 ? repeatFacts(runs) : {}),
    };
    let queryLog: string[] | undefined;
    if (item.fixtureBinary) {
      const log = parseQueryLog(run.after ?? "");
      Object.assign(measurements, queryLogFacts(log));
      queryLog = condenseQueryLog(log);
    }
    // Harness facts sit beside the probe's, under `lab.`: what the lab saw, not what it printed.
    if (run.oomKilled) measurements["lab.oom_killed"] = "yes";
    if (run.forksRefused) measurements["lab.forks_refused"] = String(run.forksRefused);
    for (const [stream, bytes] of Object.entries(run.truncated ?? {})) {
      measurements[`lab.${stream}_bytes`] = String(bytes);
      measurements[`lab.${stream}_truncated`] = "yes";
    }
    const result = caseResult(item.base, item.build, run.command, item.expectation, {
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
    return queryLog ? { ...result, queryLog } : result;
  }
}

interface Runnable {
  instance: CaseInstance;
  base: ResultBase;
  check: Extract<Case["check"], { kind: "run" | "search" }>;
  session: EnvironmentSession;
  binary: string;
  /** The DNS fixture server in the target, for a case with a `dns` check. */
  fixtureBinary: string | null;
  build: BuildRecord;
  expectation: CaseResult["expected"];
}

type PreparedInstance = Runnable | { result: CaseResult };

/** Runs grouped per environment into batches of BATCH_SIZE; a search is a unit of its own. */
function batchRuns(items: Runnable[]): Runnable[][] {
  const units: Runnable[][] = items.filter((i) => i.check.kind === "search").map((i) => [i]);
  const open = new Map<EnvironmentSession, Runnable[]>();
  for (const item of items) {
    if (item.check.kind === "search") continue;
    let batch = open.get(item.session);
    if (!batch || batch.length >= BATCH_SIZE) {
      batch = [];
      open.set(item.session, batch);
      units.push(batch);
    }
    batch.push(item);
  }
  return units;
}

/** Locales the scenario needs that a glibc environment lacks (musl has no locale data to lack). */
export function missingLocales(scenario: Scenario, detected: DetectedEnvironment): string[] {
  const wanted = scenario.requires?.glibcLocales ?? [];
  if (detected.libc.family !== "glibc" || wanted.length === 0) return [];
  const normalize = (name: string) => name.toLowerCase().replace(/-/g, "");
  const present = new Set((detected.locales ?? []).map(normalize));
  return wanted.filter((name) => !present.has(normalize(name)));
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

export function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
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
