import { Chalk } from "chalk";
import { box } from "../report/box.js";
import type { ConsoleOptions } from "../report/console.js";
import { citeSources } from "../scenarios/cite-sources.js";
import type { Scenario } from "../scenarios/schema.js";
import { hanging } from "./hanging.js";
import type { Exercise } from "./schema.js";

/**
 * `npm run lab -- explain <scenario>`: the scenario's lesson as one box, from the scenario's own
 * data (the cases that prove each fix are named by id, as in the report). Nothing runs.
 */
export function renderLesson(
  scenario: Scenario,
  exercises: Exercise[],
  options: ConsoleOptions,
): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = Math.max(60, options.width);
  const inner = width - 4;
  const lesson = scenario.lesson;
  const lines: string[] = [c.dim(scenario.description), ""];
  /** `prefix` first, then `text` wrapped so that continuation lines align under its start. */
  const item = (prefix: string, text: string, style: (s: string) => string = (s) => s) => {
    lines.push(...hanging(prefix, text, inner).map((line) => style(line)));
  };
  const heading = (text: string) => lines.push(c.bold(text));
  const run = `npm run lab -- ${scenario.id}`;
  if (lesson) {
    heading("The concept");
    for (const paragraph of lesson.concept) {
      item("  ", paragraph);
      lines.push("");
    }
    heading("Why glibc and musl differ");
    for (const point of lesson.whyTheyDiffer) {
      item("  • ", point.text);
      item("    sources: ", citeSources(scenario.sources, point.sources).join(" · "), c.dim);
    }
    lines.push("");
    heading("How to diagnose it");
    for (const step of lesson.diagnose) {
      item("  • ", `${step.tool}${step.command ? `: ${step.command}` : ""}`);
      item("    ", step.shows);
    }
    lines.push("");
    heading("Fixes, and when to choose each");
    lesson.fixes.forEach((fix, index) => {
      const number = `  ${index + 1}. `;
      item(number, `${fix.fix}: ${fix.how}`);
      item(`${" ".repeat(number.length)}when: `, fix.whenToChoose);
      const proof = fix.provenBy ? scenario.cases.find((x) => x.id === fix.provenBy) : undefined;
      if (proof) {
        item(`${" ".repeat(number.length)}proven by: `, `case ${proof.id} in \`${run}\``, c.dim);
      }
    });
    lines.push("");
    heading("Review questions");
    lesson.questions.forEach((question, index) => item(`  ${index + 1}. `, question));
    lines.push("");
  } else {
    lines.push("This scenario has no lesson yet.", "");
  }
  heading("Practise");
  item("  See it measured: ", run);
  for (const exercise of exercises.filter((e) => e.scenario === scenario.id)) {
    item("  Exercise: ", `npm run lab -- exercise ${exercise.name} (${exercise.title})`);
  }
  lines.push("");
  item("Sources: ", citeSources(scenario.sources).join(" · "), c.dim);
  return `${box(`lesson ${scenario.id}: ${scenario.title}`.slice(0, width - 8), lines, width)}\n`;
}
