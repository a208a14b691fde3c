import { describe, expect, test } from "vitest";
import { compareWithBaseline } from "../../../lab/compare/baseline-diff.js";
import { mergeBaseline } from "../../../lab/compare/baseline-file.js";
import { exitStatusOf } from "../../../lab/compare/exit-status.js";
import type { RunResult } from "../../../lab/run-result.js";
import { CHECK_RESULT } from "../report/check-fixtures.js";

/** The same check, with one artifact's verdict in one environment changed. */
function withVerdict(result: RunResult, verdict: "runs" | "missing-symbols"): RunResult {
  const copy = structuredClone(result);
  const cell = copy.checks!.artifacts[0]!.cells.find((c) => c.environment === "glibc")!;
  cell.verdict = verdict;
  return copy;
}

describe("check against a baseline", () => {
  test("the same verdicts: nothing changed, and the status is the check's own", () => {
    const compared = compareWithBaseline(
      CHECK_RESULT,
      { file: "b.json", report: CHECK_RESULT, note: null },
      false,
    );
    expect(compared.baseline?.changes).toEqual([]);
    expect(compared.exitStatus).toBe(CHECK_RESULT.exitStatus);
  });

  test("a verdict that changed is a regression: the artifact, the environment, before and after", () => {
    const before = withVerdict(CHECK_RESULT, "runs");
    const now = withVerdict(CHECK_RESULT, "missing-symbols");
    const compared = compareWithBaseline(
      now,
      { file: "b.json", report: before, note: null },
      false,
    );
    const artifact = now.checks!.artifacts[0]!.path;
    expect(compared.baseline?.changes).toEqual([
      expect.objectContaining({
        kind: "outcome-changed",
        scenario: "check",
        id: artifact,
        environment: "glibc",
        before: "runs",
        after: "missing-symbols",
        regression: true,
      }),
    ]);
    expect(compared.exitStatus).toBe(1);
  });

  test("--accept writes the check itself as the baseline, its summary intact", () => {
    const { report } = mergeBaseline(CHECK_RESULT, CHECK_RESULT);
    expect(report.checks).toEqual(CHECK_RESULT.checks);
    expect(report.summary).toEqual(CHECK_RESULT.summary);
  });
});

describe("the check's exit status", () => {
  test("a check that found no ELF file at all is no pass", () => {
    const empty = structuredClone(CHECK_RESULT);
    empty.checks!.artifacts = [];
    empty.scenarios = [];
    expect(exitStatusOf(empty, null)).toBe(1);
  });
});
