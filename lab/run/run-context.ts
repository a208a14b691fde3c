import { interruptionOf } from "../errors.js";
import type { Log } from "../runtime/docker-engine.js";
import { isResolved } from "../runtime/images.js";
import type { PreparedEnvironment } from "../runtime/prepare-images.js";
import type { Executor, StartedEnvironment } from "./executor.js";
import type { CaseInstance } from "./plan.js";

/** A source file as the builders see it. */
export interface SourceFile {
  path: string;
  content: Buffer;
}

/** What every stage of one run shares: the plan, the environments and the way to start them. */
export interface RunContext {
  readonly instances: CaseInstance[];
  /** Every environment involved (builders too), by id. */
  readonly environments: Map<string, PreparedEnvironment>;
  readonly sources: SourceFile[];
  readonly log: Log;
  /** Starts an environment once and returns it: each step waits only for the ones it needs. */
  startEnvironment(id: string): Promise<StartedEnvironment>;
  /** Every environment started so far, in the order they were started. */
  started(): Promise<StartedEnvironment>[];
  /** Throws once the run's signal fired: the run stops between steps, never inside one. */
  stopIfInterrupted(): void;
}

export interface RunContextOptions {
  instances: CaseInstance[];
  environments: Map<string, PreparedEnvironment>;
  sources: SourceFile[];
  executor: Executor;
  log: Log;
  signal?: AbortSignal;
}

/**
 * The context, with every target's container already starting: the targets boot (~0.4 s each on a
 * 2-core machine) while the builder already compiles. A builder that is no target starts only when
 * a build misses the build cache: a warm run never starts it at all.
 */
export function createRunContext(options: RunContextOptions): RunContext {
  const { instances, environments, executor, signal } = options;
  const starts = new Map<string, Promise<StartedEnvironment>>();
  const stopIfInterrupted = () => {
    if (signal?.aborted) throw interruptionOf(signal);
  };
  const start = (prepared: PreparedEnvironment) => {
    const starting = executor.start(prepared);
    starting.catch(() => undefined); // awaited (and reported) where it is used
    starts.set(prepared.environment.id, starting);
    return starting;
  };
  const targets = new Set(
    instances.flatMap((i) => (i.target && !i.skipReason ? [i.target.id] : [])),
  );
  for (const prepared of environments.values()) {
    if (targets.has(prepared.environment.id) && isResolved(prepared.resolution)) start(prepared);
  }
  return {
    instances,
    environments,
    sources: options.sources,
    log: options.log,
    stopIfInterrupted,
    started: () => [...starts.values()],
    startEnvironment: async (id) => {
      const starting = starts.get(id);
      if (starting) return starting;
      const prepared = environments.get(id);
      if (!prepared || !isResolved(prepared.resolution)) {
        throw new Error(`no image for environment ${id}`);
      }
      stopIfInterrupted();
      return start(prepared);
    },
  };
}
