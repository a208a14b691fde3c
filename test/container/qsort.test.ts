import { beforeAll, describe, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { MUSL_STABLE_UP_TO, STABLE_ORDER_FNV } from "../../lab/scenarios/qsort/cases.js";
import { caseFinder, countRunContainers, runScenario } from "./helpers.js";

let result: RunResult;
const find = caseFinder(() => result, "qsort");

beforeAll(async () => {
  result = await runScenario("qsort");
});

describe("qsort, run for real on glibc 2.41, glibc 2.36 and musl", () => {
  test("glibc 2.36 joins the run (alsoOn)", () => {
    expect(result.environments.find((e) => e.id === "glibc-2.36")?.libc.version).toBe("2.36");
  });

  test("both glibc versions keep equal keys in input order up to 100 000 records", () => {
    for (const environment of ["glibc", "glibc-2.36"]) {
      for (const value of [9, 1000, 100_000]) {
        const c = find(`equal-keys-${value}`, environment);
        expect(c.measurements["inversions"], `${environment} ${value}`).toBe("0");
      }
    }
  });

  test("musl keeps input order up to 8 records and breaks it from 9", () => {
    expect(find(`equal-keys-${MUSL_STABLE_UP_TO}`, "musl").measurements["stable"]).toBe("yes");
    const above = find(`equal-keys-${MUSL_STABLE_UP_TO + 1}`, "musl");
    expect(above.measurements["stable"]).toBe("no");
    expect(Number(find("equal-keys-1000", "musl").measurements["inversions"])).toBeGreaterThan(0);
  });

  test("the printed order differs on musl; the tie-breaker gives one order everywhere", () => {
    expect(find("printed-order", "glibc").measurements["order_fnv"]).toBe(STABLE_ORDER_FNV);
    expect(find("printed-order", "musl").measurements["order_fnv"]).not.toBe(STABLE_ORDER_FNV);
    for (const environment of ["glibc", "glibc-2.36", "musl"]) {
      const fix = find("fix-tiebreak", environment);
      expect(fix.outcome, environment).toBe("fix-verified");
      expect(fix.measurements["order_fnv"], environment).toBe(STABLE_ORDER_FNV);
    }
  });

  test("every case as predicted, and no container left behind", async () => {
    const surprises = result.scenarios[0]!.cases.filter(
      (c) => c.outcome !== "as-expected" && c.outcome !== "fix-verified",
    );
    expect(surprises.map((c) => `${c.id}@${c.environment}: ${c.explanation}`)).toEqual([]);
    expect(result.exitStatus).toBe(0);
    expect(await countRunContainers()).toBe(0);
  });
});
