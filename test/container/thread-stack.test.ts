import { beforeAll, describe, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { caseFinder, countRunContainers, runScenario } from "./helpers.js";

const SIZES = [64, 128, 256, 512, 1024];
let result: RunResult;
const find = caseFinder(() => result, "thread-stack");

beforeAll(async () => {
  result = await runScenario("thread-stack");
});

describe("thread-stack, run for real on glibc and musl", () => {
  test("musl crashes at 256 KiB with default attributes, of SIGSEGV", () => {
    const c = find("default-sweep-256", "musl");
    expect(c.signal).toBe("SIGSEGV");
    expect(c.outcome).toBe("expected-failure");
    expect(c.measurements["survived"]).toBeUndefined();
  });

  test("glibc survives the whole default sweep", () => {
    for (const kib of SIZES) {
      const c = find(`default-sweep-${kib}`, "glibc");
      expect(c.outcome, `${kib} KiB`).toBe("as-expected");
      expect(c.measurements["survived"]).toBe("yes");
    }
  });

  test("musl survives every size with each fix", () => {
    for (const fix of ["fix-explicit-stack", "fix-link-flag"]) {
      for (const kib of SIZES) {
        const c = find(`${fix}-${kib}`, "musl");
        expect(c.outcome, `${fix} at ${kib} KiB`).toBe("fix-verified");
        expect(c.signal).toBeNull();
        expect(Number(c.measurements["stack_kib"])).toBeGreaterThanOrEqual(2048);
      }
    }
  });

  test("the measured musl default is within 120-140 KiB; glibc's is RLIMIT_STACK", () => {
    const musl = find("default-stack", "musl");
    expect(Number(musl.measurements["stack_kib"])).toBeGreaterThanOrEqual(120);
    expect(Number(musl.measurements["stack_kib"])).toBeLessThanOrEqual(140);
    const glibc = find("default-stack", "glibc");
    expect(glibc.measurements["stack_kib"]).toBe(glibc.measurements["rlimit_stack_kib"]);
  });

  test("the survival limit lies between the largest passing and smallest failing sweep size", () => {
    for (const environment of ["glibc", "musl"]) {
      const sweep = SIZES.map((kib) => find(`default-sweep-${kib}`, environment));
      const passing = sweep.filter((c) => c.signal === null).map((c) => c.value!);
      const failing = sweep.filter((c) => c.signal !== null).map((c) => c.value!);
      const search = find("survival-limit", environment);
      const limit = Number(search.measurements["limit"]);
      expect(search.outcome).toBe("as-expected");
      expect(limit).toBeGreaterThanOrEqual(Math.max(...passing));
      if (failing.length > 0) expect(limit).toBeLessThan(Math.min(...failing));
      // to 1 KiB: the first failure is the next KiB up
      expect(Number(search.measurements["first_failure"])).toBe(limit + 1);
      expect(search.measurements["failure"]).toBe("SIGSEGV");
      // Every try is in the report as a run of its own, and they agree with the limit.
      const tries = search.tries ?? [];
      expect(tries.length).toBe(Number(search.measurements["runs"]));
      expect(Math.max(...tries.filter((t) => t.passed).map((t) => t.value))).toBe(limit);
      for (const t of tries) {
        if (t.passed) expect(t.measurements["survived"], `${t.value} KiB`).toBe("yes");
        else expect(t.signal, `${t.value} KiB`).toBe("SIGSEGV");
      }
      expect(tries.find((t) => t.value === limit)?.measurements["requested_kib"]).toBe(
        String(limit),
      );
    }
  });

  test("glibc follows ulimit -s and ignores the link flag: 256 KiB crashes under ulimit -s 256", () => {
    for (const id of ["glibc-small-ulimit", "link-flag-on-glibc"]) {
      expect(find(`${id}-128`, "glibc").outcome).toBe("as-expected");
      expect(find(`${id}-256`, "glibc").signal).toBe("SIGSEGV");
      expect(find(`${id}-128`, "glibc").measurements["stack_kib"]).toBe("256");
    }
  });

  test("nothing unexpected, and no container left behind", async () => {
    const surprises = result.scenarios[0]!.cases.filter(
      (c) => !["as-expected", "expected-failure", "fix-verified"].includes(c.outcome),
    );
    expect(surprises.map((c) => `${c.id}@${c.environment}: ${c.explanation}`)).toEqual([]);
    expect(result.exitStatus).toBe(0);
    expect(await countRunContainers()).toBe(0);
  });
});
