import { Chalk } from "chalk";
import { box } from "../report/box.js";
import type { ConsoleOptions } from "../report/console.js";
import { hanging } from "./hanging.js";
import type { Exercise } from "./schema.js";

/** `npm run lab -- exercise`: one line per exercise, then how to open one. */
export function renderExerciseList(exercises: Exercise[]): string {
  const lines = exercises.map((e) => `${e.name.padEnd(16)} ${e.scenario.padEnd(14)} ${e.summary}`);
  return [
    ...lines,
    "",
    "Show one: npm run lab -- exercise NAME",
    "Check a solution: npm run lab -- exercise NAME --solution FILE",
    "",
  ].join("\n");
}

/** `npm run lab -- exercise NAME`: the task, the starter file and what will be checked. */
export function renderExerciseTask(exercise: Exercise, options: ConsoleOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = Math.max(60, options.width);
  const starter = `c-src/exercises/${exercise.starter}`;
  const copy = `my-${exercise.starter}`;
  const inner = width - 4;
  const lines = [
    c.dim(`practises scenario ${exercise.scenario}: npm run lab -- explain ${exercise.scenario}`),
    "",
    c.bold("Task"),
    ...exercise.task.flatMap((paragraph) => [...hanging("  ", paragraph, inner), ""]),
    c.bold("Starter file"),
    `  ${starter}  (the TODO at its top says what to do)`,
    "",
    c.bold("What the checks want"),
    ...exercise.checks.flatMap((check) => [
      `  • ${c.bold(check.id)}: ${check.title}`,
      ...hanging("    wanted: ", check.wanted, inner),
    ]),
    "",
    c.bold("How to check your solution"),
    `  cp ${starter} ${copy}`,
    `  # edit ${copy}, then:`,
    `  npm run lab -- exercise ${exercise.name} --solution ${copy}`,
    ...hanging(
      "  ",
      "Builds your file in every environment (default glibc,musl), runs every check and gives " +
        "a verdict per check, with a hint for each failure. Exit status 0 only when all pass.",
      inner,
    ).map((line) => c.dim(line)),
  ];
  return `${box(`exercise ${exercise.name}: ${exercise.title}`.slice(0, width - 8), lines, width)}\n`;
}
