import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { GenericContainer, type StartedTestContainer } from "testcontainers";
import type { Environment, ImageMode } from "../environments/schema.js";
import { InfrastructureError } from "../errors.js";
import {
  containerLabels,
  trackContainer,
  trackStart,
  untrackContainer,
} from "./container-registry.js";
import { withDeadline } from "./deadline.js";
import { dockerClient } from "./docker-client.js";
import { engineSubject } from "./docker-engine.js";
import { decodeExitStatus, endedByTimeLimit, type SignalName } from "./signals.js";
import { REPO_ROOT } from "./paths.js";
import { readSingleFileFromTar } from "./tar.js";

/** busybox `sleep` has no `infinity`; the container is removed long before this runs out. */
const KEEP_ALIVE_SECONDS = 86_400;
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
export const WORK_DIR = "/lab";
/**
 * Deadlines of the engine calls around the batches (whose own budget is above). Each is far above
 * what the call takes here (a start 150-240 ms, a copy ~50 ms, an exec ~50 ms) so a busy host
 * never meets them, and an engine that stopped answering is named within a minute, not never.
 */
const CONTAINER_START_DEADLINE_MS = 60_000;
const COPY_DEADLINE_MS = 60_000;
const PLUMBING_EXEC_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 30_000;
/** Root's own folder (mode 0700): the batches' files and the temporary files of compiles. */
export const HARNESS_TMP_DIR = `${WORK_DIR}/tmp`;
/**
 * Where probes' stdout and stderr files go: a tmpfs of its own (root's, mode 0700), so a probe
 * printing without end meets ENOSPC here instead of filling the host's disk (seen: 5 GB in 5 s).
 * Its size bounds what a probe's output can tell about its length: 16 MiB holds a probe that
 * prints 8 MiB, with room for stderr and a search's tries side by side.
 */
export const PROBE_OUTPUT_DIR = `${WORK_DIR}/output`;
export const PROBE_OUTPUT_SPACE_MIB = 16;
/**
 * Every folder of the images that a probe (nobody) may write to, each a tmpfs of its own, since
 * on the container's writable layer a probe could fill the host's disk (1.2 GB in 2.5 s). They,
 * /dev/shm and /dev/mqueue are emptied after every probe run. 64 MiB each is what Docker gives
 * /dev/shm by default, more than any probe here needs; tmpfs pages count against the memory
 * limit, so even all of them full leave a probe most of its memory.
 */
export const SCRATCH_DIRS = ["/tmp", "/var/tmp", "/run/lock"];
export const SCRATCH_MIB = 64;
/** Inodes cost memory outside a tmpfs's size, and each file left is one more for the scrub. */
const SCRATCH_INODES = 16_384;
/** Emptied after every probe run, as SCRATCH_DIRS: POSIX shared memory and message queues. */
const IPC_DIRS = ["/dev/shm", "/dev/mqueue"];
/** The unprivileged user probes run as. */
const PROBE_UID = 65534;
const BATCH_SCRIPT_PATH = join(REPO_ROOT, "lab/runtime/batch.sh");

/** One run of a batch: what prepares it, the probe command, and what collects its evidence. */
export interface BatchItem {
  /** Runs first, as the harness; when it fails, the command is skipped (e.g. a fixture that did not start). */
  before?: string;
  command: string;
  /** Runs last, whatever happened; its output comes back as `after`. */
  after?: string;
  /** This run's own time limit (default: the batch's). */
  timeoutMs?: number;
  /**
   * `probe` (default): as the unprivileged user; `harness`: as root, e.g. a compile; `together`:
   * as the unprivileged user, side by side with the neighbouring `together` runs (a search's tries:
   * independent, and one round's tries take as long as the slowest instead of their sum). No
   * setup or teardown, and no OOM or pids counts of their own.
   */
  user?: "probe" | "harness" | "together";
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
  /** The kernel's OOM killer ended it (the container's memory limit), not a timeout. */
  oomKilled?: boolean;
  /** Forks the container's pids limit refused while it ran (a fork bomb met the limit). */
  forksRefused?: number;
  /** Streams cut at OUTPUT_CAP_BYTES, with the size they really had (counted up to PROBE_OUTPUT_SPACE_MIB). */
  truncated?: Partial<Record<"stdout" | "stderr", number>>;
}

export interface RunOptions {
  timeoutMs?: number;
  user?: BatchItem["user"];
}

/** Separates the runs of a batch in its output; random so no probe output can forge it. */
const BATCH_MARK = `@@musl-lab-${randomBytes(6).toString("hex")}@@`;

/** The batch program (lab/runtime/batch.sh says what it does), read once when first needed. */
let batchScript: string | undefined;
function batchProgram(): string {
  if (batchScript === undefined) {
    try {
      batchScript = readFileSync(BATCH_SCRIPT_PATH, "utf8");
    } catch (error) {
      throw new InfrastructureError(
        `the batch program ${BATCH_SCRIPT_PATH} cannot be read: ${firstLine(error)}`,
      );
    }
  }
  return batchScript;
}

/**
 * What the harness itself needs inside a probe container, and why; everything else is dropped:
 * - SETUID, SETGID: to start each probe as `nobody` (setpriv / su);
 * - KILL: root (`timeout`, the batch shell) must be able to stop and kill processes of another user;
 * - NET_BIND_SERVICE: the DNS fixture listens on port 53, the only port resolv.conf can name;
 * - SYS_NICE: the time limit's `timeout` and the init run at nice -20, above every probe's 19
 *   (lab/runtime/batch.sh says why). Nice 19 alone does not keep a fork bomb's 500 runnable
 *   processes (weight 15 each) from outweighing a process at nice 0 (1024) seven to one.
 *   A probe, started through setuid to nobody, keeps none of these capabilities.
 * Writing the case's /etc/resolv.conf needs no capability: root owns the file.
 */
export const HARNESS_CAPABILITIES = ["SETUID", "SETGID", "KILL", "NET_BIND_SERVICE", "SYS_NICE"];
/** A fork bomb stops here (threads count too: the DNS probe starts 50). */
export const PIDS_LIMIT = 512;
/** Enough for parallel compiles and 64 MiB stack arrays; a memory hog meets the OOM killer. */
export const MEMORY_LIMIT_MIB = 1024;
/**
 * A probe container's CPU weight (cgroup cpu.shares), that of any default container: on a busy
 * host it weighs what one busy process does, so the harness and the engine get their turn. A
 * weight, not a quota (`--cpus`): under a quota the kernel throttles the whole container once a
 * fork bomb has burnt the period's CPU time, the harness's own `timeout` inside it included.
 * Measured on a 6.18 kernel with `--cpus 1.5`: a 10 s time limit's timer woke, then got 25 µs of
 * CPU a second (a sliver per 100 ms period), so the kill came after more than 30 s and the batch
 * missed its deadline in 3 of 5 fork-bomb exercises. Without the quota the same exercise ended in
 * 3-6 s, 6 of 6, and 6 of 6 beside two busy loops on the host. See the kernel's sched-bwc
 * documentation (CFS bandwidth control).
 */
export const CPU_SHARES = 1024;

/** testcontainers has no setters for these HostConfig fields. */
class ContainedContainer extends GenericContainer {
  withLimits(pids: number): this {
    this.hostConfig.PidsLimit = pids;
    // docker-init (tini, shipped with docker.io) as PID 1 reaps what killed probes leave: with
    // `sleep` as PID 1, a fork bomb's zombies would hold the pids limit forever.
    this.hostConfig.Init = true;
    // No swap: a memory hog must meet the limit, not crawl through swap until its timeout.
    this.hostConfig.MemorySwap = this.hostConfig.Memory;
    this.hostConfig.CpuShares = CPU_SHARES;
    return this;
  }

  withScratch(): this {
    // exec: as on the image's own /tmp, a probe may run what it wrote there.
    const scratch = `rw,nosuid,nodev,exec,size=${SCRATCH_MIB}m,nr_inodes=${SCRATCH_INODES},mode=1777`;
    this.hostConfig.Tmpfs = {
      ...Object.fromEntries(SCRATCH_DIRS.map((dir) => [dir, scratch])),
      [PROBE_OUTPUT_DIR]: `rw,nosuid,nodev,noexec,size=${PROBE_OUTPUT_SPACE_MIB}m,mode=0700`,
    };
    this.hostConfig.ShmSize = SCRATCH_MIB * 1024 * 1024;
    return this;
  }
}

/** Keeps what is written to it as bytes, to be decoded once when the stream is complete. */
class ByteSink extends Writable {
  private readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk);
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

/**
 * One long-lived container per environment per run: every compile and probe run of that
 * environment is an exec in it, which costs ~90 ms here instead of a ~550 ms container start.
 */
export class EnvironmentSession {
  private constructor(
    readonly environment: Environment,
    readonly mode: ImageMode,
    readonly imageTag: string,
    private readonly container: StartedTestContainer,
  ) {}

  static async start(environment: Environment, mode: ImageMode, imageTag: string) {
    const starting = trackStart(
      new ContainedContainer(imageTag)
        .withCommand(["sleep", String(KEEP_ALIVE_SECONDS)])
        .withNetworkMode("none")
        .withLabels(containerLabels(environment.id))
        // Probes run as nobody and are meant to crash; the harness keeps only what it needs.
        .withDroppedCapabilities("ALL")
        .withAddedCapabilities(...HARNESS_CAPABILITIES)
        .withSecurityOpt("no-new-privileges")
        .withResourcesQuota({ memory: MEMORY_LIMIT_MIB / 1024 })
        .withLimits(PIDS_LIMIT)
        .withScratch()
        .start()
        // Tracked inside the start itself: once the start has settled (what a clean-up in
        // progress waits for), the container is already in the registry, never a tick later.
        .then((started) => {
          trackContainer(started.getId(), () => started.stop({ timeout: 0 }).then(() => undefined));
          return started;
        }),
    );
    // A start that ends after its deadline is still tracked (trackStart) and removed on the way out.
    const started = await engineDeadline(
      () => starting,
      `a container start for environment "${environment.id}"`,
      CONTAINER_START_DEADLINE_MS,
    ).catch((error: unknown) => {
      if (error instanceof InfrastructureError) throw error;
      throw new InfrastructureError(
        `could not start a container for environment "${environment.id}" from ${imageTag}: ${firstLine(error)}`,
      );
    });
    const session = new EnvironmentSession(environment, mode, imageTag, started);
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

  /**
   * Runs argv directly (no shell); for the harness's own plumbing, not for probes. The output is
   * kept as bytes and decoded once at the end: testcontainers' own exec decodes each chunk of the
   * stream by itself, which breaks a UTF-8 character that straddles two chunks (seen here as
   * "Ångstr��m" in a sort order, once a batch's output was large enough).
   */
  async exec(argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    try {
      const docker = await dockerClient();
      const exec = await docker
        .getContainer(this.container.getId())
        .exec({ Cmd: argv, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ Detach: false, Tty: false });
      const stdout = new ByteSink();
      const stderr = new ByteSink();
      docker.modem.demuxStream(stream, stdout, stderr);
      await new Promise((resolve, reject) => {
        stream.on("end", resolve);
        stream.on("error", reject);
      });
      stream.destroy();
      stdout.end();
      stderr.end();
      await Promise.all([finished(stdout), finished(stderr)]);
      const { ExitCode } = await exec.inspect();
      return { exitCode: ExitCode ?? -1, stdout: stdout.text(), stderr: stderr.text() };
    } catch (error) {
      throw new InfrastructureError(
        `exec in environment "${this.environment.id}" failed: ${firstLine(error)}`,
      );
    }
  }

  /** exec() for the harness's short plumbing (mkdir, detection), under a deadline of its own. */
  plumbing(argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    return engineDeadline(
      () => this.exec(argv),
      `an exec of \`${argv[0]}\` in environment "${this.environment.id}"`,
      PLUMBING_EXEC_DEADLINE_MS,
    );
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
    if (items.every((item) => item.user === "harness")) return this.execBatch(items, options);
    // After each probe run, every process of the probe user is killed: two probe batches in one
    // container at once would kill each other's probes. They take turns; compiles do not wait.
    const turn = this.probeTurn.then(() => this.execBatch(items, options));
    this.probeTurn = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private probeTurn: Promise<void> = Promise.resolve();

  private async execBatch(items: BatchItem[], options: RunOptions): Promise<ProbeRun[]> {
    const seconds = (item: BatchItem) =>
      Math.max(
        1,
        Math.ceil((item.timeoutMs ?? options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS) / 1000),
      );
    const argv = [
      "sh",
      "-c",
      batchProgram(),
      "batch",
      BATCH_MARK,
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
        String(seconds(item)),
        item.user ?? "probe",
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
        timedOut: endedByTimeLimit(status.signal, run.durationMs, seconds(items[i]!) * 1000),
        setupFailed: run.status === null,
        after: run.after,
        oomKilled: run.oomKills > 0,
        forksRefused: run.forksRefused,
        truncated: run.truncated,
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
      await engineDeadline(
        () =>
          this.container.copyContentToContainer(
            files.map((f) => ({ content: f.content, target: f.path, mode: f.mode ?? 0o644 })),
          ),
        `a copy of ${files.length} file(s) into environment "${this.environment.id}"`,
        COPY_DEADLINE_MS,
      );
    } catch (error) {
      if (error instanceof InfrastructureError) throw error;
      throw new InfrastructureError(
        `copying files into environment "${this.environment.id}" failed: ${firstLine(error)}`,
      );
    }
  }

  async readFile(path: string): Promise<Buffer> {
    try {
      return await engineDeadline(
        async () => {
          const archive = await this.container.copyArchiveFromContainer(path);
          const chunks: Buffer[] = [];
          for await (const chunk of archive as AsyncIterable<Buffer>) chunks.push(chunk);
          return readSingleFileFromTar(Buffer.concat(chunks));
        },
        `a copy of ${path} out of environment "${this.environment.id}"`,
        COPY_DEADLINE_MS,
      );
    } catch (error) {
      if (error instanceof InfrastructureError) throw error;
      throw new InfrastructureError(
        `reading ${path} from environment "${this.environment.id}" failed: ${firstLine(error)}`,
      );
    }
  }

  async stop(): Promise<void> {
    const id = this.container.getId();
    untrackContainer(id);
    // timeout 0: `sleep` as PID 1 ignores SIGTERM, and waiting 10 s for nothing helps no one.
    await engineDeadline(
      () => this.container.stop({ timeout: 0 }),
      `the removal of the container of environment "${this.environment.id}"`,
      STOP_DEADLINE_MS,
    ).catch(() => {
      // Still there as far as we know: the clean-up on the way out tries once more.
      trackContainer(id, () => this.container.stop({ timeout: 0 }).then(() => undefined));
    });
  }
}

function engineDeadline<T>(work: () => Promise<T>, call: string, ms: number): Promise<T> {
  return withDeadline(work, { subject: engineSubject(), call, ms });
}

/**
 * The first line of an engine error; a lost connection is said in words, since "socket hang up"
 * or "connect ENOENT" alone does not tell a user that the Docker engine went away.
 */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split("\n")[0] ?? message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? "";
  const lost =
    /^(ECONNREFUSED|ECONNRESET|ENOENT|EPIPE)$/.test(code) ||
    /socket hang up|ECONNREFUSED|ECONNRESET|connect ENOENT/.test(line);
  return lost ? `the Docker engine stopped answering (${line})` : line;
}

export interface BatchRun {
  /** The shell status, or null when the run's setup failed and the command never ran. */
  status: number | null;
  stdout: string;
  stderr: string;
  after: string;
  durationMs: number;
  /** How often the cgroup's OOM killer struck during the run. */
  oomKills: number;
  /** How many forks the pids limit refused during the run. */
  forksRefused: number;
  truncated: Partial<Record<"stdout" | "stderr", number>>;
}

/**
 * Splits a batch's output: `head`'s `==> MARK-i.stream <==` headers open each run's stdout, stderr
 * and teardown output (each followed by one separating newline), then one status line per run and
 * a `trunc` line per stream cut at the cap. Null when a run is missing (the script did not finish).
 */
export function parseBatchOutput(output: string, mark: string, count: number): BatchRun[] | null {
  const runs: Partial<BatchRun>[] = Array.from({ length: count }, () => ({ truncated: {} }));
  const quoted = mark.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(
    `^(?:==> ${quoted}-(\\d+)\\.(out|err|after) <==|${quoted} (status|trunc) (\\d+) (.*))$`,
    "gm",
  );
  const marks = [...output.matchAll(pattern)];
  for (const [n, match] of marks.entries()) {
    const [, fileRun, stream, kind, lineRun, rest = ""] = match;
    const run = runs[Number(fileRun ?? lineRun)];
    if (!run) return null;
    if (kind === "status") {
      const [status, start, end, ooms, refused] = rest.split(" ");
      const code = status === "setup" ? null : Number(status);
      if (code !== null && Number.isNaN(code)) return null;
      run.status = code;
      run.durationMs = Math.round((Number(end ?? 0) - Number(start ?? 0)) * 1000);
      run.oomKills = Number(ooms ?? 0) || 0;
      run.forksRefused = Number(refused ?? 0) || 0;
      continue;
    }
    if (kind === "trunc") {
      const [which, size] = rest.split(" ");
      if (which === "out" || which === "err") {
        run.truncated![which === "out" ? "stdout" : "stderr"] = Number(size);
      }
      continue;
    }
    const from = (match.index ?? 0) + match[0].length + 1;
    const to = marks[n + 1]?.index ?? output.length;
    // One newline separates each file from what follows (head's, or the script's echo).
    const text = output.slice(from, to).replace(/\n$/, "");
    if (stream === "out") run.stdout = text;
    else if (stream === "err") run.stderr = text;
    else run.after = text;
  }
  const complete = (r: Partial<BatchRun>) =>
    r.status !== undefined && r.stdout !== undefined && r.stderr !== undefined;
  if (!runs.every(complete)) return null;
  return runs.map((r) => ({ ...r, after: r.after ?? "" }) as BatchRun);
}
