/**
 * The scenario pages in docs/scenarios/: one Markdown page per scenario, rendered from the same
 * data the lab runs (cases, builds, checks, expectations per libc, report, lesson, exercise), so
 * the documentation cannot drift from what `npm run lab` does. `npm run docs` writes them;
 * test/unit/docs/scenario-pages.test.ts fails when the committed pages are stale.
 */
import { join } from "node:path";
import { format, resolveConfig } from "prettier";
import { loadExercises } from "../classroom/index.js";
import type { Exercise, ExerciseCheck } from "../classroom/schema.js";
import { REPO_ROOT } from "../runtime/paths.js";
import { citeSources } from "../scenarios/cite-sources.js";
import { loadScenarios } from "../scenarios/index.js";
import type {
  Build,
  Case,
  Check,
  DnsFixture,
  Expectation,
  MeasurementExpectation,
  Scenario,
} from "../scenarios/schema.js";

/** Where the generated pages live (committed). */
export const SCENARIO_PAGES_DIR = join(REPO_ROOT, "docs", "scenarios");

/** The index page of docs/scenarios/, generated with the others. */
export const SCENARIO_INDEX_PAGE = "README.md";

const GENERATED_NOTE =
  "<!-- Generated from the scenario data (lab/scenarios/) by `npm run docs`; do not edit. " +
  "A unit test fails when this page is stale. -->";

/** One public source an expectation rests on, under the key the scenario declares it by. */
export interface PageSource {
  key?: string;
  text: string;
}

/** What a page reads from a scenario beyond its plain fields. */
export interface ScenarioParts {
  sources: PageSource[];
  cases: Case[];
}

/** The one place that knows how a scenario holds its sources (declared once, by key) and cases. */
export function scenarioParts(scenario: Scenario): ScenarioParts {
  return {
    sources: Object.entries(scenario.sources).map(([key, source]) => ({
      key,
      text: citeSources({ [key]: source })[0]!,
    })),
    cases: scenario.cases,
  };
}

/**
 * Every page of docs/scenarios/, file name -> content, formatted as Prettier formats the
 * repository (so `npm run format` never makes a committed page look stale).
 */
export async function renderScenarioPages(
  scenarios: Scenario[] = loadScenarios(),
  exercises: Exercise[] = loadExercises(scenarios),
): Promise<Map<string, string>> {
  const pages = new Map<string, string>();
  pages.set(SCENARIO_INDEX_PAGE, renderScenarioIndex(scenarios, exercises));
  for (const scenario of scenarios) {
    const practice = exercises.filter((e) => e.scenario === scenario.id);
    pages.set(`${scenario.id}.md`, renderScenarioPage(scenario, practice));
  }
  const options = (await resolveConfig(join(SCENARIO_PAGES_DIR, SCENARIO_INDEX_PAGE))) ?? {};
  for (const [name, markdown] of pages) {
    pages.set(name, await format(markdown, { ...options, parser: "markdown" }));
  }
  return pages;
}

/** docs/scenarios/README.md: every scenario with its summary, and its exercises. */
export function renderScenarioIndex(scenarios: Scenario[], exercises: Exercise[]): string {
  const lines = [
    GENERATED_NOTE,
    "",
    "# Scenarios",
    "",
    "Every scenario `npm run lab` runs, in the order it runs them. Each page is generated from " +
      "the scenario's data: its cases with their builds, checks and expectations per libc, what " +
      "its report shows, its lesson and its exercise. What the lab measured with them is in " +
      "[What the scenarios show](../findings.md); how to add one is in " +
      "[Extending the lab](../extending.md).",
    "",
    "| scenario | what it shows | cases | exercise |",
    "| --- | --- | --- | --- |",
  ];
  for (const scenario of scenarios) {
    const practice = exercises
      .filter((e) => e.scenario === scenario.id)
      .map((e) => `[${code(e.name)}](${scenario.id}.md#exercise-${e.name})`);
    lines.push(
      row([
        `[${code(scenario.id)}](${scenario.id}.md)`,
        scenario.summary,
        String(scenarioParts(scenario).cases.length),
        practice.join(", ") || "none",
      ]),
    );
  }
  return lines.join("\n") + "\n";
}

/** One scenario's page. */
export function renderScenarioPage(scenario: Scenario, exercises: Exercise[]): string {
  const { sources, cases } = scenarioParts(scenario);
  const out: string[] = [GENERATED_NOTE, "", `# ${code(scenario.id)}: ${scenario.title}`, ""];
  out.push(`_${scenario.summary}_`, "", scenario.description, "");
  out.push("```sh", `npm run lab -- ${scenario.id}`, `npm run lab -- explain ${scenario.id}`);
  for (const e of exercises) out.push(`npm run lab -- exercise ${e.name}`);
  out.push("```", "");
  out.push(
    "What the lab measured with it, against popular claims: " +
      "[What the scenarios show](../findings.md).",
    "",
  );
  const facts: string[] = [];
  if (scenario.exclusiveRuns) {
    facts.push("Its cases measure time: every run waits for the previous one (`exclusiveRuns`).");
  }
  const locales = scenario.requires?.glibcLocales ?? [];
  if (locales.length > 0) {
    facts.push(
      `The glibc images must hold the generated locales ${locales.map(code).join(", ")}; ` +
        "without them its glibc cases are infra-errors.",
    );
  }
  if (facts.length > 0) out.push(...facts.map((f) => `- ${f}`), "");

  out.push("## Cases", "", "| case | role | title |", "| --- | --- | --- |");
  for (const c of cases) out.push(row([`[${code(c.id)}](#${c.id})`, c.role, c.title]));
  out.push("");
  for (const c of cases) out.push(...renderCase(c));

  out.push(...renderReportSpec(scenario));
  if (scenario.lesson) out.push(...renderLesson(scenario));
  for (const e of exercises) out.push(...renderExercise(e));

  out.push("## Sources", "");
  for (const s of sources) out.push(`- ${s.key ? `${s.key}: ` : ""}${s.text}`);
  out.push("");
  return out.join("\n");
}

function renderCase(c: Case): string[] {
  const out = [`### ${c.id}`, "", `${c.title} (${c.role}).`, ""];
  out.push(`- build: ${describeBuild(c.build)}`);
  out.push(...describeCheck(c.check).map((line) => `- ${line}`));
  if (c.sweep) {
    out.push(`- sweep: ${c.sweep.values.join(", ")} ${c.sweep.unit} (\`{value}\` in the args)`);
  }
  if (c.repeat > 1) out.push(`- repeat: ${c.repeat} runs (min/median/max of numeric facts)`);
  out.push("", "Expected, the first that fits the environment:", "");
  for (const e of c.expect) out.push(...describeExpectation(e));
  out.push("");
  if (c.note) out.push(`Note: ${c.note}`, "");
  return out;
}

function describeBuild(build: Build): string {
  const target = build.for === "native" ? "each environment's own libc" : build.for;
  const flags = build.flags.length > 0 ? `, flags ${build.flags.map(code).join(" ")}` : "";
  return `${code(`c-src/${build.probe}`)} for ${target}, ${build.link}${flags}`;
}

function describeCheck(check: Check): string[] {
  if (check.kind === "elf") return ["check: read the binary with the lab's ELF reader"];
  const where = check.on === "every" ? "every environment" : `the ${check.on} environments`;
  const lines = [
    `check: ${check.kind === "search" ? "search" : "run"} on ${where}` +
      (check.feature ? ` with ${check.feature}` : "") +
      (check.args.length > 0 ? `, args ${check.args.map(code).join(" ")}` : ""),
  ];
  const env = Object.entries(check.env);
  if (env.length > 0) {
    const shown = env.map(([name, value]) =>
      value === null ? `${code(name)} unset` : code(`${name}=${value}`),
    );
    lines.push(`environment variables: ${shown.join(", ")}`);
  }
  if (check.limits) lines.push(`limits: ${code(`ulimit -s ${check.limits.stackKib}`)}`);
  lines.push(`time limit: ${check.timeoutMs} ms`);
  if (check.alsoOn.length > 0) lines.push(`also on: ${check.alsoOn.map(code).join(", ")}`);
  if (check.kind === "search") {
    const s = check.search;
    lines.push(
      `search: the largest passing value from ${s.from} up to ${s.max} ${s.unit}, to ` +
        `${s.resolution} ${s.unit}` +
        (s.hintKey ? `, seeded by the probe's ${code(s.hintKey)}` : ""),
    );
  }
  if (check.kind === "run" && check.dns) lines.push(...describeDns(check.dns));
  return lines;
}

function describeDns(dns: DnsFixture): string[] {
  const lines = [
    `DNS fixture on ${dns.listen.map(code).join(", ")}; resolv.conf: ` +
      dns.resolvConf.map(code).join(", "),
  ];
  const records = dns.records.map((r) => code(`${r.name} ${r.type} ${r.address}`));
  const many = dns.many.map((m) => code(`${m.name}: ${m.count} A records, ${m.truncation}`));
  if (records.length + many.length > 0) lines.push(`answers: ${[...records, ...many].join(", ")}`);
  const rules = dns.rules.map((r) =>
    code(`${r.server} ${r.name} ${r.action}${r.delayMs === undefined ? "" : ` ${r.delayMs} ms`}`),
  );
  if (rules.length > 0) lines.push(`misbehaviour (server name action): ${rules.join(", ")}`);
  return lines;
}

function describeWhen(when: Expectation["when"]): string {
  if (!when) return "any libc";
  const parts = [when.family ?? "any libc"];
  if (when.version) parts.push(when.version);
  if (when.value) {
    const { min, max } = when.value;
    if (min !== undefined && max !== undefined) parts.push(`for values ${min} to ${max}`);
    else if (max !== undefined) parts.push(`for values up to ${max}`);
    else if (min !== undefined) parts.push(`for values from ${min}`);
  }
  return parts.join(" ");
}

/** An expectation as a list item with its details nested. */
function describeExpectation(e: Omit<Expectation, "because"> & { because?: string }): string[] {
  const observed: string[] = [
    e.result === "build-failure" ? "the build fails (nothing runs)" : e.result,
  ];
  if (e.exitCode !== undefined) observed.push(`exit ${e.exitCode}`);
  if (e.signal) observed.push(e.signal);
  const out = [`- ${describeWhen(e.when)}: ${observed.join(", ")}`];
  for (const p of e.stdout ?? []) out.push(`  - stdout matches ${code(`/${p}/`)}`);
  for (const p of e.stderr ?? []) out.push(`  - stderr matches ${code(`/${p}/`)}`);
  for (const p of e.output ?? []) out.push(`  - the compiler's output matches ${code(`/${p}/`)}`);
  for (const [key, want] of Object.entries(e.measurements ?? {})) {
    out.push(`  - ${code(key)} ${describeMeasurement(want)}`);
  }
  if (e.because) out.push(`  - because: ${e.because}`);
  return out;
}

function describeMeasurement(want: MeasurementExpectation): string {
  if (typeof want === "string") return `= ${code(want)}`;
  if ("pattern" in want) return `matches ${code(`/${want.pattern}/`)}`;
  if ("sameAs" in want) return `equals ${code(want.sameAs)}`;
  const bounds = [
    ...(want.min === undefined ? [] : [`>= ${want.min}`]),
    ...(want.max === undefined ? [] : [`<= ${want.max}`]),
  ];
  return bounds.join(" and ");
}

function renderReportSpec(scenario: Scenario): string[] {
  const { tables, claims, advice } = scenario.report;
  if (tables.length + claims.length + advice.length === 0) return [];
  const out = ["## What the report shows", ""];
  for (const t of tables) {
    out.push(`### Table: ${t.title}`, "", "| row | fact |", "| --- | --- |");
    for (const r of t.rows) {
      const minus = r.minus ? ` minus ${code(`${r.minus.case} ${r.minus.key}`)}` : "";
      out.push(row([r.label, `${code(`${r.case} ${r.key}`)}${minus}`]));
    }
    out.push("");
    if (t.note) out.push(t.note, "");
  }
  if (claims.length > 0) {
    out.push(
      "### Claims checked",
      "",
      "| claim | measured by | holds when |",
      "| --- | --- | --- |",
    );
    for (const c of claims) {
      const on = c.family ? ` (${c.family})` : "";
      out.push(
        row([c.claim, `${code(`${c.case} ${c.key}`)}${on}`, describeMeasurement(c.holdsWhen)]),
      );
    }
    out.push("");
  }
  if (advice.length > 0) {
    out.push("### What to do", "");
    for (const a of advice) {
      const backing = [
        ...(a.evidence ? [`backed by ${code(a.evidence)}`] : []),
        ...(a.measured ? [`measured by ${code(`${a.measured.case} ${a.measured.key}`)}`] : []),
      ];
      out.push(`- ${a.text}${backing.length > 0 ? ` (${backing.join("; ")})` : ""}`);
    }
    out.push("");
  }
  return out;
}

function renderLesson(scenario: Scenario): string[] {
  const lesson = scenario.lesson;
  if (!lesson) return [];
  const out = ["## Lesson", "", `Also shown by ${code(`npm run lab -- explain ${scenario.id}`)}.`];
  out.push("", "### Concept", "", ...lesson.concept.flatMap((p) => [p, ""]));
  out.push("### Why glibc and musl differ", "");
  for (const point of lesson.whyTheyDiffer) {
    out.push(
      `- ${point.text}`,
      ...point.sources.map(
        (key) => `  - source: ${citeSources(scenario.sources, [key])[0] ?? key}`,
      ),
    );
  }
  out.push("", "### How to diagnose it", "");
  for (const step of lesson.diagnose) {
    const command = step.command ? ` (${code(step.command)})` : "";
    out.push(`- **${step.tool}**${command}: ${step.shows}`);
  }
  out.push("", "### Fixes", "");
  for (const fix of lesson.fixes) {
    const proof = fix.provenBy ? ` Proven by [${code(fix.provenBy)}](#${fix.provenBy}).` : "";
    out.push(`- **${fix.fix}**: ${fix.how} When: ${fix.whenToChoose}${proof}`);
  }
  out.push("", "### Review questions", "", ...lesson.questions.map((q, i) => `${i + 1}. ${q}`));
  out.push("");
  return out;
}

function renderExercise(exercise: Exercise): string[] {
  const out = [`## Exercise: ${exercise.name}`, "", `**${exercise.title}**: ${exercise.summary}.`];
  out.push("", ...exercise.task.flatMap((p) => [p, ""]));
  out.push(
    `Starter: ${code(`c-src/exercises/${exercise.starter}`)}. Check a solution with ` +
      `${code(`npm run lab -- exercise ${exercise.name} --solution FILE`)}; ` +
      "see [Classroom](../classroom.md#exercises).",
    "",
    "| check | run | wanted |",
    "| --- | --- | --- |",
  );
  for (const check of exercise.checks) {
    out.push(row([`${code(check.id)}: ${check.title}`, describeExerciseRun(check), check.wanted]));
  }
  out.push("");
  return out;
}

function describeExerciseRun(check: ExerciseCheck): string {
  const { build, run } = check;
  const parts = [run.on === "every" ? "every environment" : run.on];
  if (build.for !== "native" || build.link !== "dynamic")
    parts.push(`built ${build.for} ${build.link}`);
  if (build.flags.length > 0) parts.push(`flags ${build.flags.map(code).join(" ")}`);
  if (run.args.length > 0) parts.push(`args ${run.args.map(code).join(" ")}`);
  for (const [name, value] of Object.entries(run.env)) {
    parts.push(value === null ? `${code(name)} unset` : code(`${name}=${value}`));
  }
  if (run.limits) parts.push(code(`ulimit -s ${run.limits.stackKib}`));
  if (run.dns) parts.push("a DNS fixture");
  return parts.join(", ");
}

/** Inline code that survives any backticks inside. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A table row: pipes inside cells (code spans included, as GFM wants) are escaped. */
function row(cells: string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, "\\|").replace(/\n/g, " ")).join(" | ")} |`;
}
