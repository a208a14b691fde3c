import { readFileSync } from "node:fs";
import { join } from "node:path";
import { classify, selectExpectation, type Observation } from "../../../lab/classify/classify.js";
import type { Outcome } from "../../../lab/classify/outcomes.js";
import { parseMeasurements } from "../../../lab/classify/measurements.js";
import type { LibcFamily } from "../../../lab/environments/schema.js";
import type { CaseResult, RunResult } from "../../../lab/run-result.js";
import { citeSources } from "../../../lab/scenarios/cite-sources.js";
import type { Scenario } from "../../../lab/scenarios/schema.js";
import { SAMPLE_RESULT } from "../../fixtures/run-result.js";

/** The four environments a recorded fixture folder holds, each in its own file. */
export const RECORDED_ENVIRONMENTS = [
  { id: "glibc", file: "glibc-2.41.txt", libc: { family: "glibc" as LibcFamily, version: "2.41" } },
  { id: "musl", file: "musl-1.2.5.txt", libc: { family: "musl" as LibcFamily, version: "1.2.5" } },
  {
    id: "musl-1.2.3",
    file: "musl-1.2.3.txt",
    libc: { family: "musl" as LibcFamily, version: "1.2.3" },
  },
  {
    id: "glibc-2.36",
    file: "glibc-2.36.txt",
    libc: { family: "glibc" as LibcFamily, version: "2.36" },
  },
];
export type RecordedEnvironment = (typeof RECORDED_ENVIRONMENTS)[number];

/**
 * Real probe output cut out of a fixture file (test/fixtures/<scenario>/) by its `### header`
 * line: a case id, or `<case id> stderr`. Null when that run was not recorded (an environment
 * joins only the cases that bring it along).
 */
export function recordedSection(folder: string, file: string, header: string): string | null {
  const text = readFileSync(join(folder, file), "utf8");
  const start = text.indexOf(`### ${header}\n`);
  if (start < 0) return null;
  const body = text.slice(start + header.length + 5);
  const end = body.indexOf("\n### ");
  return end < 0 ? body : body.slice(0, end + 1);
}

/** A clean exit that printed this: what the harness would observe. */
export function ranWith(stdout: string, stderr = ""): Observation {
  return {
    kind: "ran",
    exitCode: 0,
    signal: null,
    stdout,
    stderr,
    timedOut: false,
    durationMs: 5,
    measurements: parseMeasurements(stdout),
  };
}

/** One recorded run of a case that may not build: the probe's output, or the compiler's lines. */
export type RecordedBuild =
  { built: true; stdout: string; stderr: string } | { built: false; output: string };

/**
 * Each recorded run classified against the scenario's expectation for its environment, with the
 * outcome it should have: a failed build an expected build failure, a run as expected (or a
 * verified fix). Empty mismatches and equal outcomes mean the data predicts what was measured.
 */
export function classifyRecorded(
  scenario: Scenario,
  recorded: Record<string, Record<string, RecordedBuild>>,
): { where: string; outcome: Outcome; wanted: Outcome; mismatches: string[] }[] {
  return scenario.cases.flatMap((c) =>
    Object.entries(recorded[c.id] ?? {}).map(([environment, run]) => {
      const libc = RECORDED_ENVIRONMENTS.find((e) => e.id === environment)!.libc;
      const observation: Observation = run.built
        ? ranWith(run.stdout, run.stderr)
        : { kind: "build-failed", output: run.output };
      const verdict = classify(c.role, selectExpectation(c.expect, libc), observation);
      const wanted: Outcome = !run.built
        ? "expected-build-failure"
        : c.role === "fix"
          ? "fix-verified"
          : "as-expected";
      return {
        where: `${c.id} on ${environment}`,
        outcome: verdict.outcome,
        wanted,
        mismatches: verdict.mismatches,
      };
    }),
  );
}

type LibcOf = { id: string; libc: { family: LibcFamily; version: string } };

/**
 * Each case in each environment classified from what its probe printed there (a clean exit), as
 * the lab would: the fields the tables, claims and these tests read; the rest come from the
 * sample result's case. A case with nothing recorded for an environment is left out.
 */
export function recordedCases(
  scenario: Scenario,
  environments: readonly LibcOf[],
  stdoutOf: (caseId: string, environment: string) => string | undefined,
): CaseResult[] {
  return scenario.cases.flatMap((c) =>
    environments.flatMap(({ id, libc }) => {
      const stdout = stdoutOf(c.id, id);
      if (stdout === undefined) return [];
      const expected = selectExpectation(c.expect, libc);
      const verdict = classify(c.role, expected, ranWith(stdout));
      return [
        {
          ...SAMPLE_RESULT.scenarios[0]!.cases[0]!,
          scenario: scenario.id,
          id: c.id,
          caseId: c.id,
          role: c.role,
          environment: id,
          stdout,
          measurements: parseMeasurements(stdout),
          expected,
          outcome: verdict.outcome,
          mismatches: verdict.mismatches,
        },
      ];
    }),
  );
}

/** A RunResult holding this scenario's `cases`, run in `environments`: what the report views read. */
export function recordedResult(
  scenario: Scenario,
  environments: readonly LibcOf[],
  cases: CaseResult[],
): RunResult {
  return {
    ...SAMPLE_RESULT,
    environments: environments.map(({ id, libc }) => ({
      ...SAMPLE_RESULT.environments[libc.family === "glibc" ? 0 : 1]!,
      id,
      libc,
    })),
    scenarios: [
      {
        id: scenario.id,
        title: scenario.title,
        description: scenario.description,
        sources: citeSources(scenario.sources),
        sweeps: {},
        report: scenario.report,
        cases,
      },
    ],
  };
}
