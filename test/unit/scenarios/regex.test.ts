import { describe, expect, test } from "vitest";
import { classify, selectExpectation, type Observation } from "../../../lab/classify/classify.js";
import { parseMeasurements } from "../../../lab/classify/measurements.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import { regex } from "../../../lab/scenarios/regex/index.js";
import { ranWith as ranClean } from "./recorded-output.js";

const [scenario] = loadScenarios([regex]);
const caseOf = (id: string) => scenario!.cases.find((c) => c.id === id)!;

const LIBC_OF = {
  glibc: { family: "glibc" as const, version: "2.41" },
  musl: { family: "musl" as const, version: "1.2.5" },
};

/**
 * The probe's real fact lines per `case@environment`, recorded 2026-12 with
 * `npm run lab -- regex --json` on the offline images (glibc 2.41, musl 1.2.5), without the lines
 * that echo its arguments (flavor, pattern, subject). glibc 2.36 and musl 1.2.3 printed the same.
 */
const RECORDED: Record<string, string[]> = {
  "ere-backref@glibc": [
    "re_dup_max=32767",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=1",
    "regexec=match",
    "match.0=0-2",
    "match.0.text=aa",
    "match.1=0-1",
    "match.1.text=a",
  ],
  "ere-backref@musl": [
    "re_dup_max=255",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=1",
    "regexec=nomatch",
  ],
  "ere-backref-literal@glibc": [
    "re_dup_max=32767",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=1",
    "regexec=nomatch",
  ],
  "ere-backref-literal@musl": [
    "re_dup_max=255",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=1",
    "regexec=match",
    "match.0=0-2",
    "match.0.text=a1",
    "match.1=0-1",
    "match.1.text=a",
  ],
  "ere-backref-no-group@glibc": [
    "re_dup_max=32767",
    "regcomp=REG_ESUBREG",
    "regcomp.code=6",
    "regerror=Invalid back reference",
    "regexec=not-compiled",
  ],
  "ere-backref-no-group@musl": [
    "re_dup_max=255",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=1",
    "regexec=match",
    "match.0=0-2",
    "match.0.text=a2",
    "match.1=0-1",
    "match.1.text=a",
  ],
  "bre-backref@glibc": [
    "re_dup_max=32767",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=1",
    "regexec=match",
    "match.0=0-2",
    "match.0.text=aa",
    "match.1=0-1",
    "match.1.text=a",
  ],
  "bre-backref@musl": [
    "re_dup_max=255",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=1",
    "regexec=match",
    "match.0=0-2",
    "match.0.text=aa",
    "match.1=0-1",
    "match.1.text=a",
  ],
  "bre-backref-icase@glibc": [
    "re_dup_max=32767",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=1",
    "regexec=match",
    "match.0=0-2",
    "match.0.text=aA",
    "match.1=0-1",
    "match.1.text=a",
  ],
  "bre-backref-icase@musl": [
    "re_dup_max=255",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=1",
    "regexec=nomatch",
  ],
  "ere-interval@glibc": [
    "re_dup_max=32767",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=match",
    "match.0=1-4",
    "match.0.text=aaa",
  ],
  "ere-interval@musl": [
    "re_dup_max=255",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=match",
    "match.0=1-4",
    "match.0.text=aaa",
  ],
  "bre-interval@glibc": [
    "re_dup_max=32767",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=match",
    "match.0=1-4",
    "match.0.text=aaa",
  ],
  "bre-interval@musl": [
    "re_dup_max=255",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=match",
    "match.0=1-4",
    "match.0.text=aaa",
  ],
  "interval-no-minimum@glibc": [
    "re_dup_max=32767",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=match",
    "match.0=0-3",
    "match.0.text=aaa",
  ],
  "interval-no-minimum@musl": [
    "re_dup_max=255",
    "regcomp=REG_BADBR",
    "regcomp.code=10",
    "regerror=Invalid contents of {}",
    "regexec=not-compiled",
  ],
  "interval-over-dup-max@glibc": [
    "re_dup_max=32767",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=nomatch",
  ],
  "interval-over-dup-max@musl": [
    "re_dup_max=255",
    "regcomp=REG_BADBR",
    "regcomp.code=10",
    "regerror=Invalid contents of {}",
    "regexec=not-compiled",
  ],
  "escape-w@glibc": [
    "re_dup_max=32767",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=match",
    "match.0=0-3",
    "match.0.text=foo",
  ],
  "escape-w@musl": [
    "re_dup_max=255",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=match",
    "match.0=0-3",
    "match.0.text=foo",
  ],
  "escape-word-start@glibc": [
    "re_dup_max=32767",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=match",
    "match.0=4-7",
    "match.0.text=bar",
  ],
  "escape-word-start@musl": [
    "re_dup_max=255",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=match",
    "match.0=4-7",
    "match.0.text=bar",
  ],
  "escape-d@glibc": [
    "re_dup_max=32767",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=nomatch",
  ],
  "escape-d@musl": [
    "re_dup_max=255",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=match",
    "match.0=0-1",
    "match.0.text=5",
  ],
  "escape-t@glibc": [
    "re_dup_max=32767",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=match",
    "match.0=0-3",
    "match.0.text=atb",
  ],
  "escape-t@musl": [
    "re_dup_max=255",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=nomatch",
  ],
  "gnu-buffer-anchor@glibc": [
    "re_dup_max=32767",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=match",
    "match.0=0-1",
    "match.0.text=a",
  ],
  "gnu-buffer-anchor@musl": [
    "re_dup_max=255",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=nomatch",
  ],
  "bsd-word-class@glibc": [
    "re_dup_max=32767",
    "regcomp=REG_ECTYPE",
    "regcomp.code=4",
    "regerror=Invalid character class name",
    "regexec=not-compiled",
  ],
  "bsd-word-class@musl": [
    "re_dup_max=255",
    "regcomp=REG_ECTYPE",
    "regcomp.code=4",
    "regerror=Unknown character class name",
    "regexec=not-compiled",
  ],
  "error-unmatched-paren@glibc": [
    "re_dup_max=32767",
    "regcomp=REG_EPAREN",
    "regcomp.code=8",
    "regerror=Unmatched ( or \\(",
    "regexec=not-compiled",
  ],
  "error-unmatched-paren@musl": [
    "re_dup_max=255",
    "regcomp=REG_EPAREN",
    "regcomp.code=8",
    "regerror=Missing ')'",
    "regexec=not-compiled",
  ],
  "fix-ere-interval@glibc": [
    "re_dup_max=32767",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=1",
    "regexec=match",
    "match.0=0-2",
    "match.0.text=aa",
    "match.1=1-2",
    "match.1.text=a",
  ],
  "fix-ere-interval@musl": [
    "re_dup_max=255",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=1",
    "regexec=match",
    "match.0=0-2",
    "match.0.text=aa",
    "match.1=1-2",
    "match.1.text=a",
  ],
  "fix-digit-class@glibc": [
    "re_dup_max=32767",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=match",
    "match.0=0-1",
    "match.0.text=5",
  ],
  "fix-digit-class@musl": [
    "re_dup_max=255",
    "regcomp=0",
    "regcomp.code=0",
    "re_nsub=0",
    "regexec=match",
    "match.0=0-1",
    "match.0.text=5",
  ],
};

/** A clean exit that printed these lines: what the harness would observe. */
function ranWith(lines: string[]): Observation {
  return ranClean(`${lines.join("\n")}\n`);
}

function verdict(caseId: string, environment: keyof typeof LIBC_OF, lines: string[]) {
  const testCase = caseOf(caseId);
  const expectation = selectExpectation(testCase.expect, LIBC_OF[environment]);
  return classify(testCase.role, expectation, ranWith(lines));
}

const facts = (key: string) => parseMeasurements(`${RECORDED[key]!.join("\n")}\n`);

describe("regex: the probe's real outputs against the scenario's expectations", () => {
  test("every case has a recorded run on glibc and on musl", () => {
    const recorded = Object.keys(RECORDED).sort();
    const wanted = scenario!.cases.flatMap((c) => [`${c.id}@glibc`, `${c.id}@musl`]).sort();
    expect(recorded).toEqual(wanted);
  });

  test("every recorded run classifies as predicted: fixes verified, the rest as expected", () => {
    const surprises = Object.entries(RECORDED).flatMap(([key, lines]) => {
      const [caseId, environment] = key.split("@") as [string, keyof typeof LIBC_OF];
      const wanted = caseOf(caseId).role === "fix" ? "fix-verified" : "as-expected";
      const got = verdict(caseId, environment, lines);
      return got.outcome === wanted ? [] : [`${key}: ${got.outcome} ${got.mismatches.join("; ")}`];
    });
    expect(surprises).toEqual([]);
  });

  test("ERE (a)\\1 compiles on both; glibc matches 'aa', musl matches 'a1'", () => {
    expect(facts("ere-backref@glibc")["regcomp"]).toBe("0");
    expect(facts("ere-backref@musl")["regcomp"]).toBe("0");
    expect(facts("ere-backref@glibc")["match.0.text"]).toBe("aa");
    expect(facts("ere-backref@musl")["regexec"]).toBe("nomatch");
    expect(facts("ere-backref-literal@musl")["match.0.text"]).toBe("a1");
  });

  test("the same REG_* code with different regerror texts", () => {
    const glibc = facts("error-unmatched-paren@glibc");
    const musl = facts("error-unmatched-paren@musl");
    expect([glibc["regcomp"], glibc["regcomp.code"]]).toEqual([
      musl["regcomp"],
      musl["regcomp.code"],
    ]);
    expect(glibc["regerror"]).toBe("Unmatched ( or \\(");
    expect(musl["regerror"]).toBe("Missing ')'");
  });

  test("glibc's output on musl would be an unexpected failure naming what differed", () => {
    const got = verdict("ere-backref", "musl", RECORDED["ere-backref@glibc"]!);
    expect(got.outcome).toBe("unexpected-failure");
    expect(got.mismatches.join("; ")).toMatch(/regexec: wanted nomatch/);
  });

  test("the fixes give the same facts on both libcs (RE_DUP_MAX aside)", () => {
    for (const id of ["bre-backref", "fix-ere-interval", "fix-digit-class"]) {
      const strip = (lines: string[]) => lines.filter((l) => !l.startsWith("re_dup_max="));
      expect(strip(RECORDED[`${id}@musl`]!), id).toEqual(strip(RECORDED[`${id}@glibc`]!));
    }
  });
});
