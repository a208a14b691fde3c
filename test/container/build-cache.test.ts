import { mkdtempSync, readdirSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { runCli } from "../cli-runner.js";

const cacheDir = mkdtempSync(join(tmpdir(), "musl-lab-cache-"));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

async function runHello(): Promise<RunResult> {
  const result = await runCli(["hello", "--env", "musl", "--json", "--output-dir", cacheDir], {
    LAB_CACHE_DIR: cacheDir,
  });
  expect(String(result.stderr)).not.toMatch(/^\s+at /m);
  expect(result.exitCode).toBe(0);
  return JSON.parse(String(result.stdout)) as RunResult;
}

const outcomes = (run: RunResult) =>
  run.scenarios.flatMap((s) => s.cases.map((c) => `${c.id}@${c.environment}: ${c.outcome}`));
const builds = (run: RunResult) =>
  run.scenarios.flatMap((s) => s.cases.flatMap((c) => (c.build ? [c.build] : [])));

/**
 * A binary in the build cache cut short (a full disk, a crash while copying by hand) used to fail
 * every later run with an ELF format error until someone deleted the cache. Now it is found by its
 * hash, rebuilt, and the cache is whole again.
 */
test("a truncated binary in the build cache is rebuilt and classified as before", async () => {
  const first = await runHello();
  expect(builds(first).length).toBeGreaterThan(0);
  expect(builds(first).every((b) => !b.cached)).toBe(true);

  const entries = readdirSync(join(cacheDir, "builds")).filter((e) => !e.startsWith("."));
  expect(entries.length).toBeGreaterThan(0);
  for (const entry of entries) truncateSync(join(cacheDir, "builds", entry, "binary"), 64);

  const second = await runHello();
  expect(outcomes(second)).toEqual(outcomes(first));
  expect(builds(second).every((b) => !b.cached)).toBe(true);

  const third = await runHello();
  expect(outcomes(third)).toEqual(outcomes(first));
  expect(builds(third).every((b) => b.cached)).toBe(true);
});
