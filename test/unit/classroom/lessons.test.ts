import { describe, expect, test } from "vitest";
import { loadExercises } from "../../../lab/classroom/index.js";
import { renderLesson } from "../../../lab/classroom/lesson-view.js";
import { ConfigurationError } from "../../../lab/errors.js";
import { hello } from "../../../lab/scenarios/hello/index.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";

const scenarios = loadScenarios();
const exercises = loadExercises(scenarios);

describe("lesson data", () => {
  test("every core scenario has a lesson: concept, differences with sources, diagnosis, fixes, 3 questions", () => {
    expect(scenarios.map((s) => s.id)).toEqual([
      "hello",
      "thread-stack",
      "dns",
      "locale",
      "iconv",
      "getopt",
      "regex",
      "malloc",
      "qsort",
      "printf",
      "sysconf",
      "headers",
      "strerror",
    ]);
    for (const scenario of scenarios) {
      const lesson = scenario.lesson;
      expect(lesson, scenario.id).toBeDefined();
      expect(lesson!.questions).toHaveLength(3);
      for (const point of lesson!.whyTheyDiffer) expect(point.sources.length).toBeGreaterThan(0);
      for (const fix of lesson!.fixes) expect(fix.whenToChoose.length).toBeGreaterThan(10);
      expect(lesson!.diagnose.length).toBeGreaterThan(0);
    }
  });

  test("the hello lesson names the diagnosis tools the module teaches", () => {
    const tools = scenarios[0]!.lesson!.diagnose.map((d) => d.tool).join(" ");
    for (const tool of ["file", "readelf -l", "ldd", "the lab's ELF reader"]) {
      expect(tools).toContain(tool);
    }
    const gdb = scenarios.find((s) => s.id === "thread-stack")!.lesson!.diagnose;
    expect(gdb.map((d) => d.tool)).toContain("gdb");
  });

  test("a lesson without exactly three questions, or with a fix proven by an unknown case, is refused", () => {
    const lesson = hello.lesson;
    const twoQuestions = {
      ...hello,
      lesson: { ...lesson, questions: lesson.questions.slice(0, 2) },
    };
    expect(() => loadScenarios([twoQuestions])).toThrow(ConfigurationError);
    expect(() => loadScenarios([twoQuestions])).toThrow(
      /^scenario hello is invalid: lesson\.questions: /,
    );
    const unknownCase = {
      ...hello,
      lesson: { ...lesson, fixes: [{ ...lesson.fixes[0]!, provenBy: "no-such-case" }] },
    };
    expect(() => loadScenarios([unknownCase])).toThrow(
      'scenario hello: the lesson\'s fix "Rebuild against musl" names unknown case "no-such-case"',
    );
  });

  test("scenarios without a lesson (test fixtures) still load", () => {
    const { lesson: _lesson, ...withoutLesson } = hello;
    expect(loadScenarios([withoutLesson])[0]?.lesson).toBeUndefined();
  });
});

describe("explain", () => {
  test("the hello lesson, boxed, colour off (snapshot)", async () => {
    const text = renderLesson(scenarios[0]!, exercises, { color: false, width: 100 });
    expect(text).not.toMatch(/\u001b\[/);
    await expect(text).toMatchFileSnapshot("__snapshots__/lesson-hello.txt");
  });

  test("every lesson renders every part, and points at the scenario's exercise", () => {
    for (const scenario of scenarios) {
      const text = renderLesson(scenario, exercises, { color: false, width: 100 });
      for (const heading of [
        "The concept",
        "Why glibc and musl differ",
        "How to diagnose it",
        "Fixes, and when to choose each",
        "Review questions",
      ]) {
        expect(text, scenario.id).toContain(heading);
      }
      // An exercise is optional (docs/extending.md); a scenario that has one is pointed at.
      const exercise = exercises.find((e) => e.scenario === scenario.id);
      if (exercise) expect(text).toContain(`npm run lab -- exercise ${exercise.name}`);
      const lines = text.trimEnd().split("\n");
      expect(new Set(lines.map((l) => [...l].length))).toEqual(new Set([100]));
    }
  });

  test("colour on adds escapes but not a single visible character", () => {
    const plain = renderLesson(scenarios[1]!, exercises, { color: false, width: 90 });
    const colored = renderLesson(scenarios[1]!, exercises, { color: true, width: 90 });
    expect(colored).toMatch(/\u001b\[/);
    expect(colored.replace(/\u001b\[[0-9;]*m/g, "")).toBe(plain);
  });
});
