import { spawn } from "node:child_process";
import { accessSync, constants, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InfrastructureError } from "../errors.js";
import type { Log } from "./docker-engine.js";

/**
 * How long a lab waits for another one to finish installing or building. Installing docker.io
 * takes ~15 s and a cold glibc bootstrap ~35 s here; a slow mirror can take minutes.
 */
export const HOST_LOCK_WAIT_MS = 600_000;
/** A wait shorter than this is not worth a line; a longer one is said, then repeated. */
const WAIT_NOTICE_MS = 1_000;
const WAIT_REPEAT_MS = 15_000;
/** flock(1)'s status when --wait ran out (our choice: EX_TEMPFAIL). */
const FLOCK_TIMED_OUT = 75;

/**
 * Where host-wide locks live: /run/lock (Debian's world-writable, sticky lock folder, emptied at
 * boot) so that every lab process on the host meets the same file, whichever checkout, user or
 * LAB_CACHE_DIR it runs with; the temp folder where there is none.
 */
export function hostLockDir(): string {
  try {
    accessSync("/run/lock", constants.W_OK);
    return "/run/lock";
  } catch {
    return tmpdir();
  }
}

/**
 * Runs `work` holding an exclusive host-wide lock named `name`, so that two steps that change the
 * host (two `apt-get install`s, two dockerd starts, two builds of one image) never overlap: not in
 * one run (glibc and glibc-2.36 both need debootstrap) and not across concurrent lab processes.
 * Two apt-get installs at once fail outright on dpkg's lock (exit 100), which is how the README's
 * first command failed on a fresh machine.
 *
 * The lock is flock(2), held by a small `flock` child (util-linux, present on every Debian-like
 * host, the only hosts the lab provisions): the kernel drops it when the holder dies, so a crashed
 * or killed lab never leaves a stale lock, and there is no pid file to guess about. Waiting says
 * what it waits for and gives up after `waitMs` with one line.
 */
export function withHostLock<T>(
  name: string,
  what: string,
  log: Log,
  work: () => Promise<T>,
  waitMs: number = HOST_LOCK_WAIT_MS,
): Promise<T> {
  // Within one process the turns are kept here, so a host without flock(1) (macOS with Docker
  // Desktop, building registry images) still never runs two of these steps at once.
  const previous = turns.get(name) ?? Promise.resolve();
  const mine = previous.then(() => withFlock(name, what, log, work, waitMs));
  const settled = mine.then(
    () => undefined,
    () => undefined,
  );
  turns.set(name, settled);
  void settled.then(() => {
    if (turns.get(name) === settled) turns.delete(name);
  });
  return mine;
}

const turns = new Map<string, Promise<void>>();

async function withFlock<T>(
  name: string,
  what: string,
  log: Log,
  work: () => Promise<T>,
  waitMs: number,
): Promise<T> {
  const file = join(hostLockDir(), `musl-lab-${name}.lock`);
  const holder = spawn(
    "flock",
    [
      "--exclusive",
      `--wait=${Math.ceil(waitMs / 1000)}`,
      `--conflict-exit-code=${FLOCK_TIMED_OUT}`,
      file,
      // Holds the lock until our end of the pipe closes: on release, and on any death of ours.
      "sh",
      "-c",
      "echo locked; exec cat >/dev/null",
    ],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let missing = false;
  const exited = new Promise<number | null>((resolve) => {
    holder.on("error", (error: NodeJS.ErrnoException) => {
      missing = error.code === "ENOENT";
      resolve(null);
    });
    holder.on("close", (code) => resolve(code));
  });
  const stderr: Buffer[] = [];
  holder.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const locked = new Promise<boolean>((resolve) => {
    holder.stdout.once("data", () => resolve(true));
    void exited.then(() => resolve(false));
  });

  const started = Date.now();
  let notice: NodeJS.Timeout | undefined;
  const sayWaiting = () => {
    const seconds = Math.round((Date.now() - started) / 1000);
    log(`waiting ${seconds} s so far before ${what}: the host is busy (${currentHolder(file)})`);
    notice = setTimeout(sayWaiting, WAIT_REPEAT_MS);
  };
  notice = setTimeout(sayWaiting, WAIT_NOTICE_MS);
  let acquired: boolean;
  try {
    acquired = await locked;
  } finally {
    clearTimeout(notice);
  }
  if (!acquired) {
    const code = await exited;
    // No flock(1): not a host the lab provisions (those are Debian-like, util-linux is essential
    // there); the in-process turn above is all the ordering there is.
    if (missing) return work();
    throw new InfrastructureError(
      code === FLOCK_TIMED_OUT
        ? `gave up ${what} after ${Math.round(waitMs / 1000)} s: the host lock ${file} stayed taken (${currentHolder(file)})`
        : `cannot take the host lock ${file} for ${what} (flock exit ${code ?? "not started"}): ${Buffer.concat(stderr).toString().trim() || "is util-linux installed?"}`,
    );
  }
  try {
    // Advisory: the file's content is only there to tell a waiting lab who it waits for.
    writeFileSync(file, `${process.pid} ${what}\n`);
  } catch {
    // A lock file of another user: the lock holds all the same, only the message is vaguer.
  }
  try {
    return await work();
  } finally {
    holder.stdin.end();
    await exited;
  }
}

/** "another musl-lab (pid 123): installing debootstrap", from the lock file, or a vaguer phrase. */
function currentHolder(file: string): string {
  try {
    const [pid, ...what] = readFileSync(file, "utf8").trim().split(" ");
    if (pid && /^\d+$/.test(pid)) {
      const who = Number(pid) === process.pid ? "this run" : `another musl-lab (pid ${pid})`;
      return `${who}: ${what.join(" ")}`;
    }
  } catch {
    // Not written yet: the holder has only just taken it.
  }
  return "another musl-lab process";
}
