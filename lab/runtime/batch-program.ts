import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InfrastructureError } from "../errors.js";
import { parseBatchOutput } from "./batch-output.js";
import {
  HARNESS_TMP_DIR,
  IPC_DIRS,
  PROBE_OUTPUT_DIR,
  PROBE_UID,
  SCRATCH_DIRS,
} from "./container-spec.js";
import { REPO_ROOT } from "./paths.js";
import { decodeExitStatus, endedByTimeLimit, type SignalName } from "./signals.js";
import { firstLine, type StartedProbeContainer } from "./started-probe-container.js";

const DEFAULT_RUN_TIMEOUT_MS = 10_000;
/** Beyond the in-container timeout, how long the harness waits before calling the engine stuck. */
const EXEC_GRACE_MS = 15_000;
/**
 * What a run's stdout or stderr may bring back (the rest is counted, not kept): a probe printing
 * megabytes must not blow up the harness, whose exec output is held in memory.
 */
export const OUTPUT_CAP_BYTES = 1_048_576;
/** Time a batch item's setup and teardown may take on top of the run's own limit. */
const SETUP_ALLOWANCE_MS = 5_000;
export const BATCH_SCRIPT_PATH = join(REPO_ROOT, "lab/runtime/batch.sh");

/** Who a run runs as: `probe`, the unprivileged user; `harness`, root (e.g. a compile). */
export type RunUser = "probe" | "harness";

interface BatchItemBase {
  command: string;
  /** This run's own time limit (default: the batch's). */
  timeoutMs?: number;
}

/** One run of a batch: what prepares it, the probe command, and what collects its evidence. */
export type BatchItem =
  | (BatchItemBase & {
      /** Runs first, as the harness; when it fails, the command is skipped (e.g. a fixture that did not start). */
      before?: string;
      /** Runs last, whatever happened; its output comes back as `after`. */
      after?: string;
      /** Default `probe`. */
      user?: RunUser;
      /** `in-turn` (the default): alone, after the run before it is over and cleaned up after. */
      schedule?: "in-turn";
    })
  | (BatchItemBase & {
      /** Side by side is for probes only. */
      user?: "probe";
      /**
       * `side-by-side`: started with the neighbouring side-by-side runs and waited for as a group
       * (a search's tries: independent, and one round's tries take as long as the slowest instead
       * of their sum). No setup or teardown, and no OOM or pids counts of their own.
       */
      schedule: "side-by-side";
      before?: never;
      after?: never;
    });

export interface ProbeRun {
  /** The shell command exactly as the environment's `sh -c` ran it. */
  command: string;
  exitCode: number | null;
  /** Set when the process died of a signal (decoded from the shell's 128+N status). */
  signal: SignalName | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** True when the batch item's setup failed and the command never ran (stderr says why). */
  setupFailed?: boolean;
  /** What the batch item's teardown printed. */
  after?: string;
  /** The kernel's OOM killer ended it (the container's memory limit), not a timeout. */
  oomKilled?: boolean;
  /** Forks the container's pids limit refused while it ran (a fork bomb met the limit). */
  forksRefused?: number;
  /** Streams cut at OUTPUT_CAP_BYTES, with the size they really had (counted up to PROBE_OUTPUT_SPACE_MIB). */
  truncated?: Partial<Record<"stdout" | "stderr", number>>;
}

export interface RunOptions {
  timeoutMs?: number;
  user?: RunUser;
}

/** Separates the runs of a batch in its output; random so no probe output can forge it. */
const BATCH_MARK = `@@musl-lab-${randomBytes(6).toString("hex")}@@`;

/**
 * Runs `items` as one batch program (lab/runtime/batch.sh) in `container`: one exec, under a
 * budget that is the sum of the runs' limits. Whether batches may overlap is the caller's concern.
 */
export async function runBatchProgram(
  container: StartedProbeContainer,
  environmentId: string,
  items: BatchItem[],
  options: RunOptions,
): Promise<ProbeRun[]> {
  const budgetMs =
    items.reduce((sum, item) => sum + limitSeconds(item, options) * 1000 + SETUP_ALLOWANCE_MS, 0) +
    EXEC_GRACE_MS;
  const result = await container.execWithin(
    ["sh", "-c", batchScript(), "batch", ...batchArguments(BATCH_MARK, items, options)],
    budgetMs,
    `a batch of ${items.length} runs`,
  );
  const parsed = parseBatchOutput(result.stdout, BATCH_MARK, items.length);
  if (!parsed) {
    throw new InfrastructureError(
      `environment "${environmentId}" returned an unreadable batch (exit ${result.exitCode}): ${firstLine(result.stderr || result.stdout)}`,
    );
  }
  return parsed.map((run, i) => {
    const item = items[i]!;
    const status =
      run.status === null ? { exitCode: null, signal: null } : decodeExitStatus(run.status);
    return {
      command: item.command,
      exitCode: status.exitCode,
      signal: status.signal,
      stdout: run.stdout,
      stderr: run.stderr,
      durationMs: run.durationMs,
      timedOut: endedByTimeLimit(status.signal, run.durationMs, limitSeconds(item, options) * 1000),
      setupFailed: run.status === null,
      after: run.after,
      oomKilled: run.oomKills > 0,
      forksRefused: run.forksRefused,
      truncated: run.truncated,
    };
  });
}

/** batch.sh's arguments after $0, in the order its header lists them. */
export function batchArguments(mark: string, items: BatchItem[], options: RunOptions): string[] {
  return [
    mark,
    String(OUTPUT_CAP_BYTES),
    HARNESS_TMP_DIR,
    // Batches of compiles alone run beside the probes' turn: their output must not share the
    // probes' space, which a probe may fill.
    items.every((item) => item.user === "harness") ? HARNESS_TMP_DIR : PROBE_OUTPUT_DIR,
    [...SCRATCH_DIRS, ...IPC_DIRS].join(" "),
    String(PROBE_UID),
    ...items.flatMap((item) => [
      item.before ?? ":",
      item.command,
      item.after ?? ":",
      String(limitSeconds(item, options)),
      item.user ?? "probe",
      item.schedule ?? "in-turn",
    ]),
  ];
}

/** A run's time limit in whole seconds, as `timeout` takes it: at least 1. */
function limitSeconds(item: BatchItem, options: RunOptions): number {
  return Math.max(
    1,
    Math.ceil((item.timeoutMs ?? options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS) / 1000),
  );
}

/** The batch program, read once when first needed. */
let script: string | undefined;
function batchScript(): string {
  if (script === undefined) {
    try {
      script = readFileSync(BATCH_SCRIPT_PATH, "utf8");
    } catch (error) {
      throw new InfrastructureError(
        `the batch program ${BATCH_SCRIPT_PATH} cannot be read: ${firstLine(error)}`,
      );
    }
  }
  return script;
}
