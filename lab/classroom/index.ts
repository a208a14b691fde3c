import { existsSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError, describeIssue } from "../errors.js";
import { C_SRC_DIR } from "../runtime/paths.js";
import type { Scenario } from "../scenarios/schema.js";
import { exerciseScenario } from "./exercise-scenario.js";
import { asciiSlug } from "./exercises/ascii-slug.js";
import { lookupErrors } from "./exercises/lookup-errors.js";
import { optionsAnywhere } from "./exercises/options-anywhere.js";
import { runOnAlpine } from "./exercises/run-on-alpine.js";
import { sortNames } from "./exercises/sort-names.js";
import { workerStack } from "./exercises/worker-stack.js";
import { ExerciseSchema, type Exercise } from "./schema.js";

/** Where the starter files live: in c-src/, beside the probes, where students look. */
export const EXERCISES_DIR = join(C_SRC_DIR, "exercises");

/** Every exercise, in the order of the scenarios they practise. */
const EXERCISE_DATA: unknown[] = [
  runOnAlpine,
  workerStack,
  lookupErrors,
  sortNames,
  asciiSlug,
  optionsAnywhere,
];

/**
 * Parses exercise data once, at the edge: each must name a known scenario and an existing starter
 * file, and its checks must make a valid scenario (so bad patterns are caught here, not mid-run).
 */
export function loadExercises(scenarios: Scenario[], data: unknown[] = EXERCISE_DATA): Exercise[] {
  const exercises: Exercise[] = [];
  for (const [index, raw] of data.entries()) {
    const parsed = ExerciseSchema.safeParse(raw);
    const name = String((raw as { name?: unknown })?.name ?? `#${index + 1}`);
    if (!parsed.success) {
      throw new ConfigurationError(`exercise ${name} is invalid: ${describeIssue(parsed.error)}`);
    }
    const exercise = parsed.data;
    if (exercises.some((e) => e.name === exercise.name)) {
      throw new ConfigurationError(`exercise "${exercise.name}" is defined twice`);
    }
    const scenario = scenarios.find((s) => s.id === exercise.scenario);
    if (!scenario) {
      throw new ConfigurationError(
        `exercise ${name} practises unknown scenario "${exercise.scenario}"`,
      );
    }
    if (!existsSync(join(EXERCISES_DIR, exercise.starter))) {
      throw new ConfigurationError(
        `exercise ${name}: its starter file c-src/exercises/${exercise.starter} does not exist`,
      );
    }
    exerciseScenario(exercise, scenario);
    exercises.push(exercise);
  }
  return exercises;
}
