import { beforeAll, describe, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { caseFinder, countRunContainers, runScenario } from "./helpers.js";

let result: RunResult;
const find = caseFinder(() => result, "regex");

beforeAll(async () => {
  result = await runScenario("regex");
});

describe("regex, run for real on glibc and musl", () => {
  test("ERE (a)\\1 compiles on both: a back-reference on glibc, the digit 1 on musl", () => {
    for (const environment of ["glibc", "musl"]) {
      expect(find("ere-backref", environment).measurements["regcomp"], environment).toBe("0");
    }
    expect(find("ere-backref", "glibc").measurements["match.0.text"]).toBe("aa");
    expect(find("ere-backref", "musl").measurements["regexec"]).toBe("nomatch");
    expect(find("ere-backref-literal", "musl").measurements["match.0.text"]).toBe("a1");
    expect(find("ere-backref-literal", "glibc").measurements["regexec"]).toBe("nomatch");
  });

  test("regcomp's codes and regerror's texts as each libc prints them", () => {
    const glibc = find("ere-backref-no-group", "glibc").measurements;
    expect([glibc["regcomp"], glibc["regerror"]]).toEqual([
      "REG_ESUBREG",
      "Invalid back reference",
    ]);
    expect(find("ere-backref-no-group", "musl").measurements["regcomp"]).toBe("0");
    const musl = find("interval-no-minimum", "musl").measurements;
    expect([musl["regcomp"], musl["regerror"]]).toEqual(["REG_BADBR", "Invalid contents of {}"]);
    expect(find("error-unmatched-paren", "glibc").measurements["regerror"]).toBe(
      "Unmatched ( or \\(",
    );
    expect(find("error-unmatched-paren", "musl").measurements["regerror"]).toBe("Missing ')'");
  });

  test("RE_DUP_MAX is 32767 on glibc and 255 on musl", () => {
    expect(find("interval-over-dup-max", "glibc").measurements["re_dup_max"]).toBe("32767");
    expect(find("interval-over-dup-max", "musl").measurements["re_dup_max"]).toBe("255");
  });

  test("the fixes match the same text at the same offsets on both libcs", () => {
    for (const id of ["bre-backref", "fix-ere-interval", "fix-digit-class"]) {
      const glibc = find(id, "glibc");
      const musl = find(id, "musl");
      expect([glibc.outcome, musl.outcome], id).toEqual(["fix-verified", "fix-verified"]);
      expect(musl.measurements["match.0"], id).toBe(glibc.measurements["match.0"]);
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
