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
import { removeAllContainers, removeLeftoverContainers } from "./runtime/container-registry.js";
import { detectEnvironment, type DetectedEnvironment } from "./runtime/detect.js";
import { configureTestcontainersEnv, ensureDockerEngine, type Log } from "./runtime/docker-engine.js";
import {
  builderFor,
  ensureImage,
  isResolved,
  resolveImage,
  type ImageResolution,
  type ImagesOption,
  type ResolvedImage,
} from "./runtime/images.js";
import { C_SRC_DIR } from "./runtime/paths.js";
import { EnvironmentSession, WORK_DIR } from "./runtime/session.js";
import type { Build, Case, Scenario } from "./scenarios/schema.js";
import { TOOL_VERSION } from "./version.js";

const COMPILE_TIMEOUT_MS = 120_000;
const COMPILE_FLAGS = ["-O2", "-Wall"];

export interface LabOptions {
  scenarios: Scenario[];
  /** Selected environment ids (validated by the CLI); their variants join automatically. */
  environmentIds: string[];
  images: ImagesOption;
  log: Log;
  /** Aborted by SIGINT/SIGTERM: the run stops between steps and removes its containers. */
  signal?: AbortSignal;
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
  const { log } = options;
  configureTestcontainersEnv();
  const engine = await ensureDockerEngine(log);
  const setup = [...engine.actions];
  const { getContainerRuntimeClient } = await import("testcontainers");
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  await removeLeftoverContainers(docker, (line) => {
    setup.push(line);
    log(line);
  });

  const selected = selectEnvironments(options.environmentIds);
  const instances = options.scenarios.flatMap((scenario) => planScenario(scenario, selected));

  // Images: every target, every environment a probe is built for, and their builders.
  const resolutions = new Map<string, ImageResolution>();
  const hasLocalImage = async (name: string) =>
    docker
      .getImage(name)
      .inspect()
      .then(() => true)
      .catch(() => false);
  const resolve = async (environment: Environment) => {
    if (!resolutions.has(environment.id)) {
      resolutions.set(environment.id, await resolveImage(environment, options.images, hasLocalImage));
    }
    return resolutions.get(environment.id) as ImageResolution;
  };
  const builderSessions = new Map<string, string>();
  for (const instance of instances) {
    for (const environment of [instance.target, instance.buildFor]) {
      if (environment) await resolve(environment);
    }
  }
  for (const resolution of [...resolutions.values()]) {
    if (!isResolved(resolution)) continue;
    const builder = builderFor(resolution);
    builderSessions.set(resolution.environment.id, builder.environment.id);
    if (!resolutions.has(builder.environment.id)) {
      resolutions.set(
        builder.environment.id,
        await resolveImage(builder.environment, builder.mode, hasLocalImage),
      );
    }
  }

  const sessions = new Map<string, EnvironmentSession>();
  const detected = new Map<string, DetectedEnvironment>();
  const abort = () => {
    if (options.signal?.aborted) {
      throw new InterruptedError(options.signal.reason === "SIGTERM" ? "SIGTERM" : "SIGINT");
    }
  };
  try {
    const resolved = [...resolutions.values()].filter(isResolved);
    const imageIds = new Map<string, string>();
    await Promise.all(
      resolved.map(async (image) => {
        const { imageId, built } = await ensureImage(docker, image, log);
        if (built) setup.push(`built image ${image.tag}`);
        imageIds.set(image.environment.id, imageId);
      }),
    );
    abort();
    await Promise.all(
      resolved.map(async (image) => {
        const session = await EnvironmentSession.start(image.environment, image.mode, image.tag);
        sessions.set(image.environment.id, session);
        detected.set(
          image.environment.id,
          await detectEnvironment(session, imageIds.get(image.environment.id) ?? ""),
        );
      }),
    );
    abort();

    const jobs = await compileAll(instances, resolutions, builderSessions, sessions, abort);
    abort();
    const results = await runInstances(instances, jobs, sessions, detected, resolutions, abort);

    const environments = [...detected.values()].filter((d) =>
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
    await Promise.all([...sessions.values()].map((s) => s.stop()));
    await removeAllContainers();
  }
}

function selectEnvironments(ids: string[]): Environment[] {
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
  resolutions: Map<string, ImageResolution>,
  builderOf: Map<string, string>,
  sessions: Map<string, EnvironmentSession>,
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

  const sources = readdirSync(C_SRC_DIR)
    .filter((f) => f.endsWith(".c") || f.endsWith(".h"))
    .map((f) => ({ path: `${WORK_DIR}/src/${f}`, content: readFileSync(join(C_SRC_DIR, f)) }));
  const buildersUsed = new Set<string>();
  await Promise.all(
    [...jobs.values()].map(async (job) => {
      const builderId = builderOf.get(job.forEnvironment.id)!;
      const builder = sessions.get(builderId)!;
      job.builder = builder;
      if (!buildersUsed.has(builderId)) {
        buildersUsed.add(builderId);
        await builder.putFiles(sources);
      }
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
  sessions: Map<string, EnvironmentSession>,
  detected: Map<string, DetectedEnvironment>,
  resolutions: Map<string, ImageResolution>,
  abort: () => void,
): Promise<CaseResult[]> {
  const results = new Map<CaseInstance, CaseResult>();
  const copied = new Set<string>();
  // Cases in one environment run one after another (timings stay honest); environments in parallel.
  const byTarget = new Map<string, CaseInstance[]>();
  for (const instance of instances) {
    const key = instance.target?.id ?? "";
    byTarget.set(key, [...(byTarget.get(key) ?? []), instance]);
  }
  await Promise.all(
    [...byTarget.values()].map(async (queue) => {
      for (const instance of queue) {
        abort();
        results.set(instance, await runInstance(instance));
      }
    }),
  );
  return instances.map((i) => results.get(i)!);

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
    const libc = detected.get(target.id)!.libc;
    const expectation = selectExpectation(testCase.expect, libc);
    if (job.result.exitCode !== 0) {
      return finish(base, job.result, null, expectation, {
        kind: "build-failed",
        output: job.result.output,
      });
    }
    if (testCase.check.kind === "elf") {
      const elf = job.elf!;
      return finish(base, job.result, `lab elf-reader ${WORK_DIR}/out/${job.binaryName}`, expectation, {
        kind: "ran",
        exitCode: 0,
        signal: null,
        stdout: formatElfSummary(elf),
        stderr: "",
        timedOut: false,
        durationMs: 0,
        measurements: elfMeasurements(elf),
      });
    }
    const session = sessions.get(target.id)!;
    const binary = `${WORK_DIR}/bin/${job.binaryName}`;
    const copyKey = `${job.key}->${target.id}`;
    if (!copied.has(copyKey)) {
      copied.add(copyKey);
      if (job.builder === session) {
        await session.exec(["cp", `${WORK_DIR}/out/${job.binaryName}`, binary]);
      } else {
        await job.builder.copyFileTo(session, `${WORK_DIR}/out/${job.binaryName}`, `${WORK_DIR}/bin`);
      }
    }
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
