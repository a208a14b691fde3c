import { join } from "node:path";
import { beforeAll, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { runLab } from "../../lab/run-lab.js";
import { C_SRC_DIR, REPO_ROOT } from "../../lab/runtime/paths.js";
import { loadScenarios } from "../../lab/scenarios/index.js";
import { countRunContainers } from "./helpers.js";

/** Probes that misbehave are outcomes, never exceptions, and leave no container behind. */
const faults = {
  id: "faults",
  title: "Probes that misbehave",
  summary: "test fixture",
  description: "A probe that does not compile and one that never ends.",
  sources: ["test fixture"],
  cases: [
    {
      id: "does-not-compile",
      title: "A probe with a syntax error",
      role: "baseline",
      build: { probe: "broken.c", for: "glibc", link: "dynamic" },
      check: { kind: "run", on: "glibc" },
      expect: [{ result: "success", because: "it should compile" }],
    },
    {
      id: "never-ends",
      title: "A probe that hangs",
      role: "baseline",
      build: { probe: "hang.c", for: "musl", link: "static" },
      check: { kind: "run", on: "musl", timeoutMs: 1_000 },
      expect: [{ result: "success", because: "it should end" }],
    },
  ],
};

let result: RunResult;
beforeAll(async () => {
  result = await runLab({
    scenarios: loadScenarios([faults]),
    environmentIds: ["glibc", "musl"],
    images: "auto",
    log: () => undefined,
    sourceDirs: [C_SRC_DIR, join(REPO_ROOT, "test/fixtures/probes")],
  });
});

test("a probe that does not compile is a build error carrying the compiler's message", () => {
  const c = result.scenarios[0]!.cases.find((x) => x.id === "does-not-compile")!;
  expect(c.outcome).toBe("build-error");
  expect(c.build?.exitCode).not.toBe(0);
  expect(c.build?.output).toMatch(/undeclared_variable/);
  expect(c.command).toBeNull();
});

test("a probe that hangs is killed at its limit and reported as a timeout", () => {
  const c = result.scenarios[0]!.cases.find((x) => x.id === "never-ends")!;
  expect(c.outcome).toBe("timeout");
  expect(c.signal).toBe("SIGKILL");
  expect(c.durationMs).toBeGreaterThanOrEqual(900);
  expect(c.durationMs).toBeLessThan(5_000);
});

test("the run's exit status says unexpected, and nothing is left running", async () => {
  expect(result.exitStatus).toBe(1);
  expect(await countRunContainers()).toBe(0);
});
