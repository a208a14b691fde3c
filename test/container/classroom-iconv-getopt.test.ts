import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { exerciseScenario } from "../../lab/classroom/exercise-scenario.js";
import { EXERCISES_DIR, loadExercises } from "../../lab/classroom/index.js";
import type { Exercise } from "../../lab/classroom/schema.js";
import {
  ExerciseVerdictSchema,
  verdictOf,
  type ExerciseVerdict,
} from "../../lab/classroom/verdict.js";
import { runLab } from "../../lab/run-lab.js";
import { C_SRC_DIR, REPO_ROOT } from "../../lab/runtime/paths.js";
import { loadScenarios } from "../../lab/scenarios/index.js";
import { labStderr, runCli } from "../cli-runner.js";
import { countRunContainers } from "./helpers.js";

/**
 * The ascii-slug (iconv) and options-anywhere (getopt) exercises for real on glibc 2.41 and musl
 * 1.2.5: the unchanged starter fails where the scenario says it must, the reference solution
 * (test/fixtures/exercises/) passes every check, as test/container/classroom.test.ts does for the
 * first four exercises; and a student's fix is checked through the CLI.
 */
const NAMES = ["ascii-slug", "options-anywhere"];
const REFERENCES = join(REPO_ROOT, "test/fixtures/exercises");
const scenarios = loadScenarios();
const exercises = loadExercises(scenarios).filter((e) => NAMES.includes(e.name));
const solutions = exercises.flatMap((exercise) => [
  { exercise, kind: "starter", from: join(EXERCISES_DIR, exercise.starter) },
  { exercise, kind: "reference", from: join(REFERENCES, exercise.starter) },
]);
const probeOf = (exercise: Exercise, kind: string) => `${kind}-${exercise.starter}`;
const idOf = (exercise: Exercise, kind: string) => `${exercise.name}-${kind}`;

const verdicts = new Map<string, ExerciseVerdict>();
const verdict = (name: string, kind: string) => verdicts.get(`${name}-${kind}`)!;
const summary = (v: ExerciseVerdict) =>
  v.checks.map((c) => `${c.check}@${c.environment}=${c.status}`).sort();

beforeAll(async () => {
  const folder = mkdtempSync(join(tmpdir(), "musl-lab-classroom-"));
  for (const s of solutions) copyFileSync(s.from, join(folder, probeOf(s.exercise, s.kind)));
  const run = await runLab({
    scenarios: solutions.map((s) =>
      exerciseScenario(
        s.exercise,
        scenarios.find((x) => x.id === s.exercise.scenario)!,
        probeOf(s.exercise, s.kind),
        idOf(s.exercise, s.kind),
      ),
    ),
    environmentIds: ["glibc", "musl"],
    images: "auto",
    log: () => undefined,
    sourceDirs: [C_SRC_DIR, folder],
  });
  for (const s of solutions) {
    verdicts.set(
      idOf(s.exercise, s.kind),
      verdictOf(
        s.exercise,
        run,
        { file: `${s.kind}.c`, bytes: 1, sha256: "0".repeat(64) },
        idOf(s.exercise, s.kind),
        probeOf(s.exercise, s.kind),
      ),
    );
  }
});

describe.each(NAMES)("exercise %s", (name) => {
  test("the reference solution passes every check on glibc and musl (exit status 0)", () => {
    const v = verdict(name, "reference");
    const failures = v.checks.filter((c) => c.status !== "pass");
    expect(failures.map((c) => `${c.check}@${c.environment}: ${c.observed}`)).toEqual([]);
    expect(new Set(v.checks.map((c) => c.environment))).toEqual(new Set(["glibc", "musl"]));
    expect(v).toMatchObject({ passed: true, exitStatus: 0 });
  });

  test("the unchanged starter fails every check on musl, each with a hint", () => {
    const v = verdict(name, "starter");
    expect(v).toMatchObject({ passed: false, exitStatus: 1 });
    const musl = v.checks.filter((c) => c.environment === "musl");
    expect(musl.length).toBeGreaterThan(0);
    for (const c of musl) {
      expect(c.status, c.check).toBe("fail");
      expect(c.hint, c.check).toBeTruthy();
    }
  });
});

describe("what each starter shows", () => {
  test("ascii-slug: glibc's //TRANSLIT works under en_US only; musl refuses the charset", () => {
    expect(summary(verdict("ascii-slug", "starter"))).toEqual([
      "slug-en-us@glibc=pass",
      "slug-en-us@musl=fail",
      "slug-symbols@glibc=fail",
      "slug-symbols@musl=fail",
      "slug-without-lang@glibc=fail",
      "slug-without-lang@musl=fail",
    ]);
    const checks = verdict("ascii-slug", "starter").checks;
    const musl = checks.find((c) => c.check === "slug-en-us" && c.environment === "musl")!;
    expect(musl.stderr).toContain("iconv_open: Invalid argument");
    const glibc = (check: string) =>
      checks.find((c) => c.check === check && c.environment === "glibc")!.stdout.trim();
    expect(glibc("slug-without-lang")).toBe("slug=d-j-vu");
    expect(glibc("slug-symbols")).toBe("slug=ca-coute-5-eur-tres-cher");
  });

  test("options-anywhere: glibc permutes (unless POSIXLY_CORRECT), musl stops at the file", () => {
    expect(summary(verdict("options-anywhere", "starter"))).toEqual([
      "double-dash@glibc=pass",
      "double-dash@musl=fail",
      "options-between@glibc=pass",
      "options-between@musl=fail",
      "options-last@glibc=pass",
      "options-last@musl=fail",
      "posixly-correct@glibc=fail",
      "posixly-correct@musl=fail",
    ]);
    const musl = verdict("options-anywhere", "starter").checks.find(
      (c) => c.check === "options-last" && c.environment === "musl",
    )!;
    expect(musl.stdout).toContain("files=in.txt|-v|-o|out.txt");
  });
});

describe("npm run lab -- exercise NAME --solution FILE", () => {
  test("a student's getopt_long fix passes on musl but not on glibc under POSIXLY_CORRECT", async () => {
    const folder = mkdtempSync(join(tmpdir(), "musl-lab-student-"));
    const file = join(folder, "getopt-long.c");
    const starter = join(EXERCISES_DIR, "options-anywhere.c");
    const text = readFileSync(starter, "utf8")
      .replace("#include <unistd.h>", "#include <getopt.h>\n#include <unistd.h>")
      // the comment at the top names the call too: replace every occurrence
      .replaceAll('getopt(argc, argv, "vo:")', 'getopt_long(argc, argv, "vo:", NULL, NULL)');
    writeFileSync(file, text);
    const result = await runCli([
      "exercise",
      "options-anywhere",
      "--solution",
      file,
      "--format",
      "json",
    ]);
    expect(result.exitCode, labStderr(String(result.stderr))).toBe(1);
    const v = ExerciseVerdictSchema.parse(JSON.parse(String(result.stdout)));
    expect(v.solution.file).toBe(file);
    const failed = v.checks
      .filter((c) => c.status !== "pass")
      .map((c) => `${c.check}@${c.environment}`);
    expect(failed).toEqual(["posixly-correct@glibc"]);
  });

  test("nothing is left running", async () => {
    expect(await countRunContainers()).toBe(0);
  });
});
