import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { classify, selectExpectation } from "../../../lab/classify/classify.js";
import { parseMeasurements } from "../../../lab/classify/measurements.js";
import { getopt } from "../../../lab/scenarios/getopt/index.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import type { Case } from "../../../lab/scenarios/schema.js";
import {
  RECORDED_ENVIRONMENTS,
  ranWith,
  recordedSection,
  type RecordedEnvironment,
} from "./recorded-output.js";

const FIXTURES = join(import.meta.dirname, "../../fixtures/getopt");
const [scenario] = loadScenarios([getopt]);

const ENVIRONMENTS = RECORDED_ENVIRONMENTS;
const section = (file: string, header: string) => recordedSection(FIXTURES, file, header);

function verdictOf(testCase: Case, environment: RecordedEnvironment, file = environment.file) {
  const stdout = section(file, testCase.id)!;
  const stderr = section(file, `${testCase.id} stderr`) ?? "";
  return classify(
    testCase.role,
    selectExpectation(testCase.expect, environment.libc),
    ranWith(stdout, stderr),
  );
}

const byId = (id: string) => scenario!.cases.find((c) => c.id === id)!;

describe("getopt: the probe's real outputs against the scenario's expectations", () => {
  test("every recorded case classifies as predicted", () => {
    const surprises: string[] = [];
    let classified = 0;
    for (const testCase of scenario!.cases) {
      for (const environment of ENVIRONMENTS) {
        // musl-1.2.3 and glibc-2.36 join only the case that brings them along
        if (section(environment.file, testCase.id) === null) continue;
        classified++;
        const verdict = verdictOf(testCase, environment);
        const wanted = testCase.role === "fix" ? "fix-verified" : "as-expected";
        if (verdict.outcome !== wanted)
          surprises.push(`${testCase.id}@${environment.id}: ${verdict.mismatches.join("; ")}`);
      }
    }
    expect(surprises).toEqual([]);
    expect(classified).toBe(scenario!.cases.length * 2 + 2);
  });

  test("glibc's permuted result on musl would be an unexpected failure naming the operands", () => {
    const verdict = verdictOf(byId("permute"), ENVIRONMENTS[1]!, "glibc-2.41.txt");
    expect(verdict.outcome).toBe("unexpected-failure");
    expect(verdict.mismatches.join("; ")).toMatch(/opts: wanted \(none\)/);
  });

  test("the error messages differ in words, and the case checks them", () => {
    expect(section("glibc-2.41.txt", "unknown-option stderr")).toMatch(/invalid option -- 'x'/);
    expect(section("musl-1.2.5.txt", "unknown-option stderr")).toMatch(/unrecognized option: x/);
    const swapped = classify(
      "demonstration",
      selectExpectation(byId("unknown-option").expect, ENVIRONMENTS[1]!.libc),
      ranWith(
        section("musl-1.2.5.txt", "unknown-option")!,
        section("glibc-2.41.txt", "unknown-option stderr")!,
      ),
    );
    expect(swapped.outcome).toBe("unexpected-failure");
  });

  test("every fix gives the same options and operands on glibc and musl", () => {
    for (const testCase of scenario!.cases.filter((c) => c.role === "fix")) {
      const [glibc, musl] = ENVIRONMENTS.slice(0, 2).map((e) =>
        parseMeasurements(section(e.file, testCase.id)!),
      );
      expect({ id: testCase.id, opts: musl!["opts"], operands: musl!["operands"] }).toEqual({
        id: testCase.id,
        opts: glibc!["opts"],
        operands: glibc!["operands"],
      });
    }
  });
});
