import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { exerciseScenario } from "../../lab/classroom/exercise-scenario.js";
import { EXERCISES_DIR, loadExercises } from "../../lab/classroom/index.js";
import type { Exercise } from "../../lab/classroom/schema.js";
import {
  DOES_NOT_COMPILE_HINT,
  ExerciseVerdictSchema,
  verdictOf,
  type ExerciseVerdict,
} from "../../lab/classroom/verdict.js";
import type { RunResult } from "../../lab/run-result.js";
import { runLab } from "../../lab/run-lab.js";
import { C_SRC_DIR, REPO_ROOT } from "../../lab/runtime/paths.js";
import { loadScenarios } from "../../lab/scenarios/index.js";
import { labStderr, runCli } from "../cli-runner.js";
import { countRunContainers } from "./helpers.js";

/**
 * Every exercise, for real, on glibc 2.41 and musl 1.2.5: the unchanged starter must fail its
 * checks, the reference solution (test/fixtures/exercises/, out of the students' way) must pass
 * them all, and a file that does not compile must give a build-error verdict with the compiler's
 * output. All of it in one runLab call: each solution is a scenario of its own, built from its own
 * file name, so the builds run in parallel and share the containers.
 */
const REFERENCES = join(REPO_ROOT, "test/fixtures/exercises");
const BROKEN = "does-not-compile.c";
const scenarios = loadScenarios();
const exercises = loadExercises(scenarios);
const solutions = exercises.flatMap((exercise) => [
  { exercise, kind: "starter", from: join(EXERCISES_DIR, exercise.starter) },
  { exercise, kind: "reference", from: join(REFERENCES, exercise.starter) },
  { exercise, kind: "broken", from: join(REFERENCES, BROKEN) },
]);
const probeOf = (exercise: Exercise, kind: string) => `${kind}-${exercise.starter}`;
const idOf = (exercise: Exercise, kind: string) => `${exercise.name}-${kind}`;

let run: RunResult;
const verdicts = new Map<string, ExerciseVerdict>();
const verdict = (name: string, kind: string) => verdicts.get(`${name}-${kind}`)!;

beforeAll(async () => {
  const folder = mkdtempSync(join(tmpdir(), "musl-lab-classroom-"));
  for (const s of solutions) copyFileSync(s.from, join(folder, probeOf(s.exercise, s.kind)));
  run = await runLab({
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
    const file = `${s.kind}.c`;
    verdicts.set(
      idOf(s.exercise, s.kind),
      verdictOf(
        s.exercise,
        run,
        { file, bytes: 1, sha256: "0".repeat(64) },
        idOf(s.exercise, s.kind),
        probeOf(s.exercise, s.kind),
      ),
    );
  }
});

const summary = (v: ExerciseVerdict) =>
  v.checks.map((c) => `${c.check}@${c.environment}=${c.status}`).sort();

describe.each(exercises.map((e) => e.name))("exercise %s", (name) => {
  test("the reference solution passes every check on glibc and musl (exit status 0)", () => {
    const v = verdict(name, "reference");
    const failures = v.checks.filter((c) => c.status !== "pass");
    expect(failures.map((c) => `${c.check}@${c.environment}: ${c.observed}`)).toEqual([]);
    expect(new Set(v.checks.map((c) => c.environment))).toEqual(new Set(["glibc", "musl"]));
    expect(v).toMatchObject({ passed: true, exitStatus: 0 });
    expect(() => ExerciseVerdictSchema.parse(v)).not.toThrow();
  });

  test("a file that does not compile: a build error on every check, with the compiler's output", () => {
    const v = verdict(name, "broken");
    expect(v).toMatchObject({ passed: false, exitStatus: 1 });
    expect(v.checks.length).toBeGreaterThan(0);
    for (const c of v.checks) {
      expect(c.status, `${c.check}@${c.environment}`).toBe("build-error");
      expect(c.build?.output).toMatch(/error: 'checksum' undeclared/);
      expect(c.hint).toMatch(/does not compile with any C library/);
    }
  });

  test("the unchanged starter fails, on musl at least, with a hint for each failure", () => {
    const v = verdict(name, "starter");
    expect(v).toMatchObject({ passed: false, exitStatus: 1 });
    const failed = v.checks.filter((c) => c.status !== "pass");
    expect(failed.some((c) => c.environment === "musl")).toBe(true);
    for (const c of failed) expect(c.hint, c.check).toBeTruthy();
  });
});

// iconv's and getopt's starters fail on musl whatever the check: musl refuses //TRANSLIT, and its
// getopt stops at the first operand every check puts before an option.
describe.each(["ascii-slug", "options-anywhere"])("exercise %s on musl", (name) => {
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
  test("run-on-alpine: builds for glibc, does not compile for musl (compiler output kept)", () => {
    expect(summary(verdict("run-on-alpine", "starter"))).toEqual([
      "reports-its-libc@glibc=pass",
      "reports-its-libc@musl=build-error",
      "static-musl-on-ubuntu@glibc=build-error",
    ]);
    const musl = verdict("run-on-alpine", "starter").checks.find((c) => c.environment === "musl")!;
    expect(musl.build?.output).toMatch(/^starter\.c:\d+:\d+: fatal error: gnu\/libc-version\.h/m);
    expect(musl.hint).toMatch(/^It compiles with another C library/);
  });

  test("worker-stack: SIGSEGV on musl, and on glibc under ulimit -s 256", () => {
    const v = verdict("worker-stack", "starter");
    expect(summary(v)).toEqual([
      "survives-default-limits@glibc=pass",
      "survives-default-limits@musl=fail",
      "survives-small-ulimit@glibc=fail",
    ]);
    for (const c of v.checks.filter((x) => x.status === "fail")) {
      expect(c.signal).toBe("SIGSEGV");
      expect(c.observed).toMatch(/^killed by SIGSEGV/);
    }
  });

  test("lookup-errors: glibc's texts classify right, musl's are 'unknown'", () => {
    const v = verdict("lookup-errors", "starter");
    for (const c of v.checks) {
      const wanted = c.environment === "glibc" || c.check === "dead-first-server" ? "pass" : "fail";
      expect(`${c.check}@${c.environment}=${c.status}`).toBe(
        `${c.check}@${c.environment}=${wanted}`,
      );
    }
    const servers = v.checks.find((c) => c.check === "servers-down" && c.environment === "musl")!;
    expect(servers.stdout).toMatch(/^status=unknown error=Try again$/m);
    expect(servers.exitCode).toBe(70);
  });

  test("sort-names: dictionary order on glibc under en_US/de_DE, byte order otherwise", () => {
    expect(summary(verdict("sort-names", "starter"))).toEqual([
      "order-de-de@glibc=pass",
      "order-de-de@musl=fail",
      "order-en-us@glibc=pass",
      "order-en-us@musl=fail",
      "order-without-lang@glibc=fail",
      "order-without-lang@musl=fail",
    ]);
    const musl = verdict("sort-names", "starter").checks.find(
      (c) => c.check === "order-en-us" && c.environment === "musl",
    )!;
    expect(musl.stdout.trim()).toBe(
      "order=Banana|Ost|Zürich|apple|cherry|zebra|Äpfel|Ångström|Öl|éclair",
    );
  });
});

test("a file that does not compile: a build-error verdict with the compiler's output", () => {
  const v = verdict("worker-stack", "broken");
  expect(v).toMatchObject({ passed: false, exitStatus: 1 });
  expect(new Set(v.checks.map((c) => c.status))).toEqual(new Set(["build-error"]));
  for (const c of v.checks) {
    expect(c.observed).toBe("did not compile (compiler exit 1)");
    expect(c.build?.exitCode).toBe(1);
    expect(c.build?.output).toMatch(/^broken\.c:\d+:\d+: error: 'checksum' undeclared/m);
    expect(c.hint).toBe(DOES_NOT_COMPILE_HINT);
    expect(c.command).toBeNull();
  }
});

test("nothing is left running", async () => {
  expect(run.scenarios).toHaveLength(solutions.length);
  expect(await countRunContainers()).toBe(0);
});

describe("npm run lab -- exercise NAME --solution FILE", () => {
  test("a passing solution, --format json: the verdict alone on stdout, exit 0", async () => {
    const file = join(REFERENCES, "worker-stack.c");
    const result = await runCli([
      "exercise",
      "worker-stack",
      "--solution",
      file,
      "--format",
      "json",
    ]);
    expect(result.exitCode, labStderr(String(result.stderr))).toBe(0);
    const parsed = ExerciseVerdictSchema.parse(JSON.parse(String(result.stdout)));
    expect(parsed).toMatchObject({ exercise: "worker-stack", passed: true, exitStatus: 0 });
    expect(parsed.solution.file).toBe(file);
    expect(parsed.checks).toHaveLength(3);
  });

  test("a file that does not compile: the verdict box with the compiler's output, exit 1", async () => {
    // Relative to the checkout, as a student types it: the compiler names the file as given, so the
    // box (which wraps long lines) reads the same however deep the checkout lies.
    const file = relative(REPO_ROOT, join(REFERENCES, BROKEN));
    const result = await runCli(["exercise", "worker-stack", "--solution", file]);
    expect(result.exitCode).toBe(1);
    const stdout = String(result.stdout);
    expect(stdout).not.toMatch(/\u001b\[/);
    expect(stdout).toMatch(/^╭─ exercise worker-stack: /);
    expect(stdout).toMatch(/✗ survives-default-limits on musl \[BUILD ERROR\]: /);
    expect(stdout).toMatch(
      /│ {7}\| test\/fixtures\/exercises\/does-not-compile\.c:5:31: error: 'checksum' undeclared/,
    );
    expect(stdout).toMatch(/Not yet: 3 of 3 checks did not pass/);
  });

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
});
