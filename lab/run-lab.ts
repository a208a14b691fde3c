import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { concludeRun } from "./compare/exit-status.js";
import { countOutcomes, SCHEMA_VERSION, type CaseResult, type RunResult } from "./run-result.js";
import { classifyRun } from "./run/classify-run.js";
import { execute } from "./run/execute.js";
import { involvedEnvironments, planRun, type CaseInstance } from "./run/plan.js";
import { prepare } from "./run/prepare.js";
import { createRunContext, type SourceFile } from "./run/run-context.js";
import type { DetectedEnvironment } from "./runtime/detect.js";
import type { Log } from "./runtime/docker-engine.js";
import { DockerExecutor } from "./runtime/docker-executor.js";
import type { ImagesOption } from "./runtime/images.js";
import { prepareImages, type PreparedEnvironment } from "./runtime/prepare-images.js";
import { C_SRC_DIR } from "./runtime/paths.js";
import { WORK_DIR } from "./runtime/session.js";
import { citeSources } from "./scenarios/cite-sources.js";
import type { Scenario } from "./scenarios/schema.js";
import { TOOL_VERSION } from "./version.js";

export interface LabOptions {
  scenarios: Scenario[];
  /** Selected environment ids (validated by the CLI); their variants join automatically. */
  environmentIds: string[];
  images: ImagesOption;
  log: Log;
  /** Aborted by an interrupting signal (the reason is its InterruptedError): the run stops between steps. */
  signal?: AbortSignal;
  /** Folders whose .c and .h files are copied to the builders (default: c-src/). */
  sourceDirs?: string[];
}

/**
 * Runs the chosen scenarios in the chosen environments and returns everything that was seen:
 * plan -> prepare -> execute -> classify, over one context.
 */
export async function runLab(options: LabOptions): Promise<RunResult> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const instances = planRun(options.scenarios, options.environmentIds);
  const { setup, environments } = await prepareImages(
    involvedEnvironments(instances),
    options.images,
    options.log,
  );
  const executor = new DockerExecutor();
  try {
    const context = createRunContext({
      instances,
      environments,
      sources: readSources(options.sourceDirs ?? [C_SRC_DIR]),
      executor,
      log: options.log,
      signal: options.signal,
    });
    const observations = await execute(context, await prepare(context));
    const results = classifyRun(observations);
    const detected = await Promise.all(context.started().map(async (s) => (await s).detected));
    return runResult({
      options,
      startedAt,
      started,
      setup,
      instances,
      environments,
      detected,
      results,
    });
  } finally {
    await executor.stop();
  }
}

function readSources(dirs: string[]): SourceFile[] {
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(".c") || f.endsWith(".h"))
      .map((f) => ({ path: `${WORK_DIR}/src/${f}`, content: readFileSync(join(dir, f)) })),
  );
}

function runResult(run: {
  options: LabOptions;
  startedAt: string;
  started: number;
  setup: string[];
  instances: CaseInstance[];
  environments: Map<string, PreparedEnvironment>;
  detected: DetectedEnvironment[];
  results: CaseResult[];
}): RunResult {
  const { options, results } = run;
  const involved = new Set(involvedEnvironments(run.instances).map((e) => e.id));
  return concludeRun(
    {
      schemaVersion: SCHEMA_VERSION,
      tool: { name: "musl-lab", version: TOOL_VERSION },
      startedAt: run.startedAt,
      durationMs: Date.now() - run.started,
      images: options.images,
      setup: run.setup,
      environments: sortByIds(
        run.detected.filter((d) => involved.has(d.id)),
        [...run.environments.keys()],
      ),
      scenarios: options.scenarios.map((scenario) => ({
        id: scenario.id,
        title: scenario.title,
        description: scenario.description,
        sources: citeSources(scenario.sources),
        sweeps: Object.fromEntries(
          scenario.cases.flatMap((c) =>
            c.sweep ? [[c.id, { unit: c.sweep.unit, values: c.sweep.values }]] : [],
          ),
        ),
        report: scenario.report,
        cases: results.filter((r) => r.scenario === scenario.id),
      })),
      summary: countOutcomes(results.map((r) => r.outcome)),
    },
    null,
  );
}

function sortByIds<T extends { id: string }>(items: T[], order: string[]): T[] {
  return [...items].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
}
