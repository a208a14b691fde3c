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
import { EnvironmentSession, WORK_DIR } from "./runtime/session.js";
import type { Build, Case, Scenario } from "./scenarios/schema.js";
import { TOOL_VERSION } from "./version.js";

const COMPILE_TIMEOUT_MS = 120_000;
const COMPILE_FLAGS = ["-O2", "-Wall"];
/** Probe runs in flight at once (2 cores: more only queues in the engine). */
const PARALLEL_RUNS = 4;

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

/** One case in one environment, before it runs. */
interface CaseInstance {
  scenario: Scenario;
  testCase: Case;
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
  builder?: EnvironmentSession;
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
  // Every container starts at once, and each step waits only for the containers it needs: the
  // targets boot (~0.4 s each on a 2-core machine) while the builder already compiles.
  const sessions = new Map<string, Promise<StartedEnvironment>>();
  for (const image of [...resolutions.values()].filter(isResolved)) {
    const starting = EnvironmentSession.start(image.environment, image.mode, image.tag).then(
      async (session) => ({
        session,
        detected: await detectEnvironment(session, imageIds.get(image.environment.id) ?? ""),
      }),
    );
    starting.catch(() => undefined); // awaited (and reported) where it is used
    sessions.set(image.environment.id, starting);
  }
  const sessionOf = async (id: string) => {
    const started = sessions.get(id);
    if (!started) throw new Error(`no session for environment ${id}`);
    return started;
  };
  try {
    abort();
    const sources = (options.sourceDirs ?? [C_SRC_DIR]).flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => f.endsWith(".c") || f.endsWith(".h"))
        .map((f) => ({ path: `${WORK_DIR}/src/${f}`, content: readFileSync(join(dir, f)) })),
    );
    const jobs = await compileAll(
      instances,
      sources,
      resolutions,
      builderSessions,
      sessionOf,
      abort,
    );
    abort();
    const results = await runInstances(instances, jobs, sessionOf, resolutions, abort);

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

/** Expands each case over the selected environments it concerns. */
export function planScenario(scenario: Scenario, selected: Environment[]): CaseInstance[] {
  const plain = selected.filter((e) => !e.variant);
  const firstOf = (family: LibcFamily) => plain.find((e) => e.family === family) ?? null;
  return scenario.cases.flatMap((testCase): CaseInstance[] => {
    const { build, check } = testCase;
    const notSelected = (family: LibcFamily) =>
      `no ${family} environment is selected (add one with --env)`;
    if (check.kind === "elf") {
      const target = firstOf(build.for);
      return [
        {
          scenario,
          testCase,
          target,
          targetName: target?.id ?? build.for,
          buildFor: target,
          skipReason: target ? null : notSelected(build.for),
        },
      ];
    }
    const targets = check.feature
      ? selected.filter((e) => e.family === check.on && e.variant?.feature === check.feature)
      : plain.filter((e) => e.family === check.on);
    if (targets.length === 0) {
      return [
        {
          scenario,
          testCase,
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
      const buildFor = target.family === build.for && !target.variant ? target : firstOf(build.for);
      return {
        scenario,
        testCase,
        target,
        targetName: target.id,
        buildFor,
        skipReason: buildFor ? null : notSelected(build.for),
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
  sessionOf: SessionOf,
  abort: () => void,
): Promise<Map<string, BuildJob>> {
  const jobs = new Map<string, BuildJob>();
  const names = new Map<string, number>();
  for (const instance of instances) {
    const { buildFor, skipReason } = instance;
    if (!buildFor || skipReason || !isResolved(resolutions.get(buildFor.id)!)) continue;
    if (instance.target && !isResolved(resolutions.get(instance.target.id)!)) continue;
    const { build } = instance.testCase;
    const key = buildKey(build, buildFor);
    if (jobs.has(key)) continue;
    const base = `${build.probe.replace(/\.c$/, "")}-${buildFor.id}-${build.link}`;
    const count = (names.get(base) ?? 0) + 1;
    names.set(base, count);
    jobs.set(key, {
      key,
      build,
      forEnvironment: buildFor,
      binaryName: count === 1 ? base : `${base}-${count}`,
    });
  }

  // One upload of the sources per builder; every build of that builder waits for it.
  const uploads = new Map<string, Promise<void>>();
  await Promise.all(
    [...jobs.values()].map(async (job) => {
      const builderId = builderOf.get(job.forEnvironment.id)!;
      const builder = (await sessionOf(builderId)).session;
      job.builder = builder;
      if (!uploads.has(builderId)) uploads.set(builderId, builder.putFiles(sources));
      await uploads.get(builderId);
      abort();
      const resolution = resolutions.get(job.forEnvironment.id) as ResolvedImage;
      const cc = resolution.recipe.compile.cc;
      const output = `${WORK_DIR}/out/${job.binaryName}`;
      const command = [
        cc,
        ...COMPILE_FLAGS,
        ...(job.build.link === "static" ? ["-static"] : []),
        ...job.build.flags,
        "-o",
        output,
        `${WORK_DIR}/src/${job.build.probe}`,
      ].join(" ");
      const run = await builder.run(command, { timeoutMs: COMPILE_TIMEOUT_MS });
      let elf: ElfInfo | null = null;
      if (run.exitCode === 0) {
        elf = readElf(await builder.readFile(output));
      }
      job.elf = elf;
      job.result = {
        builtIn: builderId,
        command,
        exitCode: run.exitCode ?? -1,
        output: (run.stdout + run.stderr).trim(),
        durationMs: run.durationMs,
        elf: elf ? formatElfSummary(elf) : null,
      };
    }),
  );
  return jobs;
}

async function runInstances(
  instances: CaseInstance[],
  jobs: Map<string, BuildJob>,
  sessionOf: SessionOf,
  resolutions: Map<string, ImageResolution>,
  abort: () => void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const copies = new Map<string, Promise<void>>();
  for (const scenario of new Set(instances.map((i) => i.scenario))) {
    const own = instances.filter((i) => i.scenario === scenario);
    // A scenario that measures time runs its cases one at a time on a quiet machine; the others
    // run a few at once, which is where most of a warm run's time would otherwise go.
    const limit = scenario.exclusiveRuns ? 1 : PARALLEL_RUNS;
    results.push(
      ...(await mapWithLimit(own, limit, async (instance) => {
        abort();
        return runInstance(instance);
      })),
    );
  }
  return results;

  async function runInstance(instance: CaseInstance): Promise<CaseResult> {
    const { scenario, testCase, target, buildFor } = instance;
    const base = {
      scenario: scenario.id,
      id: testCase.id,
      title: testCase.title,
      role: testCase.role,
      environment: instance.targetName,
      note: testCase.note ?? null,
    };
    const unavailable = [target, buildFor]
      .map((e) => (e ? resolutions.get(e.id) : undefined))
      .find((r) => r && !isResolved(r));
    const skipReason =
      instance.skipReason ??
      (unavailable && !isResolved(unavailable) ? unavailable.unavailable : null);
    const job = buildFor ? jobs.get(buildKey(testCase.build, buildFor)) : undefined;
    if (skipReason || !target || !job?.result || !job.builder) {
      return finish(base, null, null, null, {
        kind: "skipped",
        reason: skipReason ?? "nothing to run",
      });
    }
    const { session, detected } = await sessionOf(target.id);
    const libc = detected.libc;
    const expectation = selectExpectation(testCase.expect, libc);
    if (job.result.exitCode !== 0) {
      return finish(base, job.result, null, expectation, {
        kind: "build-failed",
        output: job.result.output,
      });
    }
    if (testCase.check.kind === "elf") {
      const elf = job.elf!;
      return finish(
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
      );
    }
    const binary = `${WORK_DIR}/bin/${job.binaryName}`;
    const copyKey = `${job.key}->${target.id}`;
    if (!copies.has(copyKey)) {
      const builder = job.builder;
      const source = `${WORK_DIR}/out/${job.binaryName}`;
      copies.set(
        copyKey,
        builder === session
          ? session.exec(["cp", source, binary]).then(() => undefined)
          : builder.copyFileTo(session, source, `${WORK_DIR}/bin`),
      );
    }
    await copies.get(copyKey);
    const command = [binary, ...testCase.check.args.map(shellQuote)].join(" ");
    const run = await session.run(command, { timeoutMs: testCase.check.timeoutMs });
    return finish(base, job.result, command, expectation, {
      kind: "ran",
      exitCode: run.exitCode,
      signal: run.signal,
      stdout: run.stdout,
      stderr: run.stderr,
      timedOut: run.timedOut,
      durationMs: run.durationMs,
      measurements: parseMeasurements(run.stdout),
    });
  }
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
  base: Pick<CaseResult, "scenario" | "id" | "title" | "role" | "environment" | "note">,
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

function sortByIds<T extends { id: string }>(items: T[], order: string[]): T[] {
  return [...items].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
}

/** Quotes an argument for `sh -c` (POSIX single quotes). */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./=:,+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
