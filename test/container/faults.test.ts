import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { runLab } from "../../lab/run-lab.js";
import { C_SRC_DIR, REPO_ROOT } from "../../lab/runtime/paths.js";
import { OUTPUT_CAP_BYTES } from "../../lab/runtime/session.js";
import { loadScenarios } from "../../lab/scenarios/index.js";
import { countRunContainers } from "./helpers.js";

/** Probes that misbehave are outcomes, never exceptions, and leave no container behind. */
const faults = {
  id: "faults",
  title: "Probes that misbehave",
  summary: "test fixture",
  description: "Hostile probes: they must become outcomes, contained, and the run must go on.",
  sources: { "test-fixture": { title: "test fixture" } },
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
    {
      id: "fork-bomb",
      title: "A fork bomb",
      role: "baseline",
      build: { probe: "fork-bomb.c", for: "native", link: "dynamic" },
      check: { kind: "run", on: "every", timeoutMs: 3_000 },
      expect: [{ result: "success", because: "it should end by itself" }],
    },
    {
      id: "kills-everyone",
      title: "A probe that calls kill(-1, SIGKILL)",
      role: "baseline",
      build: { probe: "kill-everyone.c", for: "native", link: "dynamic" },
      check: { kind: "run", on: "every" },
      expect: [
        {
          when: { family: "glibc" },
          result: "failure",
          signal: "SIGKILL",
          measurements: { killing: "everyone" },
          because: "dash stays to wait for the probe, so the probe's kill(-1) ends its shell too",
        },
        {
          when: { family: "musl" },
          result: "success",
          measurements: { killing: "everyone", child_signal: "9" },
          because: "busybox sh hands its process over to the probe, which outlives what it kills",
        },
      ],
    },
    {
      id: "open-descriptors",
      title: "The descriptors a probe starts with",
      role: "baseline",
      build: { probe: "list-descriptors.c", for: "native", link: "dynamic" },
      check: { kind: "run", on: "every" },
      expect: [
        {
          result: "success",
          measurements: { fds: "0,1,2" },
          because: "a probe inherits stdin, stdout and stderr, nothing of the harness",
        },
      ],
    },
    {
      id: "memory-hog",
      title: "A probe that eats all memory",
      role: "baseline",
      build: { probe: "memory-hog.c", for: "native", link: "dynamic" },
      check: { kind: "run", on: "every", timeoutMs: 30_000 },
      expect: [{ result: "success", because: "it should end" }],
    },
    {
      id: "flood",
      title: "A probe that prints 8 MiB",
      role: "baseline",
      build: { probe: "flood.c", for: "native", link: "dynamic" },
      check: { kind: "run", on: "every" },
      expect: [{ result: "success", because: "printing is allowed" }],
    },
    {
      id: "utf8-flood",
      title: "A probe that prints 200 KiB of two-byte characters",
      role: "baseline",
      build: { probe: "utf8-flood.c", for: "native", link: "dynamic" },
      check: { kind: "run", on: "every" },
      expect: [{ result: "success", because: "printing is allowed" }],
    },
    {
      id: "hangs-with-children",
      title: "A probe that hangs after starting children in their own sessions",
      role: "baseline",
      build: { probe: "hang-with-children.c", for: "native", link: "dynamic" },
      check: { kind: "run", on: "every", timeoutMs: 1_000 },
      expect: [{ result: "success", because: "it should end" }],
    },
    {
      id: "leaves-a-child",
      title: "A probe that leaves a child running",
      role: "baseline",
      build: { probe: "background.c", for: "native", link: "dynamic" },
      check: { kind: "run", on: "every" },
      expect: [{ result: "success", because: "it exits at once" }],
    },
    {
      id: "clean-after",
      title: "The next probe finds no process of the probe user",
      role: "baseline",
      build: { probe: "count-processes.c", for: "native", link: "dynamic" },
      check: { kind: "run", on: "every" },
      expect: [
        {
          result: "success",
          measurements: { uid: "65534", other_processes: "0" },
          because: "the harness kills what a probe leaves behind, and probes run as nobody",
        },
      ],
    },
  ],
};
const find = (id: string, environment: string) =>
  result.scenarios[0]!.cases.find((x) => x.id === id && x.environment === environment)!;

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

describe.each(["glibc", "musl"])("contained on %s", (environment) => {
  test("a fork bomb meets the pids limit, is killed at its time limit, and the run goes on", () => {
    // It never ends by itself: the time limit (3 s) ends it, and the reaping after it is quick.
    const c = find("fork-bomb", environment);
    expect(c.outcome).toBe("timeout");
    expect(Number(c.measurements["lab.forks_refused"])).toBeGreaterThan(0);
    // The run ends when the limit's kill does; the reaping after it is not the probe's time.
    expect(c.durationMs).toBeGreaterThanOrEqual(2_900);
    expect(c.durationMs).toBeLessThan(10_000);
    expect(find("flood", environment).outcome).toBe("as-expected");
  });

  test("kill(-1, SIGKILL) reaches only the probe's own processes, and every later case runs", () => {
    // Its outcome is its own (on glibc it kills its own shell as well), and it comes back whole.
    const c = find("kills-everyone", environment);
    const predicted = environment === "glibc" ? "expected-failure" : "as-expected";
    expect(c.outcome, c.explanation).toBe(predicted);
    expect(c.stdout).toMatch(/^killing=everyone\n/);
    for (const later of ["open-descriptors", "flood", "utf8-flood", "clean-after"]) {
      expect(find(later, environment).outcome, later).toBe("as-expected");
    }
  });

  test("a probe starts with stdin, stdout and stderr open, and no other descriptor", () => {
    const c = find("open-descriptors", environment);
    expect(c.measurements["fds"]).toBe("0,1,2");
    expect(c.outcome, c.explanation).toBe("as-expected");
  });

  test("a memory hog is ended by the OOM killer at the memory limit, and named so", () => {
    const c = find("memory-hog", environment);
    expect(c.signal).toBe("SIGKILL");
    expect(c.measurements["lab.oom_killed"]).toBe("yes");
    expect(c.outcome).toBe("unexpected-failure");
    expect(c.explanation).toMatch(/OOM killer/);
    expect(c.durationMs).toBeLessThan(25_000);
  });

  test("8 MiB of output is cut at the cap, marked, with the real size", () => {
    const c = find("flood", environment);
    expect(c.stdout.length).toBeLessThanOrEqual(OUTPUT_CAP_BYTES);
    expect(c.stdout.length).toBeGreaterThan(OUTPUT_CAP_BYTES - 2048);
    expect(c.measurements["lab.stdout_truncated"]).toBe("yes");
    expect(c.measurements["lab.stdout_bytes"]).toBe(String(8 * 1024 * 1024));
  });

  test("two-byte characters split across Docker's output frames come back whole", () => {
    const c = find("utf8-flood", environment);
    expect(c.outcome).toBe("as-expected");
    expect(c.stdout).not.toContain("\ufffd");
    expect(c.stdout.trimEnd()).toBe("é".repeat(100 * 1024));
  });

  test("probes run as nobody, and what one leaves behind is gone before the next", () => {
    expect(find("leaves-a-child", environment).outcome).toBe("as-expected");
    // Its children left its process group and ignore SIGTERM: only the sweep by user gets them.
    expect(find("hangs-with-children", environment).outcome).toBe("timeout");
    const c = find("clean-after", environment);
    expect(c.outcome, c.explanation).toBe("as-expected");
  });
});

test("the run's exit status says unexpected, and nothing is left running", async () => {
  expect(result.exitStatus).toBe(1);
  expect(await countRunContainers()).toBe(0);
});
