import { randomBytes } from "node:crypto";
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
  /** Streams cut at OUTPUT_CAP_BYTES, with the size they really had. */
  truncated?: Partial<Record<"stdout" | "stderr", number>>;
}

export interface RunOptions {
  timeoutMs?: number;
  user?: BatchItem["user"];
}

/** Separates the runs of a batch in its output; random so no probe output can forge it. */
const BATCH_MARK = `@@musl-lab-${randomBytes(6).toString("hex")}@@`;

/**
 * Runs each run (five arguments: setup, command, teardown, time limit, user) one after the other.
 *
 * - The command runs in its own shell under its own `timeout`, with stdout and stderr kept in
 *   files so a run that prints megabytes or crashes cannot garble its neighbours; at most
 *   OUTPUT_CAP_BYTES of each come back, with a `trunc` mark saying how much there was.
 * - A probe (user `probe`) runs as `nobody` (uid 65534): util-linux `setpriv` where it can switch
 *   users, else busybox `su`. Afterwards every process left by that user (background children, a
 *   fork bomb) is killed, so the next run starts clean. Harness work (compiles) runs as root.
 * - Setup prepares what the run needs (a fixture server, a resolv.conf) as root; if it fails the
 *   command is not run and setup's output is the run's stderr. Teardown's output is the run's
 *   third result (e.g. a fixture's query log).
 * - The cgroup's oom_kill counter is read before and after, so a run killed by the kernel's OOM
 *   killer is named as such instead of looking like any SIGKILL.
 * Times come from /proc/uptime: busybox `date` has no nanoseconds, so runs are timed to 10 ms.
 */
const BATCH_SCRIPT = `
mark=$1; cap=$2; shift 2
ulimit -c 0
dir=$(mktemp -d)
oom_file=
for f in /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control; do
  if [ -r "$f" ]; then oom_file=$f; break; fi
done
pids_file=
for f in /sys/fs/cgroup/pids.events /sys/fs/cgroup/pids/pids.events; do
  if [ -r "$f" ]; then pids_file=$f; break; fi
done
# How often the kernel said no (OOM kills, forks refused at the pids limit) so far, in $n. Only
# builtins, no $(...): right after a fork bomb even a subshell cannot be had.
counter() {
  n=0
  if [ -n "$1" ]; then
    while read -r key value; do if [ "$key" = "$2" ]; then n=$value; fi; done <"$1"
  fi
}
pids_now=
for f in /sys/fs/cgroup/pids.current /sys/fs/cgroup/pids/pids.current; do
  if [ -r "$f" ]; then pids_now=$f; break; fi
done
# After the reaper's kill, the init reaps the dead asynchronously; forking before it has done so
# would fail. Waits (reading only, bounded) until the container is back to a handful of pids.
settle() {
  [ -n "$pids_now" ] || return 0
  k=0
  while [ "$k" -lt 200000 ]; do
    read -r current <"$pids_now"
    [ "$current" -lt 64 ] && return 0
    k=$((k + 1))
  done
}
# The shell a probe runs in, as nobody: "$probe_shell -c CMD". util-linux setpriv execs straight
# into it; busybox has no setpriv that switches users, but its su does the same. Unquoted on use:
# the words are the command.
if setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
  probe_shell="setpriv --reuid=65534 --regid=65534 --clear-groups sh"
else
  probe_shell="su -s /bin/sh nobody"
fi
as_probe() { timeout -s KILL "$1" $probe_shell -c "$2"; }
# The reaper: a shell of the probe user, started before any probe, that kills every other
# process of that user when asked through a fifo. kill is a builtin and the request is an
# echo: neither forks, so it still works while a fork bomb holds every pid the container has.
reap='while read -r _; do kill -9 -1; kill -9 -1; echo; done'
mkfifo "$dir/reaper-in.fifo" "$dir/reaper-out.fifo"
$probe_shell -c "$reap" <"$dir/reaper-in.fifo" >"$dir/reaper-out.fifo" 2>/dev/null &
exec 3>"$dir/reaper-in.fifo" 4<"$dir/reaper-out.fifo"
kill_leftovers() { echo >&3; read -r _ <&4; settle; }
# Runs of user "together" (probes, no setup or teardown: a search's tries) start side by side and
# are waited for as a group; the leftovers of the group are killed once, after all of them.
together=""
finish_together() {
  [ -n "$together" ] || return 0
  for j in $together; do
    eval "wait \\$pid_$j"
    status=$?
    read -r end _ </proc/uptime
    eval "echo \\"$status \\$start_$j $end 0 0\\" >\\"$dir/$j.status\\""
  done
  together=""
  kill_leftovers
}
i=0
while [ "$#" -ge 5 ]; do
  before=$1; cmd=$2; after=$3; limit=$4; user=$5; shift 5
  : >"$dir/$i.out"; : >"$dir/$i.err"; : >"$dir/$i.after"
  if [ "$user" = together ]; then
    read -r start _ </proc/uptime
    (as_probe "$limit" "$cmd") >"$dir/$i.out" 2>"$dir/$i.err" </dev/null &
    eval "pid_$i=$!; start_$i=$start"
    together="$together $i"
    i=$((i + 1))
    continue
  fi
  finish_together
  counter "$oom_file" oom_kill; oom_before=$n
  counter "$pids_file" max; pids_before=$n
  read -r start _ </proc/uptime
  if [ "$before" != : ] && ! (sh -c "$before") >"$dir/$i.setup" 2>&1 </dev/null; then
    status=setup
  elif [ "$user" = probe ]; then
    # The subshell is the one that waits, so the shell's own "Segmentation fault" lands in the
    # run's stderr, as a user would see it.
    (as_probe "$limit" "$cmd") >"$dir/$i.out" 2>"$dir/$i.err" </dev/null
    status=$?
    kill_leftovers
  else
    (timeout -s KILL "$limit" sh -c "$cmd") >"$dir/$i.out" 2>"$dir/$i.err" </dev/null
    status=$?
  fi
  read -r end _ </proc/uptime
  counter "$oom_file" oom_kill; oom_after=$n
  counter "$pids_file" max; pids_after=$n
  [ "$after" = : ] || (sh -c "$after") >"$dir/$i.after" 2>&1 </dev/null
  [ "$status" = setup ] && cat "$dir/$i.setup" >"$dir/$i.err"
  echo "$status $start $end $((oom_after - oom_before)) $((pids_after - pids_before))" >"$dir/$i.status"
  i=$((i + 1))
done
finish_together
# All outputs in one head: its "==> FILE <==" headers separate them, and the file names carry the
# random mark, so no probe output can forge one. One wc says which files were cut at the cap.
cd "$dir"
set --
j=0
while [ "$j" -lt "$i" ]; do
  for stream in out err after; do
    mv "$j.$stream" "$mark-$j.$stream"
    set -- "$@" "$mark-$j.$stream"
  done
  j=$((j + 1))
done
head -c "$cap" -- "$@"
echo
j=0
while [ "$j" -lt "$i" ]; do
  read -r status <"$j.status"
  echo "$mark status $j $status"
  j=$((j + 1))
done
wc -c -- "$@" | while read -r size name; do
  if [ "$name" != total ] && [ "$size" -gt "$cap" ]; then
    run=\${name#"$mark-"}
    echo "$mark trunc \${run%.*} \${run##*.} $size"
  fi
done
cd /
exec 3>&- 4<&-
rm -rf "$dir"
`;

/**
 * What the harness itself needs inside a probe container, and why; everything else is dropped:
 * - SETUID, SETGID: to start each probe as `nobody` (setpriv / su);
 * - KILL: `timeout` (root) must be able to kill a probe that now runs as another user;
 * - NET_BIND_SERVICE: the DNS fixture listens on port 53, the only port resolv.conf can name.
 * Writing the case's /etc/resolv.conf needs no capability: root owns the file.
 */
export const HARNESS_CAPABILITIES = ["SETUID", "SETGID", "KILL", "NET_BIND_SERVICE"];
/** A fork bomb stops here (threads count too: the DNS probe starts 50). */
export const PIDS_LIMIT = 512;
/** Enough for parallel compiles and 64 MiB stack arrays; a memory hog meets the OOM killer. */
export const MEMORY_LIMIT_MIB = 1024;
/** Leaves a core for the harness and the engine whatever a probe does. */
export const CPU_LIMIT = 1.5;

/** testcontainers has no setters for these HostConfig fields. */
class ContainedContainer extends GenericContainer {
  withLimits(pids: number): this {
    this.hostConfig.PidsLimit = pids;
    // docker-init (tini, shipped with docker.io) as PID 1 reaps what killed probes leave: with
    // `sleep` as PID 1, a fork bomb's zombies would hold the pids limit forever.
    this.hostConfig.Init = true;
    // No swap: a memory hog must meet the limit, not crawl through swap until its timeout.
    this.hostConfig.MemorySwap = this.hostConfig.Memory;
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
        .withResourcesQuota({ memory: MEMORY_LIMIT_MIB / 1024, cpu: CPU_LIMIT })
        .withLimits(PIDS_LIMIT)
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
      BATCH_SCRIPT,
      "batch",
      BATCH_MARK,
      String(OUTPUT_CAP_BYTES),
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
