import { z } from "zod";
import { describeStatus } from "../classify/classify.js";
import type { Outcome } from "../classify/outcomes.js";
import { LibcFamilySchema } from "../environments/schema.js";
import type { CaseResult, RunResult } from "../run-result.js";
import { WORK_DIR } from "../runtime/session.js";
import { TOOL_VERSION } from "../version.js";
import { STUDENT_PROBE } from "./exercise-scenario.js";
import type { Exercise } from "./schema.js";

/**
 * The verdict on a student's solution: one entry per check and environment, what was observed,
 * what was wanted and, for each failure, a hint. Defined once as a zod schema: `--format json`
 * prints exactly this, so a teacher can collect a class's results and read them with any tool.
 */

/** Bump when a field changes meaning or disappears. */
export const VERDICT_SCHEMA_VERSION = 1;

export const CHECK_STATUSES = [
  "pass",
  "fail",
  "build-error",
  "timeout",
  "skipped",
  "infra-error",
] as const;
export const CheckStatusSchema = z.enum(CHECK_STATUSES);
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

export const CheckVerdictSchema = z.strictObject({
  /** The exercise's check id. */
  check: z.string(),
  title: z.string(),
  environment: z.string(),
  status: CheckStatusSchema,
  /** What was wanted, in words. */
  wanted: z.string(),
  /** What happened, in words: the exit status and what the program printed, or why it did not run. */
  observed: z.string(),
  /** Each way the run differed from what was wanted (`wanted …, got …`). */
  differences: z.array(z.string()),
  /** A nudge towards the fix when the check did not pass; never the solution. */
  hint: z.string().nullable(),
  /** How the solution was compiled for this check; `output` is the compiler's (paths as given). */
  build: z
    .strictObject({
      command: z.string(),
      exitCode: z.number().int(),
      output: z.string(),
    })
    .nullable(),
  /** The command run in the container, or null when nothing ran. */
  command: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  durationMs: z.number().nonnegative(),
});
export type CheckVerdict = z.infer<typeof CheckVerdictSchema>;

export const ExerciseVerdictSchema = z.strictObject({
  schemaVersion: z.literal(VERDICT_SCHEMA_VERSION),
  kind: z.literal("exercise-verdict"),
  tool: z.strictObject({ name: z.literal("musl-lab"), version: z.string() }),
  exercise: z.string(),
  scenario: z.string(),
  title: z.string(),
  /** The student's file as named on the command line, its size and SHA-256. */
  solution: z.strictObject({
    file: z.string(),
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  startedAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  /** Where the checks ran, as detected inside each container. */
  environments: z.array(
    z.strictObject({
      id: z.string(),
      libc: z.strictObject({ family: LibcFamilySchema, version: z.string() }),
    }),
  ),
  checks: z.array(CheckVerdictSchema),
  summary: z.strictObject({
    passed: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
  /** True only when every check passed in every environment it concerns. */
  passed: z.boolean(),
  /** 0 every check passed; 1 a check failed, did not build, timed out or could not run; 2 infrastructure. */
  exitStatus: z.union([z.literal(0), z.literal(1), z.literal(2)]),
});
export type ExerciseVerdict = z.infer<typeof ExerciseVerdictSchema>;

/** How a case outcome reads as a check: the case's expectation is what the exercise wants. */
const STATUS_OF = {
  "as-expected": "pass",
  "expected-failure": "pass",
  "expected-build-failure": "pass",
  "fix-verified": "pass",
  "unexpected-pass": "fail",
  "unexpected-failure": "fail",
  "build-error": "build-error",
  timeout: "timeout",
  skipped: "skipped",
  "infra-error": "infra-error",
} as const satisfies Record<Outcome, CheckStatus>;

export interface SolutionInfo {
  /** The file as the student named it: compiler messages are shown with this name. */
  file: string;
  bytes: number;
  sha256: string;
}

/**
 * Pure: the verdict on one solution from the run of its exercise scenario (`scenarioId` in `run`,
 * built from `probe`). A check that did not pass, for whatever reason, gets its hint.
 */
export function verdictOf(
  exercise: Exercise,
  run: RunResult,
  solution: SolutionInfo,
  scenarioId: string = exercise.name,
  probe: string = STUDENT_PROBE,
): ExerciseVerdict {
  const cases = run.scenarios.find((s) => s.id === scenarioId)?.cases ?? [];
  const byCheck = new Map(exercise.checks.map((check) => [check.id, check]));
  const rename = (text: string) => text.replaceAll(`${WORK_DIR}/src/${probe}`, solution.file);
  // A file that compiles nowhere has a C problem, not a libc one: the check's hint would mislead.
  const compilesSomewhere = cases.some((c) => c.build?.exitCode === 0);
  const checks = cases.map((c): CheckVerdict => {
    const check = byCheck.get(c.caseId);
    const status = STATUS_OF[c.outcome];
    return {
      check: c.caseId,
      title: c.title,
      environment: c.environment,
      status,
      wanted: check?.wanted ?? c.expected?.because ?? "",
      observed: observedOf(c, rename),
      differences: c.mismatches,
      hint: hintFor(status, check?.hint ?? null, compilesSomewhere),
      build: c.build
        ? {
            command: rename(c.build.command),
            exitCode: c.build.exitCode,
            output: rename(c.build.output),
          }
        : null,
      command: c.command,
      exitCode: c.exitCode,
      signal: c.signal,
      stdout: c.stdout,
      stderr: c.build && c.build.exitCode !== 0 ? "" : c.stderr,
      durationMs: c.durationMs,
    };
  });
  const passed = checks.filter((c) => c.status === "pass").length;
  const exitStatus = checks.some((c) => c.status === "infra-error")
    ? 2
    : passed === checks.length && checks.length > 0
      ? 0
      : 1;
  return {
    schemaVersion: VERDICT_SCHEMA_VERSION,
    kind: "exercise-verdict",
    tool: { name: "musl-lab", version: TOOL_VERSION },
    exercise: exercise.name,
    scenario: exercise.scenario,
    title: exercise.title,
    solution,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    environments: run.environments.map((e) => ({ id: e.id, libc: e.libc })),
    checks,
    summary: { passed, failed: checks.length - passed, total: checks.length },
    passed: exitStatus === 0,
    exitStatus,
  };
}

/** Build errors get the check's hint only where the file compiles for another environment. */
export const DOES_NOT_COMPILE_HINT =
  "Your file does not compile with any C library: read the compiler's first error (the lines " +
  "with `error:`), fix it, and run the same command again.";

function hintFor(status: CheckStatus, hint: string | null, compilesSomewhere: boolean) {
  // Not run, or the lab's own trouble: nothing the student could change.
  if (status === "pass" || status === "skipped" || status === "infra-error") return null;
  if (status === "build-error") {
    return compilesSomewhere
      ? `It compiles with another C library, not with this one. ${hint ?? ""}`.trim()
      : DOES_NOT_COMPILE_HINT;
  }
  return hint;
}

const EXCERPT_LINES = 3;
const EXCERPT_CHARS = 160;

/** What happened, in one line a student can read: status first, then what the program said. */
function observedOf(c: CaseResult, rename: (text: string) => string): string {
  switch (c.outcome) {
    case "build-error":
      return `did not compile (compiler exit ${c.build?.exitCode ?? "?"})`;
    case "skipped":
    case "infra-error":
      return rename(c.explanation);
    case "timeout":
      return `still running after ${c.durationMs} ms: killed`;
  }
  const parts = [describeStatus(c.exitCode, c.signal)];
  if (c.signal === "SIGSEGV") parts[0] += " (a segmentation fault: memory it may not touch)";
  parts.push(`stdout ${excerpt(c.stdout)}`);
  if (c.stderr.trim() !== "") parts.push(`stderr ${excerpt(c.stderr)}`);
  return parts.join(", ");
}

function excerpt(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return "empty";
  const lines = trimmed.split("\n");
  let shown = lines.slice(0, EXCERPT_LINES).join(" ⏎ ");
  if (shown.length > EXCERPT_CHARS) shown = `${shown.slice(0, EXCERPT_CHARS - 1)}…`;
  const more = lines.length > EXCERPT_LINES ? ` (+${lines.length - EXCERPT_LINES} lines)` : "";
  return `"${shown}"${more}`;
}
