import type { Environment, ImageMode } from "../environments/schema.js";
import {
  runBatchProgram,
  type BatchItem,
  type ProbeRun,
  type RunOptions,
} from "./batch-program.js";
import { containerFromSpec, HARNESS_TMP_DIR, WORK_DIR } from "./container-spec.js";
import { StartedProbeContainer, type ExecResult } from "./started-probe-container.js";

// What callers of a session use, from the one module they already import.
export {
  OUTPUT_CAP_BYTES,
  type BatchItem,
  type ProbeRun,
  type RunOptions,
} from "./batch-program.js";
export { WORK_DIR } from "./container-spec.js";

/**
 * One long-lived container per environment per run: every compile and probe run of that
 * environment is an exec in it, which costs ~90 ms here instead of a ~550 ms container start.
 * The container is made by lab/runtime/container-spec.ts, talked to through
 * lab/runtime/started-probe-container.ts, and runs lab/runtime/batch.sh for every batch; the
 * session adds the work folders and the probes' turns.
 */
export class EnvironmentSession {
  private constructor(
    readonly environment: Environment,
    readonly mode: ImageMode,
    readonly imageTag: string,
    private readonly container: StartedProbeContainer,
  ) {}

  static async start(environment: Environment, mode: ImageMode, imageTag: string) {
    const container = await StartedProbeContainer.start(
      containerFromSpec(imageTag, environment.id),
      environment.id,
      imageTag,
    );
    const session = new EnvironmentSession(environment, mode, imageTag, container);
    await session.plumbing([
      "mkdir",
      "-p",
      `${WORK_DIR}/src`,
      `${WORK_DIR}/out`,
      `${WORK_DIR}/bin`,
    ]);
    await session.plumbing(["mkdir", "-m", "700", HARNESS_TMP_DIR]);
    return session;
  }

  /** exec() for the harness's short plumbing (mkdir, detection), under a deadline of its own. */
  plumbing(argv: string[]): Promise<ExecResult> {
    return this.container.plumbing(argv);
  }

  /**
   * Runs a command through the environment's own shell, as a user would, so the symptom is the
   * real one (`sh: 1: ./hello: not found`, exit 127) and not the OCI runtime's message. It is a
   * batch of one: the same time limit, unprivileged user, output cap and OOM detection apply.
   */
  async run(command: string, options: RunOptions = {}): Promise<ProbeRun> {
    const [run] = await this.runBatch([{ command, user: options.user }], options);
    return run!;
  }

  /**
   * Runs several probe commands in one exec (one ~90 ms round trip instead of one per run). Each
   * runs in its own process under its own time limit, so a crash or a hang ends only that run.
   */
  async runBatch(runs: (string | BatchItem)[], options: RunOptions = {}): Promise<ProbeRun[]> {
    if (runs.length === 0) return [];
    const items = runs.map((r) => (typeof r === "string" ? { command: r } : r));
    const execBatch = () => runBatchProgram(this.container, this.environment.id, items, options);
    if (items.every((item) => item.user === "harness")) return execBatch();
    // After each probe run, every process of the probe user is killed: two probe batches in one
    // container at once would kill each other's probes. They take turns; compiles do not wait.
    const turn = this.probeTurn.then(execBatch);
    this.probeTurn = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private probeTurn: Promise<void> = Promise.resolve();

  putFiles(files: { path: string; content: string | Buffer; mode?: number }[]): Promise<void> {
    return this.container.putFiles(files);
  }

  readFile(path: string): Promise<Buffer> {
    return this.container.readFile(path);
  }

  stop(): Promise<void> {
    return this.container.stop();
  }
}
