import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { classify, selectExpectation, type Observation } from "./classify/classify.js";
import { parseMeasurements } from "./classify/measurements.js";
import { exitStatusFor, OUTCOMES } from "./classify/outcomes.js";
import { readElf, formatElfSummary, type ElfInfo } from "./elf/read-elf.js";
import { ENVIRONMENTS } from "./environments/index.js";
import type { Environment, LibcFamily } from "./environments/schema.js";
import { InterruptedError } from "./errors.js";
import {
  SCHEMA_VERSION,
  type BuildRecord,
  type CaseResult,
  type RunResult,
  type SummaryCounts,
} from "./run-result.js";
import { BuildCache } from "./runtime/build-cache.js";
import { removeAllContainers } from "./runtime/container-registry.js";
import { detectEnvironment, type DetectedEnvironment } from "./runtime/detect.js";
import type { Log } from "./runtime/docker-engine.js";
import {
  isResolved,
  type ImageResolution,
  type ImagesOption,
  type ResolvedImage,
} from "./runtime/images.js";
import { prepareImages } from "./runtime/prepare-images.js";
import { C_SRC_DIR } from "./runtime/paths.js";
import { EnvironmentSession, WORK_DIR, type BatchItem, type ProbeRun } from "./runtime/session.js";
import { findLimit, type LimitFound } from "./measure/find-limit.js";
import { median } from "./measure/median.js";
import { fileFromLines, renderFixtureConfig } from "./dns/fixture-config.js";
import { condenseQueryLog, parseQueryLog, queryLogFacts } from "./dns/query-log.js";
import {
  VALUE_PLACEHOLDER,
  type Build,
  type Case,
  type DnsFixture,
  type Scenario,
  type Search,
} from "./scenarios/schema.js";
import { TOOL_VERSION } from "./version.js";

const COMPILE_TIMEOUT_MS = 120_000;
const COMPILE_FLAGS = ["-O2", "-Wall"];
/** Environments whose runs proceed at once: one per core (each runs one batch or search at a time). */
const PARALLEL_UNITS = 2;
/**
 * Values a search tries per round. Three (a bracket split in four) measured fastest here: a try
 * near glibc's 8 MiB limit costs ~80 ms of page faults, an exec round trip ~60 ms.
 */
const SEARCH_BATCH = 3;
/** Runs per batch: one exec round trip (~50 ms) serves this many probe runs. */
const BATCH_SIZE = 8;

export interface LabOptions {
  scenarios: Scenario[];
  /** Selected environment ids (validated by the CLI); their variants join automatically. */
  environmentIds: string[];
  images: ImagesOption;
  log: Log;
  /** Aborted by SIGINT/SIGTERM: the run stops between steps and removes its containers. */
  signal?: AbortSignal;
  /** Folders whose .c and .h files are copied to the builders (default: c-src/). */
  sourceDirs?: string[];
}

/** One case (one value of it, for a sweep) in one environment, before it runs. */
interface CaseInstance {
  scenario: Scenario;
  testCase: Case;
  /** The sweep's value this instance runs with, or null. */
  value: number | null;
  target: Environment | null;
  /** Family placeholder shown when no environment of the needed family is selected. */
  targetName: string;
  buildFor: Environment | null;
  skipReason: string | null;
}

interface StartedEnvironment {
  session: EnvironmentSession;
  detected: DetectedEnvironment;
}

type SessionOf = (environmentId: string) => Promise<StartedEnvironment>;

interface BuildJob {
  key: string;
  build: Build;
  forEnvironment: Environment;
  binaryName: string;
  result?: BuildRecord;
  elf?: ElfInfo | null;
  /** The compiled binary, from the builder or the build cache; null when it did not compile. */
  binary?: Buffer;
}

/** Runs the chosen scenarios in the chosen environments and returns everything that was seen. */
export async function runLab(options: LabOptions): Promise<RunResult> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const selected = selectEnvironments(options.environmentIds);
  const instances = options.scenarios.flatMap((scenario) => planScenario(scenario, selected));
  const involved = instances
    .flatMap((i) => [i.target, i.buildFor])
    .filter((e): e is Environment => !!e);
  const {
    setup,
    resolutions,
    builderOf: builderSessions,
    imageIds,
  } = await prepareImages([...new Set(involved)], options.images, options.log);

  const abort = () => {
    if (options.signal?.aborted) {
      throw new InterruptedError(options.signal.reason === "SIGTERM" ? "SIGTERM" : "SIGINT");
    }
  };
  // Every target container starts at once, and each step waits only for the containers it needs:
  // the targets boot (~0.4 s each on a 2-core machine) while the builder already compiles. A
  // builder that is no target starts only when a build misses the build cache: a warm run never
  // starts it at all.
  const sessions = new Map<string, Promise<StartedEnvironment>>();
  const startSession = (image: ResolvedImage) => {
    const starting = EnvironmentSession.start(image.environment, image.mode, image.tag).then(
      async (session) => ({
        session,
        detected: await detectEnvironment(session, imageIds.get(image.environment.id) ?? ""),
      }),
    );
    starting.catch(() => undefined); // awaited (and reported) where it is used
    sessions.set(image.environment.id, starting);
    return starting;
  };
  const targets = new Set(
    instances.flatMap((i) => (i.target && !i.skipReason ? [i.target.id] : [])),
  );
  for (const image of [...resolutions.values()].filter(isResolved)) {
    if (targets.has(image.environment.id)) startSession(image);
  }
  const sessionOf = async (id: string) => {
    const started = sessions.get(id);
    if (started) return started;
    const resolution = resolutions.get(id);
    if (!resolution || !isResolved(resolution)) throw new Error(`no image for environment ${id}`);
    abort();
    return startSession(resolution);
  };
  try {
    abort();
    const sources = (options.sourceDirs ?? [C_SRC_DIR]).flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => f.endsWith(".c") || f.endsWith(".h"))
        .map((f) => ({ path: `${WORK_DIR}/src/${f}`, content: readFileSync(join(dir, f)) })),
    );
    const compileStarted = Date.now();
    const jobs = await compileAll(
      instances,
      sources,
      resolutions,
      builderSessions,
      imageIds,
      sessionOf,
      abort,
    );
    abort();
    options.log(
      `compiled ${jobs.size} build${jobs.size === 1 ? "" : "s"} (${elapsed(compileStarted)})`,
    );
    const results = await runInstances(instances, jobs, sessionOf, resolutions, abort, options.log);

    const detected = await Promise.all([...sessions.values()].map(async (s) => (await s).detected));
    const environments = detected.filter((d) =>
      instances.some((i) => i.target?.id === d.id || i.buildFor?.id === d.id),
    );
    const summary = summarize(results);
    return {
      schemaVersion: SCHEMA_VERSION,
      tool: { name: "musl-lab", version: TOOL_VERSION },
      startedAt,
      durationMs: Date.now() - started,
      images: options.images,
      setup,
      environments: sortByIds(environments, [...resolutions.keys()]),
      scenarios: options.scenarios.map((scenario) => ({
        id: scenario.id,
        title: scenario.title,
        description: scenario.description,
        sources: scenario.sources,
        sweeps: Object.fromEntries(
          scenario.cases.flatMap((c) =>
            c.sweep ? [[c.id, { unit: c.sweep.unit, values: c.sweep.values }]] : [],
          ),
        ),
        report: scenario.report,
        cases: results.filter((r) => r.scenario === scenario.id),
      })),
      summary,
      exitStatus: exitStatusFor(results.map((r) => r.outcome)),
    };
  } finally {
    const settled = await Promise.allSettled(sessions.values());
    await Promise.all(
      settled.map((s) => (s.status === "fulfilled" ? s.value.session.stop() : null)),
    );
    await removeAllContainers();
  }
}

export function selectEnvironments(ids: string[]): Environment[] {
  const chosen = ids.map((id) => ENVIRONMENTS.get(id)).filter((e): e is Environment => !!e);
  const variants = [...ENVIRONMENTS.values()].filter(
    (e) => e.variant && chosen.some((c) => c.id === e.variant?.of),
  );
  return [...chosen, ...variants];
}

/** Expands each case over the selected environments it concerns, and over its sweep's values. */
export function planScenario(scenario: Scenario, selected: Environment[]): CaseInstance[] {
  return planEnvironments(scenario, selected).flatMap((instance) =>
    instance.testCase.sweep
      ? instance.testCase.sweep.values.map((value) => ({ ...instance, value }))
      : [instance],
  );
}

function planEnvironments(scenario: Scenario, selected: Environment[]): CaseInstance[] {
  const plain = selected.filter((e) => !e.variant);
  const firstOf = (family: LibcFamily) => plain.find((e) => e.family === family) ?? null;
  return scenario.cases.flatMap((testCase): CaseInstance[] => {
    const { build, check } = testCase;
    const notSelected = (family: string) =>
      `no ${family} environment is selected (add one with --env)`;
    if (check.kind === "elf") {
      // The schema loader refuses `native` for ELF checks: there is no target to be native to.
      const family = build.for as LibcFamily;
      const target = firstOf(family);
      return [
        {
          scenario,
          testCase,
          value: null,
          target,
          targetName: target?.id ?? family,
          buildFor: target,
          skipReason: target ? null : notSelected(family),
        },
      ];
    }
    const onFamily = (e: Environment) => check.on === "every" || e.family === check.on;
    const joining = check.alsoOn
      .map((id) => ENVIRONMENTS.get(id))
      .filter(
        (e): e is Environment =>
          !!e && !plain.includes(e) && plain.some((p) => p.family === e.family),
      );
    const targets = check.feature
      ? selected.filter((e) => onFamily(e) && e.variant?.feature === check.feature)
      : [...plain, ...joining].filter(onFamily);
    if (targets.length === 0) {
      return [
        {
          scenario,
          testCase,
          value: null,
          target: null,
          targetName: check.feature ? `${check.on}+${check.feature}` : check.on,
          buildFor: null,
          skipReason: check.feature
            ? `no selected environment offers ${check.feature}`
            : notSelected(check.on),
        },
      ];
    }
    return targets.map((target) => {
      const family = build.for === "native" ? target.family : build.for;
      const buildFor = target.family === family && !target.variant ? target : firstOf(family);
      return {
        scenario,
        testCase,
        value: null,
        target,
        targetName: target.id,
        buildFor,
        skipReason: buildFor ? null : notSelected(family),
      };
    });
  });
}

function buildKey(build: Build, forEnvironment: Environment): string {
  return JSON.stringify([build.probe, forEnvironment.id, build.link, build.flags]);
}

/** Compiles each distinct build once, all builds of one builder container in parallel. */
async function compileAll(
  instances: CaseInstance[],
  sources: { path: string; content: Buffer }[],
  resolutions: Map<string, ImageResolution>,
  builderOf: Map<string, string>,
  imageIds: Map<string, string>,
  sessionOf: SessionOf,
  abort: () => void,
): Promise<Map<string, BuildJob>> {
  const cache = new BuildCache();
  const jobs = new Map<string, BuildJob>();
  for (const instance of instances) {
    const { buildFor, skipReason } = instance;
    if (!buildFor || skipReason || !isResolved(resolutions.get(buildFor.id)!)) continue;
    if (instance.target && !isResolved(resolutions.get(instance.target.id)!)) continue;
    for (const [build, env] of buildsOf(instance)) {
      const key = buildKey(build, env);
      if (jobs.has(key)) continue;
      // Named by what it is, not by order of appearance, so the compile command (and with it
      // the build cache's key) is the same in every run that needs this build.
      const flags = build.flags.length
        ? `-${createHash("sha256").update(build.flags.join(" ")).digest("hex").slice(0, 8)}`
        : "";
      jobs.set(key, {
        key,
        build,
        forEnvironment: env,
        binaryName: `${build.probe.replace(/\.c$/, "")}-${env.id}-${build.link}${flags}`,
      });
    }
  }
  await compileJobs();
  return jobs;

  async function compileJobs() {
    // One upload of the sources per builder; every build of that builder waits for it.
    const uploads = new Map<string, Promise<void>>();
    await Promise.all(
      [...jobs.values()].map(async (job) => {
        const builderId = builderOf.get(job.forEnvironment.id)!;
        const resolution = resolutions.get(job.forEnvironment.id) as ResolvedImage;
        const output = `${WORK_DIR}/out/${job.binaryName}`;
        const command = [
          resolution.recipe.compile.cc,
          ...COMPILE_FLAGS,
          ...(job.build.link === "static" ? ["-static"] : []),
          ...job.build.flags,
          "-o",
          output,
          `${WORK_DIR}/src/${job.build.probe}`,
        ].join(" ");
        // The probe's own file and the shared headers decide its bytes; other probes do not.
        const cacheKey = BuildCache.key({
          imageId: imageIds.get(builderId) ?? builderId,
          command,
          sources: sources.filter(
            (f) => f.path.endsWith(".h") || f.path.endsWith(`/${job.build.probe}`),
          ),
        });
        const hit = cache.get(cacheKey);
        if (hit) {
          job.binary = hit.binary;
          job.elf = readElf(hit.binary);
          job.result = { ...hit.record, cached: true };
          return;
        }
        const builder = (await sessionOf(builderId)).session;
        if (!uploads.has(builderId)) uploads.set(builderId, builder.putFiles(sources));
        await uploads.get(builderId);
        abort();
        const run = await builder.run(command, {
          timeoutMs: COMPILE_TIMEOUT_MS,
          user: "harness",
        });
        if (run.exitCode === 0) {
          job.binary = await builder.readFile(output);
          job.elf = readElf(job.binary);
        }
        job.result = {
          builtIn: builderId,
          command,
          exitCode: run.exitCode ?? -1,
          output: (run.stdout + run.stderr).trim(),
          durationMs: run.durationMs,
          elf: job.elf ? formatElfSummary(job.elf) : null,
        };
        if (job.binary) cache.put(cacheKey, job.binary, job.result);
      }),
    );
  }
}

/** The DNS fixture server, built for the libc of each environment a DNS case runs in. */
const FIXTURE_PROBE = "dns-fixture.c";

/** What an instance needs compiled: its probe, and the DNS fixture when its check has one. */
function buildsOf(instance: CaseInstance): [Build, Environment][] {
  const { testCase, buildFor, target } = instance;
  if (!buildFor) return [];
  const builds: [Build, Environment][] = [[testCase.build, buildFor]];
  const fixtureFor = fixtureEnvironment(instance);
  if (testCase.check.kind === "run" && testCase.check.dns && target && fixtureFor) {
    builds.push([fixtureBuild(target), fixtureFor]);
  }
  return builds;
}

function fixtureBuild(target: Environment): Build {
  return { probe: FIXTURE_PROBE, for: target.family, link: "dynamic", flags: [] };
}

/** The fixture runs beside the probe, so it is built for the target's own libc. */
function fixtureEnvironment(instance: CaseInstance): Environment | null {
  const { target, buildFor } = instance;
  if (!target) return null;
  if (!target.variant) return target;
  return buildFor?.family === target.family ? buildFor : null;
}

async function runInstances(
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
        result: finish(base, null, null, null, {
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
        result: finish(base, job.result, null, expectation, {
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
        result: finish(base, job.result, null, expectation, {
          kind: "build-failed",
          output: job.result.output,
        }),
      };
    }
    const check = testCase.check;
    if (check.kind === "elf") {
      const elf = job.elf!;
      return {
        result: finish(
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
          result: finish(base, job.result, null, expectation, {
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
      return finish(item.base, item.build, failed.command, item.expectation, {
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
          values.map((v) => ({ command: probeCommand(item.binary, check, v), user: "together" })),
          { timeoutMs: check.timeoutMs },
        );
        values.forEach((v, i) => runsByValue.set(v, runs[i] as ProbeRun));
        return runs.map((r) => r.exitCode === 0 && r.signal === null);
      },
      SEARCH_BATCH,
    );
    return finish(
      item.base,
      item.build,
      probeCommand(item.binary, check, null),
      item.expectation,
      searchObservation(check.search, found, runsByValue, Math.round(performance.now() - started)),
    );
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
    const result = finish(item.base, item.build, run.command, item.expectation, {
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

type ResultBase = Pick<
  CaseResult,
  "scenario" | "id" | "caseId" | "value" | "title" | "role" | "environment" | "note"
>;

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

const DNS_DIR = `${WORK_DIR}/dns`;

/**
 * Set-up and tear-down around one DNS run. Set-up writes the case's own resolv.conf and hosts
 * (never trusting the copy Docker made of the host's), the fixture's data, and starts the fixture,
 * which daemonizes only once it listens. Tear-down stops it, waits until its pidfile is gone (so
 * the next run can bind port 53 again) and prints the query log.
 */
export function dnsFixtureScripts(
  fixture: DnsFixture,
  fixtureBinary: string,
): { before: string; after: string } {
  const pidfile = `${DNS_DIR}/fixture.pid`;
  const before = [
    "set -e",
    `mkdir -p ${DNS_DIR}`,
    `rm -f ${DNS_DIR}/query.log`,
    `printf '%s' ${shellQuote(fileFromLines(fixture.resolvConf))} >/etc/resolv.conf`,
    `printf '%s' ${shellQuote(fileFromLines(fixture.hosts))} >/etc/hosts`,
    `printf '%s' ${shellQuote(renderFixtureConfig(fixture, pidfile))} >${DNS_DIR}/fixture.conf`,
    `${fixtureBinary} ${DNS_DIR}/fixture.conf ${DNS_DIR}/query.log`,
  ].join("\n");
  // Builtins only until the log is printed: the fixture exits within a millisecond of SIGTERM,
  // and a `sleep` per poll would cost more than the wait itself.
  const after = [
    `if read -r pid <${pidfile} 2>/dev/null; then kill "$pid" 2>/dev/null; fi`,
    "n=0",
    `while [ -e ${pidfile} ] && [ "$n" -lt 1000000 ]; do n=$((n + 1)); done`,
    `cat ${DNS_DIR}/query.log 2>/dev/null`,
    "true",
  ].join("\n");
  return { before, after };
}

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

function resultBase(instance: CaseInstance): ResultBase {
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

/** Locales the scenario needs that a glibc environment lacks (musl has no locale data to lack). */
export function missingLocales(scenario: Scenario, detected: DetectedEnvironment): string[] {
  const wanted = scenario.requires?.glibcLocales ?? [];
  if (detected.libc.family !== "glibc" || wanted.length === 0) return [];
  const normalize = (name: string) => name.toLowerCase().replace(/-/g, "");
  const present = new Set((detected.locales ?? []).map(normalize));
  return wanted.filter((name) => !present.has(normalize(name)));
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
      limit: found.limit === null ? "none" : String(found.limit),
      first_failure: found.firstFailure === null ? "none" : String(found.firstFailure),
      failure: atFailure ? ended(atFailure) : "none",
      runs: String(found.trials.length),
      rounds: String(found.rounds),
      monotonic: String(found.monotonic),
    },
  };
}

/**
 * The shell command for one probe run, as a user would type it: `ulimit` first, variables set or
 * unset by the shell itself (so a missing loader still reads `sh: …: not found`), then the binary.
 */
export function probeCommand(
  binary: string,
  check: Extract<Case["check"], { kind: "run" | "search" }>,
  value: number | null,
): string {
  const parts: string[] = [];
  if (check.limits) parts.push(`ulimit -s ${check.limits.stackKib};`);
  const unset = Object.keys(check.env).filter((k) => check.env[k] === null);
  if (unset.length > 0) parts.push(`unset ${unset.join(" ")};`);
  for (const [name, v] of Object.entries(check.env)) {
    if (v !== null) parts.push(`${name}=${shellQuote(v)}`);
  }
  parts.push(binary);
  for (const arg of check.args) {
    parts.push(shellQuote(value === null ? arg : arg.replaceAll(VALUE_PLACEHOLDER, String(value))));
  }
  return parts.join(" ");
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

function finish(
  base: ResultBase,
  build: BuildRecord | null,
  command: string | null,
  expected: CaseResult["expected"],
  observation: Observation,
): CaseResult {
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

function summarize(results: CaseResult[]): SummaryCounts {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as SummaryCounts;
  counts.total = results.length;
  for (const r of results) counts[r.outcome] += 1;
  return counts;
}

function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function sortByIds<T extends { id: string }>(items: T[], order: string[]): T[] {
  return [...items].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
}

/** Quotes an argument for `sh -c` (POSIX single quotes). */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./=:,+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
