import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { GenericContainer, type StartedTestContainer } from "testcontainers";
import type { Environment, ImageMode } from "../environments/schema.js";
import { InfrastructureError } from "../errors.js";
import {
  containerLabels,
  trackContainer,
  trackStart,
  untrackContainer,
} from "./container-registry.js";
import { decodeExitStatus, type SignalName } from "./signals.js";
import { readSingleFileFromTar } from "./tar.js";

/** busybox `sleep` has no `infinity`; the container is removed long before this runs out. */
const KEEP_ALIVE_SECONDS = 86_400;
const DEFAULT_RUN_TIMEOUT_MS = 10_000;
/** Beyond the in-container timeout, how long the harness waits before calling the engine stuck. */
const EXEC_GRACE_MS = 15_000;
/** Time a batch item's setup and teardown may take on top of the run's own limit. */
const SETUP_ALLOWANCE_MS = 5_000;
export const WORK_DIR = "/lab";

/** One run of a batch: what prepares it, the probe command, and what collects its evidence. */
export interface BatchItem {
  /** Runs first, as the harness; when it fails, the command is skipped (e.g. a fixture that did not start). */
  before?: string;
  command: string;
  /** Runs last, whatever happened; its output comes back as `after`. */
  after?: string;
  /** This run's own time limit (default: the batch's). */
  timeoutMs?: number;
}

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
}

export interface RunOptions {
  timeoutMs?: number;
}

/** Separates the runs of a batch in its output; random so no probe output can forge it. */
const BATCH_MARK = `@@musl-lab-${randomBytes(6).toString("hex")}@@`;

/**
 * Runs each run (four arguments: setup, command, teardown, time limit) one after the other. The command runs
 * in its own `sh -c` under its own `timeout`, with stdout and stderr kept in files so a run that
 * prints megabytes or crashes cannot garble its neighbours. Setup prepares what the run needs (a
 * fixture server, a resolv.conf) as the harness; if it fails the command is not run and its output
 * is reported instead. Teardown's output is the run's third result (e.g. a fixture's query log).
 * Times come from /proc/uptime: busybox `date` has no nanoseconds, so runs are timed to 10 ms.
 */
const BATCH_SCRIPT = `
mark=$1; shift
ulimit -c 0
dir=$(mktemp -d)
i=0
while [ "$#" -ge 4 ]; do
  before=$1; cmd=$2; after=$3; limit=$4; shift 4
  : >"$dir/$i.out"; : >"$dir/$i.err"; : >"$dir/$i.after"
  read -r start _ </proc/uptime
  if ! (sh -c "$before") >"$dir/$i.setup" 2>&1 </dev/null; then
    status=setup
  else
    # The subshell is the one that waits, so the shell's own "Segmentation fault" lands in the
    # run's stderr, as a user would see it.
    (timeout -s KILL "$limit" sh -c "$cmd") >"$dir/$i.out" 2>"$dir/$i.err" </dev/null
    status=$?
  fi
  read -r end _ </proc/uptime
  (sh -c "$after") >"$dir/$i.after" 2>&1 </dev/null
  [ "$status" = setup ] && cat "$dir/$i.setup" >"$dir/$i.err"
  echo "$status $start $end" >"$dir/$i.status"
  i=$((i + 1))
done
j=0
while [ "$j" -lt "$i" ]; do
  echo "$mark out $j"; cat "$dir/$j.out"; echo
  echo "$mark err $j"; cat "$dir/$j.err"; echo
  echo "$mark after $j"; cat "$dir/$j.after"; echo
  echo "$mark status $j $(cat "$dir/$j.status")"
  j=$((j + 1))
done
rm -rf "$dir"
`;

/**
 * One long-lived container per environment per run: every compile and probe run of that
 * environment is an exec in it, which costs ~50 ms instead of a ~200 ms container start.
 */
export class EnvironmentSession {
  private constructor(
    readonly environment: Environment,
    readonly mode: ImageMode,
    readonly imageTag: string,
    private readonly container: StartedTestContainer,
  ) {}

  static async start(environment: Environment, mode: ImageMode, imageTag: string) {
    const started = await trackStart(
      new GenericContainer(imageTag)
        .withCommand(["sleep", String(KEEP_ALIVE_SECONDS)])
        .withNetworkMode("none")
        .withLabels(containerLabels(environment.id))
        .start(),
    ).catch((error: unknown) => {
      throw new InfrastructureError(
        `could not start a container for environment "${environment.id}" from ${imageTag}: ${firstLine(error)}`,
      );
    });
    trackContainer(started.getId(), () => started.stop({ timeout: 0 }).then(() => undefined));
    const session = new EnvironmentSession(environment, mode, imageTag, started);
    await session.exec(["mkdir", "-p", `${WORK_DIR}/src`, `${WORK_DIR}/out`, `${WORK_DIR}/bin`]);
    return session;
  }

  get containerId(): string {
    return this.container.getId();
  }

  /** Runs argv directly (no shell); for the harness's own plumbing, not for probes. */
  async exec(argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    try {
      return await this.container.exec(argv);
    } catch (error) {
      throw new InfrastructureError(
        `exec in environment "${this.environment.id}" failed: ${firstLine(error)}`,
      );
    }
  }

  /**
   * Runs a command through the environment's own `sh -c`, as a user would, so the symptom is the
   * real one (`sh: 1: ./hello: not found`, exit 127) and not the OCI runtime's message. The
   * in-container `timeout -s KILL` ends a runaway probe; the harness keeps its own deadline too,
   * in case the engine itself stops answering.
   */
  async run(command: string, options: RunOptions = {}): Promise<ProbeRun> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
    const timeoutSeconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    // `ulimit -c 0`: a crash is expected here, and the host's core_pattern is not ours to trigger.
    const wrapper = 'ulimit -c 0; exec timeout -s KILL "$0" sh -c "$1"';
    const argv = ["sh", "-c", wrapper, String(timeoutSeconds), command];
    const started = performance.now();
    const result = await this.withDeadline(
      this.exec(argv),
      timeoutMs + EXEC_GRACE_MS,
      `\`${command}\``,
    );
    const durationMs = Math.round(performance.now() - started);
    const status = decodeExitStatus(result.exitCode);
    // `timeout -s KILL` leaves the status of a SIGKILLed child; only the clock tells a timeout
    // from an OOM kill or a probe that killed itself.
    const timedOut = status.signal === "SIGKILL" && durationMs >= timeoutSeconds * 1000 - 100;
    return {
      command,
      exitCode: status.exitCode,
      signal: status.signal,
      stdout: result.stdout,
      stderr: result.stderr,
      durationMs,
      timedOut,
    };
  }

  /**
   * Runs several probe commands in one exec (one ~50 ms round trip instead of one per run). Each
   * runs in its own process under its own time limit, so a crash or a hang ends only that run.
   */
  async runBatch(runs: (string | BatchItem)[], options: RunOptions = {}): Promise<ProbeRun[]> {
    if (runs.length === 0) return [];
    const items = runs.map((r) => (typeof r === "string" ? { command: r } : r));
    const seconds = (item: BatchItem) =>
      Math.max(
        1,
        Math.ceil((item.timeoutMs ?? options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS) / 1000),
      );
    const argv = [
      "sh",
      "-c",
      BATCH_SCRIPT,
      "batch",
      BATCH_MARK,
      ...items.flatMap((item) => [
        item.before ?? ":",
        item.command,
        item.after ?? ":",
        String(seconds(item)),
      ]),
    ];
    const budgetMs =
      items.reduce((sum, item) => sum + seconds(item) * 1000 + SETUP_ALLOWANCE_MS, 0) +
      EXEC_GRACE_MS;
    const result = await this.withDeadline(
      this.exec(argv),
      budgetMs,
      `a batch of ${items.length} runs`,
    );
    const parsed = parseBatchOutput(result.stdout, BATCH_MARK, items.length);
    if (!parsed) {
      throw new InfrastructureError(
        `environment "${this.environment.id}" returned an unreadable batch (exit ${result.exitCode}): ${firstLine(result.stderr || result.stdout)}`,
      );
    }
    return parsed.map((run, i) => {
      const status =
        run.status === null ? { exitCode: null, signal: null } : decodeExitStatus(run.status);
      return {
        command: items[i]!.command,
        exitCode: status.exitCode,
        signal: status.signal,
        stdout: run.stdout,
        stderr: run.stderr,
        durationMs: run.durationMs,
        timedOut: status.signal === "SIGKILL" && run.durationMs >= seconds(items[i]!) * 1000 - 100,
        setupFailed: run.status === null,
        after: run.after,
      };
    });
  }

  private async withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new InfrastructureError(
              `environment "${this.environment.id}" did not return from ${what} within ${ms / 1000} s`,
            ),
          ),
        ms,
      );
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async putFiles(
    files: { path: string; content: string | Buffer; mode?: number }[],
  ): Promise<void> {
    try {
      await this.container.copyContentToContainer(
        files.map((f) => ({ content: f.content, target: f.path, mode: f.mode ?? 0o644 })),
      );
    } catch (error) {
      throw new InfrastructureError(
        `copying files into environment "${this.environment.id}" failed: ${firstLine(error)}`,
      );
    }
  }

  /** Streams a file to another session's folder through the engine, never through the host disk. */
  async copyFileTo(target: EnvironmentSession, path: string, targetDir: string): Promise<void> {
    try {
      const archive = await this.container.copyArchiveFromContainer(path);
      await target.container.copyArchiveToContainer(archive as Readable, targetDir);
    } catch (error) {
      throw new InfrastructureError(
        `copying ${path} from "${this.environment.id}" to "${target.environment.id}" failed: ${firstLine(error)}`,
      );
    }
  }

  async readFile(path: string): Promise<Buffer> {
    try {
      const archive = await this.container.copyArchiveFromContainer(path);
      const chunks: Buffer[] = [];
      for await (const chunk of archive as AsyncIterable<Buffer>) chunks.push(chunk);
      return readSingleFileFromTar(Buffer.concat(chunks));
    } catch (error) {
      throw new InfrastructureError(
        `reading ${path} from environment "${this.environment.id}" failed: ${firstLine(error)}`,
      );
    }
  }

  async stop(): Promise<void> {
    const id = this.container.getId();
    untrackContainer(id);
    // timeout 0: `sleep` as PID 1 ignores SIGTERM, and waiting 10 s for nothing helps no one.
    await this.container.stop({ timeout: 0 }).catch(() => undefined);
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}

export interface BatchRun {
  /** The shell status, or null when the run's setup failed and the command never ran. */
  status: number | null;
  stdout: string;
  stderr: string;
  after: string;
  durationMs: number;
}

/** Splits a batch's output at its marks; null when a run is missing (the script did not finish). */
export function parseBatchOutput(output: string, mark: string, count: number): BatchRun[] | null {
  const runs: Partial<BatchRun>[] = Array.from({ length: count }, () => ({}));
  const pattern = new RegExp(`^${mark} (out|err|after|status) (\\d+)(?: (.*))?$`, "gm");
  const marks = [...output.matchAll(pattern)];
  for (const [n, match] of marks.entries()) {
    const [, kind, index, rest] = match;
    const run = runs[Number(index)];
    if (!run) return null;
    if (kind === "status") {
      const [status, start, end] = (rest ?? "").split(" ");
      const code = status === "setup" ? null : Number(status);
      if (code !== null && Number.isNaN(code)) return null;
      run.status = code;
      run.durationMs = Math.round((Number(end ?? 0) - Number(start ?? 0)) * 1000);
      continue;
    }
    const from = (match.index ?? 0) + match[0].length + 1;
    const to = marks[n + 1]?.index ?? output.length;
    // The script adds one newline after each file so the next mark starts a line; drop it.
    const text = output.slice(from, to).replace(/\n$/, "");
    if (kind === "out") run.stdout = text;
    else if (kind === "err") run.stderr = text;
    else run.after = text;
  }
  const complete = (r: Partial<BatchRun>) =>
    r.status !== undefined && r.stdout !== undefined && r.stderr !== undefined;
  if (!runs.every(complete)) return null;
  return runs.map((r) => ({ ...r, after: r.after ?? "" }) as BatchRun);
}
