import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { labStderr, runCli } from "../../cli-runner.js";

/** The real CLI, for mistakes that never reach Docker: one line on stderr, exit 2, no stack. */
describe("npm run lab, bad input", () => {
  test("an unknown scenario names the valid ones", async () => {
    const result = await runCli(["no-such-scenario"]);
    expect(result.exitCode).toBe(2);
    expect(labStderr(String(result.stderr))).toBe(
      'musl-lab: unknown scenario "no-such-scenario"; known scenarios: hello, thread-stack, dns, locale',
    );
  });

  test("an unknown flag", async () => {
    const result = await runCli(["--frobnicate"]);
    expect(result.exitCode).toBe(2);
    expect(labStderr(String(result.stderr))).toBe(
      "musl-lab: unknown option --frobnicate; see --help for the options",
    );
  });

  test("an engine that does not answer at DOCKER_HOST is never replaced by one of ours", async () => {
    const result = await runCli(["hello"], { DOCKER_HOST: "unix:///nonexistent/docker.sock" });
    expect(result.exitCode).toBe(2);
    expect(labStderr(String(result.stderr))).toBe(
      "musl-lab: no Docker engine answers at DOCKER_HOST=unix:///nonexistent/docker.sock: start that engine or unset DOCKER_HOST",
    );
  });

  test("LAB_NO_PROVISION=1 refuses to provision and says what to do", async () => {
    const result = await runCli(["hello"], {
      DOCKER_HOST: "unix:///nonexistent/docker.sock",
      LAB_NO_PROVISION: "1",
    });
    expect(result.exitCode).toBe(2);
    const stderr = labStderr(String(result.stderr));
    expect(stderr.split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/LAB_NO_PROVISION=1 forbids starting one: install and start Docker/);
  });

  test("--list and --help print to stdout and exit 0", async () => {
    const list = await runCli(["--list"]);
    expect(list.exitCode).toBe(0);
    expect(String(list.stdout)).toMatch(/^hello\s+a glibc binary on musl/m);
    const help = await runCli(["--help"]);
    expect(help.exitCode).toBe(0);
    expect(String(help.stdout)).toMatch(/--images MODE/);
  });

  test("a baseline that cannot be used stops the run before it starts, in one line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "musl-lab-cli-baseline-"));
    const missing = join(dir, "missing.json");
    const result = await runCli(["hello", "--baseline", missing]);
    expect(result.exitCode).toBe(2);
    expect(labStderr(String(result.stderr))).toBe(
      `musl-lab: baseline ${missing} does not exist; run once with --accept to create it`,
    );
    const old = join(dir, "old.json");
    writeFileSync(old, JSON.stringify({ schemaVersion: 99, tool: { name: "musl-lab" } }));
    const version = await runCli(["hello", "--baseline", old]);
    expect(version.exitCode).toBe(2);
    expect(labStderr(String(version.stderr))).toMatch(
      /^musl-lab: baseline .*old\.json has schema version 99 but this musl-lab writes version 1; /,
    );
  });

  test("--accept without --baseline", async () => {
    const result = await runCli(["--accept"]);
    expect(result.exitCode).toBe(2);
    expect(labStderr(String(result.stderr))).toBe(
      "musl-lab: --accept writes the new baseline: it needs --baseline FILE",
    );
  });
});
