/**
 * What the stages of a run need from the place probes run in, and nothing more: the orchestration
 * never knows it is Docker (lab/runtime/docker-executor.ts), so it is unit-tested with a fake.
 * Modelled on container-structure-test's Driver.
 */
import type { Environment } from "../environments/schema.js";
import type { DetectedEnvironment } from "../runtime/detect.js";
import type { PreparedEnvironment } from "../runtime/prepare-images.js";
import type { BatchItem, ProbeRun, RunOptions } from "../runtime/session.js";

/** A running environment and what was detected in it. */
export interface StartedEnvironment {
  readonly environment: Environment;
  readonly detected: DetectedEnvironment;
  run(command: string, options?: RunOptions): Promise<ProbeRun>;
  /** Runs in one container take turns; see EnvironmentSession.runBatch. */
  runBatch(runs: BatchItem[], options?: RunOptions): Promise<ProbeRun[]>;
  putFiles(files: { path: string; content: string | Buffer; mode?: number }[]): Promise<void>;
  readFile(path: string): Promise<Buffer>;
}

export interface Executor {
  /** Starts a container for an environment that has an image. */
  start(environment: PreparedEnvironment): Promise<StartedEnvironment>;
  /** Stops every container it started, once the starts under way have settled: the run is over. */
  stop(): Promise<void>;
}
