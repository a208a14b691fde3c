import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OUTCOMES } from "./classify/outcomes.js";
import { exitStatusOf } from "./compare/exit-status.js";
import type { Environment } from "./environments/schema.js";
import { interruptionOf } from "./errors.js";
import {
  SCHEMA_VERSION,
  type CaseResult,
  type RunResult,
  type SummaryCounts,
} from "./run-result.js";
import { compileAll } from "./run/compile-all.js";
import { planScenario, selectEnvironments } from "./run/plan.js";
import { elapsed, runInstances } from "./run/run-instances.js";
import type { StartedEnvironment } from "./run/started-environment.js";
import { removeAllContainers } from "./runtime/container-registry.js";
import { detectEnvironment } from "./runtime/detect.js";
import type { Log } from "./runtime/docker-engine.js";
import { isResolved, type ImagesOption, type ResolvedImage } from "./runtime/images.js";
import { prepareImages } from "./runtime/prepare-images.js";
import { C_SRC_DIR } from "./runtime/paths.js";
import { EnvironmentSession, WORK_DIR } from "./runtime/session.js";
import type { Scenario } from "./scenarios/schema.js";
import { TOOL_VERSION } from "./version.js";

export interface LabOptions {
  scenarios: Scenario[];
  /** Selected environment ids (validated by the CLI); their variants join automatically. */
  environmentIds: string[];
  images: ImagesOption;
  log: Log;
  /** Aborted by an interrupting signal (its name is the reason): the run stops between steps. */
  signal?: AbortSignal;
  /** Folders whose .c and .h files are copied to the builders (default: c-src/). */
  sourceDirs?: string[];
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
      throw interruptionOf(options.signal);
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
      exitStatus: exitStatusOf({ scenarios: [{ cases: results }] }, null),
    };
  } finally {
    const settled = await Promise.allSettled(sessions.values());
    await Promise.all(
      settled.map((s) => (s.status === "fulfilled" ? s.value.session.stop() : null)),
    );
    await removeAllContainers();
  }
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
