import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { REPO_ROOT } from "../../../lab/runtime/paths.js";
import { cliBundle, labStderr, runCli } from "../../cli-runner.js";
import { answerInfo, json, startFakeEngine, type FakeEngine } from "../../fake-engine.js";

/**
 * The real CLI against engines that misbehave as real ones do. No Docker is needed: each engine
 * is a fake on a unix socket in a temp folder, and nothing else is ever contacted.
 */
let scratch: string;
let engine: FakeEngine | null = null;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), "musl-lab-engine-faults-"));
});
afterEach(async () => {
  await engine?.close();
  engine = null;
  rmSync(scratch, { recursive: true, force: true });
});

/** The one `musl-lab:` line of a failed run, after checking it is the only trace of the failure. */
function failureLine(result: { exitCode?: number; stderr: unknown }): string {
  const stderr = labStderr(String(result.stderr));
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/Node\.js v\d+/);
  const lines = stderr.split("\n").filter((line) => line.startsWith("musl-lab: "));
  expect(lines).toHaveLength(1);
  expect(result.exitCode).toBe(2);
  return lines[0]!;
}

describe("a Docker engine that misbehaves is one line and exit 2", { timeout: 60_000 }, () => {
  test("DOCKER_HOST with a port beyond 65535", async () => {
    const result = await runCli(["hello"], {
      DOCKER_HOST: "tcp://127.0.0.1:99999",
      LAB_CACHE_DIR: join(scratch, "cache"),
    });
    expect(failureLine(result)).toBe(
      "musl-lab: DOCKER_HOST=tcp://127.0.0.1:99999 names port 99999, but a TCP port is 1 to 65535",
    );
  });

  test("an engine that answers /_ping but fails /info, as a socket proxy can", async () => {
    engine = await startFakeEngine((_req, res) =>
      json(res, 500, { message: "forbidden by the socket proxy" }),
    );
    const result = await runCli(["hello"], {
      DOCKER_HOST: engine.dockerHost,
      LAB_CACHE_DIR: join(scratch, "cache"),
    });
    expect(failureLine(result)).toBe(
      `musl-lab: the Docker engine at ${engine.dockerHost} answers /_ping but GET /info failed with HTTP 500 (forbidden by the socket proxy): the lab needs the whole Docker API; a socket proxy must also allow /info, /images, /containers, /build and /exec`,
    );
    // Nothing went to another engine instead: testcontainers, left alone, falls back to the
    // default socket when DOCKER_HOST's engine fails.
    expect(engine.requests).toEqual(["GET /_ping", "GET /info"]);
  });

  test("an engine that answers /_ping and then never replies: named, with how long, after a wait that says so", async () => {
    engine = await startFakeEngine(() => "hang");
    const started = Date.now();
    const cli = runCli(["hello"], {
      DOCKER_HOST: engine.dockerHost,
      LAB_CACHE_DIR: join(scratch, "cache"),
    });
    // Without a deadline the CLI would wait forever: it is stopped so the test fails, not hangs.
    const stop = setTimeout(() => cli.kill("SIGKILL"), 120_000);
    const result = await cli.finally(() => clearTimeout(stop));
    expect(failureLine(result)).toBe(
      `musl-lab: the Docker engine at ${engine.dockerHost} did not answer GET /info within 15 s`,
    );
    expect(String(result.stderr)).toContain(
      `waiting for the Docker engine at ${engine.dockerHost} to answer GET /info…`,
    );
    // The 15 s deadline and a one-line exit, not a hang (and not cut short either).
    expect(Date.now() - started).toBeGreaterThanOrEqual(15_000);
  }, 150_000);

  test("LAB_CACHE_DIR naming a regular file", async () => {
    const file = join(scratch, "not-a-folder");
    writeFileSync(file, "");
    const result = await runCli(["hello"], { LAB_CACHE_DIR: file });
    expect(failureLine(result)).toBe(
      `musl-lab: LAB_CACHE_DIR=${file} is not a folder (a file is in the way): point LAB_CACHE_DIR at a folder you can write`,
    );
  });

  /**
   * A user outside the docker group meets EACCES on the socket. Root opens any socket file, so as
   * root the CLI runs as nobody (setpriv, util-linux); the socket is mode 000 either way.
   */
  test("a socket this user may not open is a permission problem, not a missing Docker", async () => {
    engine = await startFakeEngine((_req, res) => answerInfo(res));
    chmodSync(engine.socketPath, 0o000);
    chmodSync(join(engine.socketPath, ".."), 0o755);
    chmodSync(scratch, 0o777);
    const env = { DOCKER_HOST: engine.dockerHost, LAB_CACHE_DIR: join(scratch, "cache") };
    // An output folder this user can write (as root the checkout's reports/ is not nobody's): the
    // CLI checks it before it asks the engine.
    const args = ["hello", "--output-dir", join(scratch, "reports")];
    const result =
      process.getuid?.() === 0 ? await runCliAsNobody(args, env) : await runCli(args, env);
    expect(failureLine(result)).toBe(
      `musl-lab: permission denied on ${engine.socketPath}: a Docker engine may be running, but this user may not use it; add your user to the docker group (\`sudo usermod -aG docker $USER\`, then log in again) or run as root`,
    );
    expect(engine.requests).toEqual([]);
  });
});

/** The bundled CLI as runCli runs it, by uid/gid 65534 with no supplementary groups. */
function runCliAsNobody(args: string[], env: Record<string, string>) {
  return execa(
    "setpriv",
    ["--reuid=65534", "--regid=65534", "--clear-groups", "node", cliBundle(), ...args],
    {
      cwd: REPO_ROOT,
      reject: false,
      env: { FORCE_COLOR: "0", NO_COLOR: "1", HOME: scratch, ...env },
      stdin: "ignore",
    },
  );
}
