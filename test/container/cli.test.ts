import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { execa } from "execa";
import { REPO_ROOT } from "../../lab/runtime/paths.js";
import { loadScenarios } from "../../lab/scenarios/index.js";
import { CLI_ENV, labStderr, runCli, runCliThroughSlowPipe, runNpmLab } from "../cli-runner.js";
import { containersOwnedBy, untilContainersOf } from "./helpers.js";

describe("npm run lab -- hello, as a user runs it", () => {
  test("boxes on stdout without colour codes, a complete JSON report on disk, exit 0", async () => {
    const out = mkdtempSync(join(tmpdir(), "musl-lab-cli-"));
    const result = await runNpmLab(["hello", "--output-dir", out]);
    expect(labStderr(String(result.stderr))).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(result.exitCode).toBe(0);
    const stdout = String(result.stdout);
    expect(stdout).not.toMatch(/\u001b\[/);
    expect(stdout).toMatch(/^╭─ hello: /m);
    expect(stdout).toMatch(/✗ glibc-binary-on-musl on musl: .* \[expected failure\]/);
    expect(stdout).toMatch(/│ sh: \/lab\/bin\/hello-glibc-dynamic: not found/);
    expect(stdout).toMatch(/Everything behaved as the scenarios predict \(exit status 0\)/);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(2);
    expect(files).toContain("latest.json");
    expect(files.some((f) => f.endsWith(".tmp"))).toBe(false);
    const report = JSON.parse(readFileSync(join(out, "latest.json"), "utf8"));
    expect(report).toMatchObject({ schemaVersion: 1, tool: { name: "musl-lab" }, exitStatus: 0 });
    expect(report.environments.map((e: { id: string }) => e.id)).toEqual([
      "glibc",
      "musl",
      "musl-compat",
    ]);
  });

  test("the README's JSON command, as written, redirects a report that is JSON", async () => {
    // npm prints its own "> musl-lab@… lab" banner on stdout unless -s: the documented line
    // once gave a report.json that was no JSON. Run through a shell, redirect included.
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const line = /`(npm run [^`]*--json > report\.json)`/.exec(readme)?.[1];
    expect(line, "README's common tasks name the JSON command").toBeDefined();
    const out = mkdtempSync(join(tmpdir(), "musl-lab-cli-"));
    const result = await execa(
      "sh",
      ["-c", line!.replace("report.json", join(out, "report.json"))],
      {
        cwd: REPO_ROOT,
        reject: false,
        env: CLI_ENV,
        stdin: "ignore",
      },
    );
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report).toMatchObject({ tool: { name: "musl-lab" }, exitStatus: 0 });
    expect(report.scenarios.length).toBe(loadScenarios().length);
  });

  test("--json prints only the report on stdout, all of it even through a pipe", async () => {
    // hello and locale together make a report well over a pipe's 64 KiB buffer: exiting before
    // stdout drained once cut such a report at exactly 65536 bytes.
    const out = mkdtempSync(join(tmpdir(), "musl-lab-cli-"));
    const result = await runCliThroughSlowPipe(["hello", "locale", "--json", "--output-dir", out]);
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout).length).toBeGreaterThan(65_536);
    const report = JSON.parse(String(result.stdout));
    expect(report.scenarios.map((s: { id: string }) => s.id)).toEqual(["hello", "locale"]);
    expect(report.scenarios[0].cases.length).toBeGreaterThanOrEqual(8);
    expect(report.summary.total).toBe(
      report.scenarios.reduce((n: number, s: { cases: unknown[] }) => n + s.cases.length, 0),
    );
    // The file on disk and the report on stdout are the same report.
    expect(JSON.parse(readFileSync(join(out, "latest.json"), "utf8"))).toEqual(report);
  });

  test("SIGINT mid-run removes every container of that run and exits 130", async () => {
    const out = mkdtempSync(join(tmpdir(), "musl-lab-cli-"));
    const child = runCli(["hello", "--output-dir", out]);
    // Wait until the run has containers, then interrupt it.
    await untilContainersOf(child.pid);
    child.kill("SIGINT");
    const result = await child;
    expect(result.exitCode).toBe(130);
    const stderr = labStderr(String(result.stderr));
    expect(stderr).toMatch(/^SIGINT: removing this run's containers…$/m);
    expect(stderr).toMatch(
      /^musl-lab: interrupted by SIGINT; every container of this run was removed$/m,
    );
    expect(await containersOwnedBy(child.pid)).toEqual([]);
    expect(existsSync(join(out, "latest.json"))).toBe(false);
  });
});
