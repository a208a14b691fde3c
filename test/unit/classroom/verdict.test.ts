import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadExercises } from "../../../lab/classroom/index.js";
import type { Exercise } from "../../../lab/classroom/schema.js";
import {
  DOES_NOT_COMPILE_HINT,
  ExerciseVerdictSchema,
  verdictOf,
  type SolutionInfo,
} from "../../../lab/classroom/verdict.js";
import { renderVerdict, VERDICT_VIEWS } from "../../../lab/classroom/verdict-views.js";
import { REPO_ROOT } from "../../../lab/runtime/paths.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import {
  RUN_ON_ALPINE_BROKEN_RUN,
  RUN_ON_ALPINE_STARTER_RUN,
  SORT_NAMES_INFRA_RUN,
  WORKER_STACK_SOLVED_RUN,
  WORKER_STACK_STARTER_RUN,
} from "./verdict-fixtures.js";

const exercises = loadExercises(loadScenarios());
const exercise = (name: string) => exercises.find((e) => e.name === name) as Exercise;
const SOLUTION: SolutionInfo = { file: "my-solution.c", bytes: 1234, sha256: "ab".repeat(32) };
const DISPLAY = { color: false, width: 100 };

describe("verdicts from a run", () => {
  test("a crash fails its check with what was seen, what was wanted and the hint", () => {
    const verdict = verdictOf(exercise("worker-stack"), WORKER_STACK_STARTER_RUN, SOLUTION);
    expect(verdict.checks.map((c) => [c.check, c.environment, c.status])).toEqual([
      ["survives-default-limits", "glibc", "pass"],
      ["survives-default-limits", "musl", "fail"],
      ["survives-small-ulimit", "glibc", "timeout"],
    ]);
    const crash = verdict.checks[1]!;
    expect(crash.observed).toMatch(/^killed by SIGSEGV .*stderr "Segmentation fault"$/);
    expect(crash.wanted).toMatch(/checksum=0x82749dc5/);
    expect(crash.hint).toMatch(/thread's stack/);
    expect(crash.differences).toEqual(["wanted success, got killed by SIGSEGV"]);
    expect(verdict.checks[0]!.hint).toBeNull();
    expect(verdict).toMatchObject({
      passed: false,
      exitStatus: 1,
      summary: { passed: 1, failed: 2, total: 3 },
    });
  });

  test("exit status 0 only when every check passes on every environment", () => {
    const verdict = verdictOf(exercise("worker-stack"), WORKER_STACK_SOLVED_RUN, SOLUTION);
    expect(verdict).toMatchObject({ passed: true, exitStatus: 0 });
    expect(verdict.checks.every((c) => c.hint === null)).toBe(true);
  });

  test("a build error carries the compiler's output, under the student's file name", () => {
    const verdict = verdictOf(exercise("run-on-alpine"), RUN_ON_ALPINE_STARTER_RUN, SOLUTION);
    const musl = verdict.checks.find((c) => c.environment === "musl")!;
    expect(musl.status).toBe("build-error");
    expect(musl.observed).toBe("did not compile (compiler exit 1)");
    expect(musl.build?.output).toMatch(/^my-solution\.c:19:10: fatal error: gnu\/libc-version\.h/);
    expect(musl.build?.command).toMatch(/ my-solution\.c$/);
    expect(musl.stderr).toBe("");
    // It compiles for glibc: the problem is the libc, and the check's hint says so.
    expect(musl.hint).toMatch(/^It compiles with another C library, not with this one\. /);
    expect(verdict.exitStatus).toBe(1);
  });

  test("a file that compiles nowhere gets the compiler hint, not the exercise's", () => {
    const verdict = verdictOf(exercise("run-on-alpine"), RUN_ON_ALPINE_BROKEN_RUN, SOLUTION);
    expect(new Set(verdict.checks.map((c) => c.status))).toEqual(new Set(["build-error"]));
    expect(new Set(verdict.checks.map((c) => c.hint))).toEqual(new Set([DOES_NOT_COMPILE_HINT]));
  });

  test("an infrastructure failure is exit status 2; a check that did not run is no pass", () => {
    const verdict = verdictOf(exercise("sort-names"), SORT_NAMES_INFRA_RUN, SOLUTION);
    expect(verdict.checks.map((c) => c.status)).toEqual(["infra-error", "skipped"]);
    expect(verdict.checks.map((c) => c.hint)).toEqual([null, null]);
    expect(verdict.checks[1]!.observed).toMatch(/no musl environment is selected/);
    expect(verdict.exitStatus).toBe(2);
    const skippedOnly = {
      ...SORT_NAMES_INFRA_RUN,
      scenarios: [
        {
          ...SORT_NAMES_INFRA_RUN.scenarios[0]!,
          cases: SORT_NAMES_INFRA_RUN.scenarios[0]!.cases.slice(1),
        },
      ],
    };
    expect(verdictOf(exercise("sort-names"), skippedOnly, SOLUTION).exitStatus).toBe(1);
  });

  test("hints never give the reference solution away", () => {
    for (const e of exercises) {
      const reference = readFileSync(join(REPO_ROOT, "test/fixtures/exercises", e.starter), "utf8");
      // Every line of real code in the reference (not braces, includes or comments).
      const code = reference
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line.length > 24 && !/^(\/\*|\*|#include|\/\/)/.test(line));
      for (const check of e.checks) {
        for (const line of code) expect(check.hint).not.toContain(line);
      }
    }
  });
});

describe("verdict views", () => {
  test("console: one line per check, evidence under each failure, colour off (snapshot)", async () => {
    const text = [WORKER_STACK_STARTER_RUN, WORKER_STACK_SOLVED_RUN]
      .map((run) => renderVerdict(verdictOf(exercise("worker-stack"), run, SOLUTION), DISPLAY))
      .join("\n");
    expect(text).not.toMatch(/\u001b\[/);
    await expect(text).toMatchFileSnapshot("__snapshots__/verdict-worker-stack.txt");
  });

  test("console: a build error shows the compiler's output once (snapshot)", async () => {
    const text = [RUN_ON_ALPINE_STARTER_RUN, RUN_ON_ALPINE_BROKEN_RUN, SORT_NAMES_INFRA_RUN]
      .map((run, index) =>
        renderVerdict(
          verdictOf(exercise(index === 2 ? "sort-names" : "run-on-alpine"), run, SOLUTION),
          DISPLAY,
        ),
      )
      .join("\n");
    await expect(text).toMatchFileSnapshot("__snapshots__/verdict-build-error.txt");
    const broken = renderVerdict(
      verdictOf(exercise("run-on-alpine"), RUN_ON_ALPINE_BROKEN_RUN, SOLUTION),
      DISPLAY,
    );
    expect(broken.match(/fatal error: gnu\/libc-version\.h/g)).toHaveLength(1);
    expect(broken.match(/\(the same compiler output as above\)/g)).toHaveLength(2);
  });

  test("every line of a verdict box has the same width; colour adds no visible character", () => {
    const verdict = verdictOf(exercise("worker-stack"), WORKER_STACK_STARTER_RUN, SOLUTION);
    const plain = renderVerdict(verdict, { color: false, width: 90 });
    expect(
      new Set(
        plain
          .trimEnd()
          .split("\n")
          .map((l) => [...l].length),
      ),
    ).toEqual(new Set([90]));
    const colored = renderVerdict(verdict, { color: true, width: 90 });
    expect(colored).toMatch(/\u001b\[/);
    expect(colored.replace(/\u001b\[[0-9;]*m/g, "")).toBe(plain);
  });

  test("json: the verdict as its schema describes it, one document on stdout", () => {
    const verdict = verdictOf(exercise("run-on-alpine"), RUN_ON_ALPINE_STARTER_RUN, SOLUTION);
    const parsed = ExerciseVerdictSchema.parse(JSON.parse(VERDICT_VIEWS.json(verdict, DISPLAY)));
    expect(parsed).toEqual(verdict);
    expect(parsed).toMatchObject({
      kind: "exercise-verdict",
      exercise: "run-on-alpine",
      solution: SOLUTION,
      environments: [
        { id: "glibc", libc: { family: "glibc", version: "2.41" } },
        { id: "musl", libc: { family: "musl", version: "1.2.5" } },
      ],
    });
  });
});
