import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { cliBundle, CLI_ENV, runCliIntoFullDisk } from "../cli-runner.js";
import { REPO_ROOT } from "../../lab/runtime/paths.js";
import {
  cleanups,
  containersOwnedBy,
  removeContainersOf,
  runCleanups,
  scratchDir,
} from "./helpers.js";

const RUN_TIMEOUT_MS = 300_000;

afterEach(runCleanups);

/**
 * The real CLI with its stdout and stderr in pipes whose reader goes away after the first line,
 * as `2>&1 | head -1` does: the test reads one line, then destroys both read ends. Resolves with
 * the CLI's exit status (or the signal that killed it) once it has exited.
 */
function runWithReaderGoneAfterFirstLine(args: string[], env: Record<string, string> = {}) {
  const child = spawn("node", [cliBundle(), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...CLI_ENV, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(async () => {
    child.kill("SIGKILL");
    await removeContainersOf(child.pid);
  });
  let firstLine = "";
  const hangUp = (chunk: Buffer) => {
    firstLine ||= chunk.toString().split("\n")[0] ?? "";
    child.stdout.destroy();
    child.stderr.destroy();
  };
  child.stdout.once("data", hangUp);
  child.stderr.once("data", hangUp);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { pid: child.pid, exited, firstLine: () => firstLine };
}

describe("a reader that goes away early (`2>&1 | head -1`)", () => {
  test(
    "a run goes on: containers removed, report written, the run's own status",
    async () => {
      const out = scratchDir("musl-lab-epipe-");
      const run = runWithReaderGoneAfterFirstLine(["hello", "--output-dir", out]);
      const { code, signal } = await run.exited;
      expect(run.firstLine()).not.toBe("");
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(await containersOwnedBy(run.pid)).toEqual([]);
      const report = JSON.parse(readFileSync(join(out, "latest.json"), "utf8"));
      expect(report).toMatchObject({ tool: { name: "musl-lab" }, exitStatus: 0 });
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "a solution check goes on: no temporary folder, no container, the verdict's status",
    async () => {
      const tmp = scratchDir("musl-lab-tmpdir-");
      const solution = join(scratchDir("musl-lab-student-"), "solution.c");
      // The starter file as it is: it fails the exercise's check, so the verdict's status is 1.
      writeFileSync(solution, readFileSync(join(REPO_ROOT, "c-src/exercises/worker-stack.c")));
      const run = runWithReaderGoneAfterFirstLine(
        ["exercise", "worker-stack", "--solution", solution],
        {
          TMPDIR: tmp,
        },
      );
      const { code, signal } = await run.exited;
      expect({ code, signal }).toEqual({ code: 1, signal: null });
      expect(readdirSync(tmp).filter((f) => f.startsWith("musl-lab-solution-"))).toEqual([]);
      expect(await containersOwnedBy(run.pid)).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );
});

const FULL_DISK_LINE =
  /^musl-lab: cannot write to stdout: no space left on device \(ENOSPC\); what it shows is incomplete$/m;

describe("stdout that cannot be written (/dev/full: a full disk)", () => {
  // --list, --help and explain need no Docker: test/unit/cli/full-disk.test.ts.
  test(
    "a real --json run: exit 2 and one line, no container left, the report file whole",
    async () => {
      const out = scratchDir("musl-lab-full-");
      const { pid, exitCode, stderr } = await runCliIntoFullDisk([
        "hello",
        "--json",
        "--output-dir",
        out,
      ]);
      cleanups.push(() => removeContainersOf(pid));
      expect(stderr).toMatch(FULL_DISK_LINE);
      expect(stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
      expect(exitCode).toBe(2);
      expect(await containersOwnedBy(pid)).toEqual([]);
      expect(JSON.parse(readFileSync(join(out, "latest.json"), "utf8")).exitStatus).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );
});
