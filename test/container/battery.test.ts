import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { cliBundle } from "../cli-runner.js";
import { BATTERY, HOSTILE_SOLUTIONS, makeBatteryFiles, type BadInput } from "./battery-cases.js";
import { containersOwnedBy, removeContainersOf, waitFor } from "./helpers.js";

/** Long enough for a real run on a busy machine; a case still running then has hung. */
const HANG_AFTER_MS = 240_000;
const SIGNAL_SPACING_MS = 300;
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;
/** Terminal control bytes (escape sequences, NUL, bell...): a message must never carry them raw. */
const CONTROL_BYTES = /[\x00-\x08\x0b-\x1f\x7f]/;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Observed {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
  hung: boolean;
}

/** A folder of its own with every file the cases name: no case can spoil another's inputs. */
function caseFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "musl-lab-battery-"));
  dirs.push(dir);
  makeBatteryFiles(dir);
  for (const [name, source] of Object.entries(HOSTILE_SOLUTIONS)) {
    writeFileSync(join(dir, name), source);
  }
  return dir;
}

/** What a protected path is now: its kind, inode (a rename would change it) and content. */
function fingerprint(path: string): string {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) return "missing";
  if (stat.isSymbolicLink()) return `link ${stat.ino} -> ${readlinkSync(path)}`;
  if (stat.isFIFO()) return `fifo ${stat.ino}`;
  if (stat.isDirectory()) return `dir ${stat.ino}`;
  const hash = createHash("sha256").update(readFileSync(path)).digest("hex");
  return `file ${stat.ino} ${stat.size} ${hash}`;
}

function run(input: BadInput, dir: string): Promise<Observed> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FORCE_COLOR: "0",
    NO_COLOR: "1",
    // npm sets it to where the user typed the command; the CLI reads user paths from there.
    INIT_CWD: dir,
  };
  for (const [key, value] of Object.entries(input.env ?? {})) {
    env[key] = value.replace(/^CASE\//, `${dir}/`).replace(/\/\/CASE\//, `//${dir}/`);
  }
  const stdoutFd = input.stdoutTo ? openSync(input.stdoutTo, "w") : null;
  const child = spawn(process.execPath, [cliBundle(), ...input.args], {
    cwd: dir,
    env,
    stdio: ["ignore", stdoutFd ?? "pipe", "pipe"],
  });
  if (stdoutFd !== null) closeSync(stdoutFd);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (input.closeEarly === "stdout") child.stdout?.destroy();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    if (input.closeEarly === "stderr") child.stderr!.destroy();
  });
  let hung = false;
  const killer = setTimeout(() => {
    hung = true;
    child.kill("SIGKILL");
  }, HANG_AFTER_MS);
  if (input.signals) {
    void (async () => {
      await waitFor(async () => (await containersOwnedBy(child.pid)).length > 0, 120_000);
      for (const signal of input.signals ?? []) {
        child.kill(signal);
        await new Promise((resolve) => setTimeout(resolve, SIGNAL_SPACING_MS));
      }
    })();
  }
  return new Promise((resolve) => {
    child.on("close", (exitCode, signal) => {
      clearTimeout(killer);
      resolve({ exitCode, signal, stdout, stderr, pid: child.pid!, hung });
    });
  });
}

async function check(input: BadInput): Promise<void> {
  const dir = caseFolder();
  const protectedPaths = (input.protect ?? []).map((p) => (p.startsWith("/") ? p : join(dir, p)));
  const before = protectedPaths.map(fingerprint);
  const observed = await run(input, dir);
  const evidence = `${input.name}: exit ${observed.exitCode} signal ${observed.signal}\n${observed.stderr.slice(-2_000)}`;

  expect(observed.hung, `hung: ${evidence}`).toBe(false);
  expect(observed.signal, evidence).toBeNull();
  expect(observed.exitCode, evidence).toBe(input.exit);
  expect(observed.stderr, `stack trace: ${evidence}`).not.toMatch(STACK_FRAME);
  expect(CONTROL_BYTES.test(observed.stderr), `raw control bytes: ${evidence}`).toBe(false);
  if (input.closeEarly !== "stderr") {
    const errorLines = observed.stderr.split("\n").filter((l) => l.startsWith("musl-lab: "));
    if (input.exit === 2) expect(errorLines, evidence).toHaveLength(1);
    if (input.message) expect(errorLines[0], evidence).toMatch(input.message);
  }
  const left = await containersOwnedBy(observed.pid);
  if (input.mayLeaveNamed && left.length > 0) {
    expect(observed.stderr, evidence).toMatch(
      /docker rm -f \$\(docker ps -aq --filter label=musl-lab\.run=/,
    );
    for (const id of left) {
      // Named by id, or a start the engine never answered (no id yet), counted instead.
      expect(
        observed.stderr.includes(id.slice(0, 12)) ||
          /start\(s\) were never answered/.test(observed.stderr),
        evidence,
      ).toBe(true);
    }
    await removeContainersOf(observed.pid);
  }
  expect(input.mayLeaveNamed ? [] : left, `containers left: ${evidence}`).toEqual([]);
  expect(protectedPaths.map(fingerprint), `files changed: ${evidence}`).toEqual(before);
}

const quick = BATTERY.filter((c) => !c.docker);
const withContainers = BATTERY.filter((c) => c.docker);

test("the battery holds at least 150 bad inputs and faults", () => {
  expect(BATTERY.length).toBeGreaterThanOrEqual(150);
  expect(new Set(BATTERY.map((c) => c.name)).size).toBe(BATTERY.length);
});

describe.concurrent("bad inputs refused before anything runs", () => {
  test.each(quick.map((c) => [c.name, c] as const))(
    "%s",
    (_name, input) => check(input),
    HANG_AFTER_MS + 30_000,
  );
});

describe("faults during real runs", () => {
  test.each(withContainers.map((c) => [c.name, c] as const))(
    "%s",
    (_name, input) => check(input),
    HANG_AFTER_MS + 30_000,
  );
});
