import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { InfrastructureError } from "../../../lab/errors.js";
import { hostLockDir, withHostLock } from "../../../lab/runtime/host-lock.js";
import { REPO_ROOT } from "../../../lab/runtime/paths.js";

const names: string[] = [];
const children: ChildProcess[] = [];
const scratch = mkdtempSync(join(tmpdir(), "musl-lab-host-lock-"));

/** A lock name of this test alone: the real ones (provision, image-…) are never touched. */
function lockName(): string {
  const name = `test-${randomBytes(4).toString("hex")}`;
  names.push(name);
  return name;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Spawns a process and resolves once it printed `ready` (it then holds the lock). */
function holdInChild(command: string, args: string[]): Promise<ChildProcess> {
  // Its own process group, so the flock, its shell and its sleep all go at the end.
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"], detached: true });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("ready")) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`holder exited early (${code}): ${out}`)));
  });
}

/** A real lab-side holder: withHostLock itself, in its own Node process, waiting forever. */
function labHolderScript(name: string): string {
  const entry = join(scratch, `holder-${name}.ts`);
  writeFileSync(
    entry,
    `import { withHostLock } from ${JSON.stringify(join(REPO_ROOT, "lab/runtime/host-lock.ts"))};
     await withHostLock(${JSON.stringify(name)}, "installing nothing", () => {}, async () => {
       process.stdout.write("ready\\n");
       await new Promise(() => setInterval(() => {}, 1000));
     });`,
  );
  const outfile = join(scratch, `holder-${name}.mjs`);
  buildSync({ entryPoints: [entry], bundle: true, platform: "node", format: "esm", outfile });
  return outfile;
}

afterEach(() => {
  for (const child of children.splice(0)) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});
afterAll(() => {
  for (const name of names) rmSync(join(hostLockDir(), `musl-lab-${name}.lock`), { force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe("withHostLock", () => {
  test("two steps of one process never overlap (glibc and glibc-2.36 both installing debootstrap)", async () => {
    const name = lockName();
    const events: string[] = [];
    const step = (id: string) =>
      withHostLock(
        name,
        `step ${id}`,
        () => {},
        async () => {
          events.push(`start ${id}`);
          await sleep(200);
          events.push(`end ${id}`);
          return id;
        },
      );
    const results = await Promise.all([step("a"), step("b"), step("c")]);
    expect(results).toEqual(["a", "b", "c"]);
    expect(events).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  test("a step that fails releases the lock for the next one", async () => {
    const name = lockName();
    const failing = withHostLock(
      name,
      "failing",
      () => {},
      async () => {
        throw new Error("apt-get failed");
      },
    );
    await expect(failing).rejects.toThrow("apt-get failed");
    await expect(
      withHostLock(
        name,
        "next",
        () => {},
        async () => "ran",
      ),
    ).resolves.toBe("ran");
  });

  test("another process holding the lock is waited for, and the wait is said", async () => {
    const name = lockName();
    const file = join(hostLockDir(), `musl-lab-${name}.lock`);
    writeFileSync(file, "4242 installing docker.io\n");
    await holdInChild("flock", [file, "sh", "-c", "echo ready; sleep 2.5"]);
    const lines: string[] = [];
    const started = Date.now();
    const ran = await withHostLock(
      name,
      "installing debootstrap",
      (l) => lines.push(l),
      async () => {
        // Only once the other process let go: it holds the lock 2.5 s from "ready" on.
        return Date.now() - started;
      },
    );
    expect(ran).toBeGreaterThanOrEqual(2_000);
    expect(lines[0]).toMatch(
      /^waiting \d+ s so far before installing debootstrap: the host is busy \(another musl-lab \(pid 4242\): installing docker\.io\)$/,
    );
  });

  test("a lab killed with SIGKILL while holding the lock leaves no stale lock", async () => {
    const name = lockName();
    const holder = await holdInChild(process.execPath, [labHolderScript(name)]);
    const waiting = withHostLock(
      name,
      "installing debootstrap",
      () => {},
      async () => "got it",
    );
    await sleep(300);
    holder.kill("SIGKILL"); // the Node process alone: its flock child must let go by itself
    // The kernel drops the flock when the holder's last descriptor closes: no pid file to judge.
    await expect(waiting).resolves.toBe("got it");
  });

  test("a lock held past the deadline is one line, not a hang", async () => {
    const name = lockName();
    const file = join(hostLockDir(), `musl-lab-${name}.lock`);
    await holdInChild("flock", [file, "sh", "-c", "echo ready; sleep 60"]);
    const attempt = withHostLock(
      name,
      "installing debootstrap",
      () => {},
      async () => "never",
      1_000,
    );
    await expect(attempt).rejects.toBeInstanceOf(InfrastructureError);
    await expect(attempt).rejects.toThrow(
      /^gave up installing debootstrap after 1 s: the host lock .*musl-lab-test-[0-9a-f]+\.lock stayed taken/,
    );
  });
});
