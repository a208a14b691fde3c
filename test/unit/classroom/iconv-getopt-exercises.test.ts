import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { exerciseScenario, STUDENT_PROBE } from "../../../lab/classroom/exercise-scenario.js";
import { renderExerciseList, renderExerciseTask } from "../../../lab/classroom/exercise-views.js";
import { EXERCISES_DIR, loadExercises } from "../../../lab/classroom/index.js";
import { REPO_ROOT } from "../../../lab/runtime/paths.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";

const scenarios = loadScenarios();
const exercises = loadExercises(scenarios);
const slug = exercises.find((e) => e.name === "ascii-slug")!;
const options = exercises.find((e) => e.name === "options-anywhere")!;

describe("the ascii-slug and options-anywhere exercises", () => {
  test("they practise iconv and getopt, and their starters reproduce the problem", () => {
    expect([slug.scenario, options.scenario]).toEqual(["iconv", "getopt"]);
    const slugStarter = readFileSync(join(EXERCISES_DIR, slug.starter), "utf8");
    expect(slugStarter).toContain('iconv_open("ASCII//TRANSLIT", "UTF-8")');
    const optionsStarter = readFileSync(join(EXERCISES_DIR, options.starter), "utf8");
    expect(optionsStarter).toContain('getopt(argc, argv, "vo:")');
  });

  test("the reference solutions avoid what the lesson warns about", () => {
    const reference = (file: string) =>
      readFileSync(join(REPO_ROOT, "test/fixtures/exercises", file), "utf8");
    expect(reference(slug.starter)).not.toMatch(/TRANSLIT"|iconv_open/);
    expect(reference(options.starter)).toContain('"-vo:"');
  });

  test("ascii-slug: each check wants one slug, with LANG set or unset as its title says", () => {
    const scenario = exerciseScenario(
      slug,
      scenarios.find((s) => s.id === "iconv")!,
    );
    expect(scenario.cases.map((c) => [c.id, c.role, c.build.probe])).toEqual([
      ["slug-en-us", "fix", STUDENT_PROBE],
      ["slug-without-lang", "fix", STUDENT_PROBE],
      ["slug-symbols", "fix", STUDENT_PROBE],
    ]);
    const env = scenario.cases.map((c) => (c.check.kind === "run" ? c.check.env["LANG"] : "?"));
    expect(env).toEqual(["en_US.UTF-8", null, "en_US.UTF-8"]);
    // the glibc image must hold en_US.UTF-8, or the first check would pass for the wrong reason
    expect(scenario.requires?.glibcLocales).toContain("en_US.UTF-8");
    const pattern = new RegExp(scenario.cases[2]!.expect[0]!.stdout![0]!, "m");
    expect(pattern.test("slug=ca-coute-5-tres-cher")).toBe(true);
    expect(pattern.test("slug=ca-coute-5-eur-tres-cher")).toBe(false);
  });

  test("options-anywhere: the patterns take the output literally ('|' and '.' escaped)", () => {
    const scenario = exerciseScenario(
      options,
      scenarios.find((s) => s.id === "getopt")!,
    );
    const between = scenario.cases.find((c) => c.id === "options-between")!;
    const patterns = between.expect[0]!.stdout!.map((p) => new RegExp(p, "m"));
    const right = "verbose=1\nout=out.txt\nfiles=a.txt|b.txt|c.txt\n";
    const musl = "verbose=0\nout=-\nfiles=a.txt|-o|out.txt|b.txt|-v|c.txt\n";
    expect(patterns.every((p) => p.test(right))).toBe(true);
    expect(patterns.some((p) => !p.test(musl))).toBe(true);
    expect(patterns[2]!.test("files=aXtxt|b.txt|c.txt")).toBe(false);
    const posix = scenario.cases.find((c) => c.id === "posixly-correct")!;
    expect(posix.check).toMatchObject({ kind: "run", env: { POSIXLY_CORRECT: "1" } });
  });

  test("the list and the task views show them", () => {
    const list = renderExerciseList(exercises);
    expect(list).toMatch(/^ascii-slug\s+iconv\s+/m);
    expect(list).toMatch(/^options-anywhere\s+getopt\s+/m);
    const task = renderExerciseTask(options, { color: false, width: 100 });
    expect(task).toContain("c-src/exercises/options-anywhere.c");
    expect(task).toContain(
      "npm run lab -- exercise options-anywhere --solution my-options-anywhere.c",
    );
    for (const check of options.checks) expect(task).not.toContain(check.hint.slice(0, 40));
  });
});
