import { execa, execaSync, type ResultPromise } from "execa";
import { spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { isAlive } from "../lab/runtime/container-registry.js";
import { REPO_ROOT } from "../lab/runtime/paths.js";

/** Colour off, as the CLI's snapshot-like assertions expect. */
export const CLI_ENV = { FORCE_COLOR: "0", NO_COLOR: "1" };
let bundle: string | null = null;

/**
 * Runs the real CLI, bundled exactly as `npm run lab` bundles it, colour off, never a TTY. Each
 * test process bundles to its own file: test files run in parallel, and one must never execute a
 * bundle another is still writing.
 */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
): ResultPromise<{ reject: false }> {
  return execa("node", [cliBundle(), ...args], {
    cwd: REPO_ROOT,
    reject: false,
    env: { ...CLI_ENV, ...env },
    stdin: "ignore",
  }) as ResultPromise<{ reject: false }>;
}

/**
 * The CLI with its stdout going into a pipe whose reader starts a second late, as `| jq` on a busy
 * machine does: whatever the CLI has not written when it exits is lost. The exit status is the
 * CLI's (bash's pipefail), stdout is what came through the pipe.
 */
export function runCliThroughSlowPipe(args: string[]): ResultPromise<{ reject: false }> {
  return execa(
    "bash",
    ["-c", 'set -o pipefail; node "$@" | { sleep 1; cat; }', "bash", cliBundle(), ...args],
    { cwd: REPO_ROOT, reject: false, env: CLI_ENV, stdin: "ignore" },
  ) as ResultPromise<{ reject: false }>;
}

/** The path of the CLI bundle, built on first use; for tests that spawn it with stdio of their own. */
export function cliBundle(): string {
  if (!bundle) {
    bundle = join(REPO_ROOT, ".cache", "lab", `test-${process.pid}.mjs`);
    execaSync(
      "npx",
      [
        "esbuild",
        "run-tests.ts",
        "--bundle",
        "--platform=node",
        "--target=node20",
        "--format=esm",
        "--packages=external",
        "--log-level=warning",
        `--outfile=${bundle}`,
      ],
      { cwd: REPO_ROOT },
    );
    // One bundle per test worker, removed when it exits; a worker that is killed cannot, so the
    // bundles of workers that are gone go here, and runs do not pile them up in .cache.
    const built = bundle;
    process.once("exit", () => rmSync(built, { force: true }));
    for (const name of readdirSync(dirname(built))) {
      const pid = /^test-(\d+)\.mjs$/.exec(name)?.[1];
      if (pid && !isAlive(Number(pid))) rmSync(join(dirname(built), name), { force: true });
    }
  }
  return bundle;
}

/** `npm run lab -- ...` itself, for the tests that prove the commands of the README and docs/. */
export function runNpmLab(
  args: string[],
  env: Record<string, string> = {},
): ResultPromise<{ reject: false }> {
  return execa("npm", ["run", "-s", "lab", "--", ...args], {
    cwd: REPO_ROOT,
    reject: false,
    env: { ...CLI_ENV, ...env },
    stdin: "ignore",
  }) as ResultPromise<{ reject: false }>;
}

/** stderr without npm's own warnings about the user's npm configuration. */
export function labStderr(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => !line.startsWith("npm warn"))
    .join("\n")
    .trim();
}

/**
 * The CLI with stdout on /dev/full, where every write fails with ENOSPC exactly as on a full
 * disk (`> report.json` with no space left). stderr is collected.
 */
export function runCliIntoFullDisk(
  args: string[],
): Promise<{ pid: number | undefined; exitCode: number | null; stderr: string }> {
  const full = openSync("/dev/full", "w");
  try {
    const child = spawn("node", [cliBundle(), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...CLI_ENV },
      stdio: ["ignore", full, "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) =>
      child.on("close", (exitCode) => resolve({ pid: child.pid, exitCode, stderr })),
    );
  } finally {
    closeSync(full);
  }
}
