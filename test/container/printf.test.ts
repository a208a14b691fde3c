import { beforeAll, describe, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { caseFinder, countRunContainers, runScenario } from "./helpers.js";

let result: RunResult;
const find = caseFinder(() => result, "printf");

beforeAll(async () => {
  result = await runScenario("printf");
});

describe("printf, run for real on glibc, musl and musl 1.2.3", () => {
  test('the real printf prints "(null)" on every libc; the folded call dies on every libc', () => {
    for (const environment of ["glibc", "musl", "musl-1.2.3"]) {
      const claim = find("null-claim", environment);
      expect(claim.measurements["real.result"], environment).toBe("exit 0");
      expect(claim.measurements["folded.result"], environment).toBe("SIGSEGV");
    }
    for (const environment of ["glibc", "musl"]) {
      const folded = find("null-folded-puts", environment);
      expect(folded.signal, environment).toBe("SIGSEGV");
      expect(folded.outcome, environment).toBe("expected-failure");
      expect(find("null-real-printf", environment).stdout).toMatch(/^\(null\)$/m);
    }
  });

  test('%.3s of NULL: nothing on glibc, "(nu" on musl', () => {
    expect(find("null-string", "glibc").measurements["null.precision3"]).toBe("||");
    expect(find("null-string", "musl").measurements["null.precision3"]).toBe("|(nu|");
  });

  test("%m of errno 0: 'Success' on glibc, 'No error information' on musl", () => {
    expect(find("percent-m", "glibc").measurements["m.zero"]).toBe("Success");
    expect(find("percent-m", "musl").measurements["m.zero"]).toBe("No error information");
  });

  test("what musl 1.2.5 changed: %lc of L'\\0' and snprintf with n > INT_MAX", () => {
    expect(result.environments.find((e) => e.id === "musl-1.2.3")?.libc.version).toBe("1.2.3");
    expect(find("lc-nul", "musl-1.2.3").measurements["lc_nul.return"]).toBe("2");
    expect(find("lc-nul", "musl").measurements["lc_nul.return"]).toBe("3");
    expect(find("snprintf-big-n", "musl-1.2.3").measurements["big_n.errno"]).toBe("EOVERFLOW");
    expect(find("snprintf-big-n", "musl").measurements["big_n.return"]).toBe("3");
    expect(find("snprintf-big-n", "glibc").measurements["big_n.return"]).toBe("3");
  });

  test("every case as predicted, and no container left behind", async () => {
    const surprises = result.scenarios[0]!.cases.filter(
      (c) => !["as-expected", "expected-failure", "fix-verified"].includes(c.outcome),
    );
    expect(surprises.map((c) => `${c.id}@${c.environment}: ${c.explanation}`)).toEqual([]);
    expect(result.exitStatus).toBe(0);
    expect(await countRunContainers()).toBe(0);
  });
});
