import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { exerciseScenario, STUDENT_PROBE } from "../../../lab/classroom/exercise-scenario.js";
import { renderExerciseList, renderExerciseTask } from "../../../lab/classroom/exercise-views.js";
import { EXERCISES_DIR, loadExercises } from "../../../lab/classroom/index.js";
import { runOnAlpine } from "../../../lab/classroom/exercises/run-on-alpine.js";
import { workerStack } from "../../../lab/classroom/exercises/worker-stack.js";
import { ConfigurationError } from "../../../lab/errors.js";
import { REPO_ROOT } from "../../../lab/runtime/paths.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";

const scenarios = loadScenarios();
const exercises = loadExercises(scenarios);

describe("exercise data", () => {
  test("one exercise per core scenario, each with a starter and a reference solution", () => {
    expect(exercises.map((e) => [e.name, e.scenario])).toEqual([
      ["run-on-alpine", "hello"],
      ["worker-stack", "thread-stack"],
      ["lookup-errors", "dns"],
      ["sort-names", "locale"],
      ["ascii-slug", "iconv"],
      ["options-anywhere", "getopt"],
    ]);
    for (const e of exercises) {
      const starter = readFileSync(join(EXERCISES_DIR, e.starter), "utf8");
      expect(starter, e.name).toMatch(/TODO/);
      expect(starter, e.name).toContain(`npm run lab -- exercise ${e.name} --solution`);
      expect(existsSync(join(REPO_ROOT, "test/fixtures/exercises", e.starter)), e.name).toBe(true);
    }
  });

  test("every check has a wanted text and a hint, and ids are kebab-case and unique", () => {
    for (const e of exercises) {
      const ids = e.checks.map((c) => c.id);
      expect(new Set(ids).size, e.name).toBe(ids.length);
      for (const check of e.checks) {
        expect(check.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
        expect(check.wanted.length).toBeGreaterThan(10);
        expect(check.hint.length).toBeGreaterThan(20);
      }
    }
  });

  test("an exercise becomes a scenario whose cases build the student's file", () => {
    const worker = exercises.find((e) => e.name === "worker-stack")!;
    const scenario = exerciseScenario(
      worker,
      scenarios.find((s) => s.id === "thread-stack")!,
    );
    expect(scenario.id).toBe("worker-stack");
    expect(scenario.cases.map((c) => [c.id, c.role, c.build.probe, c.build.for])).toEqual([
      ["survives-default-limits", "fix", STUDENT_PROBE, "native"],
      ["survives-small-ulimit", "fix", STUDENT_PROBE, "native"],
    ]);
    expect(scenario.cases[1]!.check).toMatchObject({ kind: "run", limits: { stackKib: 256 } });
    expect(scenario.cases[0]!.expect[0]!.because).toBe(worker.checks[0]!.wanted);
    const sort = exercises.find((e) => e.name === "sort-names")!;
    const locale = scenarios.find((s) => s.id === "locale")!;
    const sortScenario = exerciseScenario(sort, locale, "reference.c", "sort-names-reference");
    expect(sortScenario.id).toBe("sort-names-reference");
    expect(sortScenario.cases[0]!.build.probe).toBe("reference.c");
    // The glibc images must hold the locales the checks set, or the check means nothing.
    expect(sortScenario.requires).toEqual(locale.requires);
  });

  test("invalid exercise data is a one-line configuration error naming the field", () => {
    const load = (data: unknown) => () => loadExercises(scenarios, [data]);
    expect(load({ ...workerStack, name: "Worker Stack" })).toThrow(ConfigurationError);
    expect(load({ ...workerStack, name: "Worker Stack" })).toThrow(
      /^exercise Worker Stack is invalid: name: /,
    );
    expect(load({ ...workerStack, scenario: "nope" })).toThrow(
      'exercise worker-stack practises unknown scenario "nope"',
    );
    expect(load({ ...workerStack, starter: "missing.c" })).toThrow(
      "exercise worker-stack: its starter file c-src/exercises/missing.c does not exist",
    );
    const badPattern = {
      ...workerStack,
      checks: [{ ...workerStack.checks[0], expect: [{ result: "success", stdout: ["("] }] }],
    };
    expect(load(badPattern)).toThrow("invalid pattern /(/");
    const noHint = { ...runOnAlpine, checks: [{ ...runOnAlpine.checks[0], hint: "" }] };
    expect(load(noHint)).toThrow(/checks\.0\.hint/);
    expect(() => loadExercises(scenarios, [workerStack, workerStack])).toThrow(
      'exercise "worker-stack" is defined twice',
    );
  });
});

describe("exercise views", () => {
  test("the list: name, scenario and summary, then how to go on", () => {
    const text = renderExerciseList(exercises);
    expect(text).toMatch(/^run-on-alpine\s+hello\s+whichlibc uses a glibc-only API/m);
    expect(text).toMatch(/^sort-names\s+locale\s+/m);
    expect(text).toContain("npm run lab -- exercise NAME --solution FILE");
  });

  test("the task: what to do, the starter file, what is checked; no hint, no colour", () => {
    const worker = exercises.find((e) => e.name === "worker-stack")!;
    const text = renderExerciseTask(worker, { color: false, width: 100 });
    expect(text).not.toMatch(/\u001b\[/);
    expect(text).toContain("c-src/exercises/worker-stack.c");
    expect(text).toContain("npm run lab -- exercise worker-stack --solution my-worker-stack.c");
    expect(text).toContain("survives-small-ulimit");
    for (const check of worker.checks) expect(text).not.toContain(check.hint.slice(0, 40));
  });
});
