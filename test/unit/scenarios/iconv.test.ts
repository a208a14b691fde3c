import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { classify, selectExpectation } from "../../../lab/classify/classify.js";
import { parseMeasurements } from "../../../lab/classify/measurements.js";
import { iconv } from "../../../lab/scenarios/iconv/index.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import type { Case } from "../../../lab/scenarios/schema.js";
import {
  RECORDED_ENVIRONMENTS,
  ranWith,
  recordedSection,
  type RecordedEnvironment,
} from "./recorded-output.js";

const FIXTURES = join(import.meta.dirname, "../../fixtures/iconv");
const [scenario] = loadScenarios([iconv]);

const ENVIRONMENTS = RECORDED_ENVIRONMENTS;
const section = (file: string, header: string) => recordedSection(FIXTURES, file, header);

function verdictOf(testCase: Case, environment: RecordedEnvironment, stdout: string) {
  return classify(
    testCase.role,
    selectExpectation(testCase.expect, environment.libc),
    ranWith(stdout),
  );
}

const byId = (id: string) => scenario!.cases.find((c) => c.id === id)!;

describe("iconv: the probe's real outputs against the scenario's expectations", () => {
  test("every recorded case classifies as predicted on glibc 2.41/2.36 and musl 1.2.5/1.2.3", () => {
    const surprises: string[] = [];
    let classified = 0;
    for (const testCase of scenario!.cases) {
      for (const environment of ENVIRONMENTS) {
        const stdout = section(environment.file, testCase.id);
        // musl-1.2.3 and glibc-2.36 join only the cases that bring them along
        if (stdout === null) continue;
        classified++;
        const verdict = verdictOf(testCase, environment, stdout);
        const wanted = testCase.role === "fix" ? "fix-verified" : "as-expected";
        if (verdict.outcome !== wanted)
          surprises.push(`${testCase.id}@${environment.id}: ${verdict.mismatches.join("; ")}`);
      }
    }
    expect(surprises).toEqual([]);
    expect(classified).toBe(scenario!.cases.length * 2 + 3 * 2);
  });

  test("the cases that bring musl 1.2.3 and glibc 2.36 along are the recorded ones", () => {
    const along = scenario!.cases
      .filter((c) => c.check.kind === "run" && c.check.alsoOn.length > 0)
      .map((c) => c.id);
    expect(along).toEqual(["ascii-plain", "translit-c", "charsets"]);
  });

  test("musl's '*' substitution and glibc's EILSEQ, as the probe printed them", () => {
    const musl = parseMeasurements(section("musl-1.2.5.txt", "ascii-plain")!);
    expect(musl).toMatchObject({ ret: "5", errno: "none", out: "caf* * 5 *ok* *" });
    const glibc = parseMeasurements(section("glibc-2.41.txt", "ascii-plain")!);
    expect(glibc).toMatchObject({ ret: "-1", errno: "EILSEQ", consumed: "3", out: "caf" });
  });

  test("cp932 is the one charset that differs between musl 1.2.3 and 1.2.5", () => {
    const old = parseMeasurements(section("musl-1.2.3.txt", "charsets")!);
    const now = parseMeasurements(section("musl-1.2.5.txt", "charsets")!);
    const differ = Object.keys(now).filter((k) => now[k] !== old[k]);
    expect(differ).toEqual(["charset.cp932"]);
  });

  test("the musl 1.2.5 charset table on musl 1.2.3 would be an unexpected failure on cp932", () => {
    const stdout = section("musl-1.2.5.txt", "charsets")!;
    const verdict = verdictOf(byId("charsets"), ENVIRONMENTS[2]!, stdout);
    expect(verdict.outcome).toBe("unexpected-failure");
    expect(verdict.mismatches.join("; ")).toMatch(/^charset\.cp932: wanted none/);
  });

  test("glibc's //TRANSLIT text on musl would not pass: musl must refuse the name", () => {
    const stdout = section("glibc-2.41.txt", "translit-en-us")!;
    const verdict = verdictOf(byId("translit-en-us"), ENVIRONMENTS[1]!, stdout);
    expect(verdict.outcome).toBe("unexpected-failure");
    expect(verdict.mismatches.join("; ")).toMatch(/open: wanted EINVAL/);
  });

  test("both fixes print the same bytes on every recorded libc", () => {
    for (const id of ["fix-own-translit", "fix-fallback-latin1"]) {
      const hexes = ENVIRONMENTS.slice(0, 2).map(
        (e) => parseMeasurements(section(e.file, id)!)["hex"],
      );
      expect(new Set(hexes).size).toBe(1);
    }
  });
});
