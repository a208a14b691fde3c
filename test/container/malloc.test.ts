import { beforeAll, describe, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { caseFinder, countRunContainers, runScenario } from "./helpers.js";

let result: RunResult;
const find = caseFinder(() => result, "malloc");

beforeAll(async () => {
  result = await runScenario("malloc");
});

describe("malloc, run for real on glibc and musl (musl 1.2.3 and glibc 2.36 join two cases)", () => {
  test("the versions that joined are the ones the expectations name", () => {
    const version = (id: string) => result.environments.find((e) => e.id === id)?.libc.version;
    expect([version("musl-1.2.3"), version("glibc-2.36")]).toEqual(["1.2.3", "2.36"]);
  });

  test("malloc(0) is a unique non-NULL pointer on both; its usable size is 24 vs 0", () => {
    for (const [environment, usable] of [
      ["glibc", "24"],
      ["musl", "0"],
    ] as const) {
      const c = find("malloc-zero", environment);
      expect(c.measurements["malloc0.null"], environment).toBe("no");
      expect(c.measurements["malloc0.distinct"], environment).toBe("yes");
      expect(c.measurements["malloc0.usable"], environment).toBe(usable);
    }
  });

  test("realloc(p, 0): NULL on both glibcs, the same pointer again on both musls", () => {
    for (const environment of ["glibc", "glibc-2.36"]) {
      expect(find("realloc-zero", environment).measurements["realloc0.null"]).toBe("yes");
    }
    for (const environment of ["musl", "musl-1.2.3"]) {
      const c = find("realloc-zero", environment);
      expect(c.measurements["realloc0.null"], environment).toBe("no");
      expect(c.measurements["realloc0.same_pointer"], environment).toBe("yes");
    }
  });

  test("malloc_usable_size(malloc(25)) is 40 on glibc and 25 on musl", () => {
    expect(find("usable-size", "glibc").measurements["usable.25"]).toBe("40");
    expect(find("usable-size", "musl").measurements["usable.25"]).toBe("25");
  });

  test("malloc_trim and mallinfo2 exist on glibc only; malloc_usable_size everywhere", () => {
    for (const [environment, has] of [
      ["glibc", "yes"],
      ["glibc-2.36", "yes"],
      ["musl", "no"],
      ["musl-1.2.3", "no"],
    ] as const) {
      const c = find("glibc-malloc-api", environment);
      expect(c.measurements["has.malloc_trim"], environment).toBe(has);
      expect(c.measurements["has.mallinfo2"], environment).toBe(has);
      expect(c.measurements["has.malloc_usable_size"], environment).toBe("yes");
    }
  });

  test("the portable fix builds and gives realloc(p, 0) one meaning on both", () => {
    for (const environment of ["glibc", "musl"]) {
      const c = find("portable-fix", environment);
      expect(c.outcome, environment).toBe("fix-verified");
      expect(c.measurements["realloc0.null"], environment).toBe("yes");
    }
  });

  test("every case as predicted, and no container left behind", async () => {
    const surprises = result.scenarios[0]!.cases.filter(
      (c) => !["as-expected", "fix-verified"].includes(c.outcome),
    );
    expect(surprises.map((c) => `${c.id}@${c.environment}: ${c.explanation}`)).toEqual([]);
    expect(result.exitStatus).toBe(0);
    expect(await countRunContainers()).toBe(0);
  });
});
