import { describe, expect, test } from "vitest";
import type { Outcome } from "../../../lab/classify/outcomes.js";
import { exitStatusOf } from "../../../lab/compare/exit-status.js";
import type { BaselineComparison } from "../../../lab/run-result.js";

const run = (...outcomes: Outcome[]) => ({
  scenarios: [{ cases: outcomes.map((outcome) => ({ outcome })) }],
});

function comparison(regression: boolean, accepted = false): BaselineComparison {
  return {
    file: "baseline.json",
    baselineStartedAt: null,
    accepted,
    changes: [
      {
        kind: regression ? "outcome-changed" : "case-added",
        scenario: "hello",
        id: "greets",
        environment: "musl",
        key: null,
        before: regression ? "as-expected" : null,
        after: "unexpected-failure",
        tolerance: null,
        regression,
      },
    ],
    notCompared: 0,
    note: null,
  };
}

describe("exitStatusOf", () => {
  test("0 when every outcome was predicted", () => {
    expect(
      exitStatusOf(run("as-expected", "expected-failure", "fix-verified", "skipped"), null),
    ).toBe(0);
  });
  test("1 for unexpected results, build errors and timeouts", () => {
    expect(exitStatusOf(run("as-expected", "unexpected-pass"), null)).toBe(1);
    expect(exitStatusOf(run("build-error"), null)).toBe(1);
    expect(exitStatusOf(run("timeout"), null)).toBe(1);
  });
  test("2 when infrastructure failed under a case, whatever the baseline says", () => {
    expect(exitStatusOf(run("unexpected-failure", "infra-error"), null)).toBe(2);
    expect(exitStatusOf(run("infra-error"), comparison(true, true))).toBe(2);
  });
  test("a regression since the baseline fails a clean run, unless it was accepted", () => {
    expect(exitStatusOf(run("as-expected"), comparison(true))).toBe(1);
    expect(exitStatusOf(run("as-expected"), comparison(true, true))).toBe(0);
    expect(exitStatusOf(run("as-expected"), comparison(false))).toBe(0);
  });
});
