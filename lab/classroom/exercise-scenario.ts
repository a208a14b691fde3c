import { loadScenarios } from "../scenarios/index.js";
import type { Scenario } from "../scenarios/schema.js";
import type { Exercise } from "./schema.js";

/** The file name the student's solution gets in the builder, whatever it was called. */
export const STUDENT_PROBE = "student.c";

/**
 * An exercise as a scenario the lab can run: one case per check, each building `probe` (the
 * student's file) as the check says. Passing a check is a verified fix; the check's `wanted` is
 * the explanation. The lesson's scenario lends its sources and its requirements (the locales a
 * glibc image must hold for the locale exercise to mean anything).
 */
export function exerciseScenario(
  exercise: Exercise,
  lessonScenario: Scenario,
  probe: string = STUDENT_PROBE,
  id: string = exercise.name,
): Scenario {
  const raw = {
    id,
    title: exercise.title,
    summary: exercise.summary,
    description: exercise.task.join("\n\n"),
    sources: lessonScenario.sources,
    ...(lessonScenario.requires ? { requires: lessonScenario.requires } : {}),
    cases: exercise.checks.map((check) => ({
      id: check.id,
      title: check.title,
      role: "fix",
      build: { ...check.build, probe },
      check: { kind: "run", ...check.run },
      expect: check.expect.map((e) => ({ ...e, because: check.wanted })),
    })),
  };
  const [scenario] = loadScenarios([raw]);
  return scenario!;
}
