import { z } from "zod";
import { CheckReportSchema } from "./check/check-result.js";
import { OUTCOMES, type Outcome } from "./classify/outcomes.js";
import {
  DetectedEnvironmentSchema,
  ImageModeSchema,
  type DetectedEnvironment,
} from "./environments/schema.js";
import { BuildRecordSchema, type BuildRecord } from "./runtime/build-record.js";
import { CaseRoleSchema, ExpectationSchema, ReportSpecSchema } from "./scenarios/schema.js";

/**
 * The RunResult: everything one run saw, and the only thing reporters look at. It is defined once,
 * here, as a zod schema; the TypeScript types are inferred from it, the JSON report is checked
 * against it before it is written, and `npm run schema` publishes it as
 * lab/report/run-result.schema.json for the pipelines that read the reports.
 */

/** Bump when a field changes meaning or disappears; adding a field does not need it. */
export const SCHEMA_VERSION = 1;

export const OutcomeSchema = z.enum(OUTCOMES);

const COUNT = z.number().int().nonnegative();
const MILLISECONDS = z.number().nonnegative();

// Declared where they are made (the build cache stores build records, detection fills in the
// environments) so the runtime never imports from here; re-exported as parts of the RunResult.
export { BuildRecordSchema, type BuildRecord };
export { DetectedEnvironmentSchema, type DetectedEnvironment };

/** One case in one environment: everything observed, what was predicted, and the verdict. */
export const CaseResultSchema = z.strictObject({
  /** The scenario id. */
  scenario: z.string(),
  /** Unique in the scenario: the case id, or `<case id>-<value>` for one value of a sweep. */
  id: z.string(),
  /** The case in the scenario's data this result comes from. */
  caseId: z.string(),
  /** The sweep's value for this run, or null when the case does not sweep. */
  value: z.number().nullable(),
  title: z.string(),
  role: CaseRoleSchema,
  /** Where it ran (or would have run, when skipped). */
  environment: z.string(),
  /** Where the binary was compiled, or null when it never was. */
  builtIn: z.string().nullable(),
  build: BuildRecordSchema.nullable(),
  /** The command line run in the container, or null when nothing ran. */
  command: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  /** The signal that killed the probe (`SIGSEGV`), or null. */
  signal: z.string().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  durationMs: MILLISECONDS,
  /** The probe's `key=value` facts (and the lab's own: search limits, medians of repeats). */
  measurements: z.record(z.string(), z.string()),
  /** The expectation that applied, or null when none did (skipped, infra errors). */
  expected: ExpectationSchema.nullable(),
  outcome: OutcomeSchema,
  /** Why: the scenario's reason when predicted, what differed when not, the skip reason. */
  explanation: z.string(),
  /** Every difference from the expectation, one line each (`wanted …, got …`). */
  mismatches: z.array(z.string()),
  /** Extra teaching text from the scenario. */
  note: z.string().nullable(),
  /** What reached the DNS fixture, one condensed line per query (DNS cases only). */
  queryLog: z.array(z.string()).optional(),
  /** Every run of a search (each its own process), in the order tried (search cases only). */
  tries: z
    .array(
      z.strictObject({
        /** The value substituted for `{value}`. */
        value: z.number(),
        /** Survived: exit 0 and no signal. */
        passed: z.boolean(),
        exitCode: z.number().int().nullable(),
        signal: z.string().nullable(),
        timedOut: z.boolean(),
        durationMs: MILLISECONDS,
        /** The probe's `key=value` facts of this run. */
        measurements: z.record(z.string(), z.string()),
      }),
    )
    .optional(),
});
export type CaseResult = z.infer<typeof CaseResultSchema>;

export const ScenarioResultSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  sources: z.array(z.string()),
  /** Sweeps in this scenario: case id -> unit and values, so reports can draw value-by-environment tables. */
  sweeps: z.record(z.string(), z.strictObject({ unit: z.string(), values: z.array(z.number()) })),
  /** Tables, claims and advice the scenario asks reports to show (see ReportSpecSchema). */
  report: ReportSpecSchema,
  cases: z.array(CaseResultSchema),
});
export type ScenarioResult = z.infer<typeof ScenarioResultSchema>;

const outcomeCounts = Object.fromEntries(OUTCOMES.map((o) => [o, COUNT])) as Record<
  Outcome,
  typeof COUNT
>;
/**
 * How many cases ended with each outcome, and how many there were. Reports written before the
 * `expected-build-failure` outcome existed have no count for it: they read as 0, so an older
 * baseline still compares (an additive change, same schema version).
 */
export const SummaryCountsSchema = z.strictObject({
  ...outcomeCounts,
  "expected-build-failure": COUNT.default(0),
  total: COUNT,
});
export type SummaryCounts = z.infer<typeof SummaryCountsSchema>;

/** The summary of a list of outcomes (a run's cases, a check's cells). */
export function countOutcomes(outcomes: readonly Outcome[]): SummaryCounts {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as SummaryCounts;
  counts.total = outcomes.length;
  for (const o of outcomes) counts[o] += 1;
  return counts;
}

export const BASELINE_CHANGE_KINDS = [
  "outcome-changed",
  "case-missing",
  "case-added",
  "measurement-moved",
] as const;

/** One difference between this run and the baseline report, for one case in one environment. */
export const BaselineChangeSchema = z.strictObject({
  /**
   * `outcome-changed` and `case-missing` are regressions; `case-added` and `measurement-moved`
   * (beyond its tolerance) are listed for a human to judge.
   */
  kind: z.enum(BASELINE_CHANGE_KINDS),
  scenario: z.string(),
  /** Case id (with the sweep value) as in the case results. */
  id: z.string(),
  environment: z.string(),
  /** The measurement's key for `measurement-moved`, null otherwise. */
  key: z.string().nullable(),
  /** The outcome or measurement in the baseline; null when the case or key was not there. */
  before: z.string().nullable(),
  /** The outcome or measurement now; null when the case or key is gone. */
  after: z.string().nullable(),
  /** The tolerance the measurement was compared with, in words (`±5%`), null otherwise. */
  tolerance: z.string().nullable(),
  /** True when this change makes the run fail (exit status 1) unless it is accepted. */
  regression: z.boolean(),
});
export type BaselineChange = z.infer<typeof BaselineChangeSchema>;

/** The run compared with a saved report (`--baseline FILE`). */
export const BaselineComparisonSchema = z.strictObject({
  /** The baseline report's path, as given on the command line. */
  file: z.string(),
  /** When the baseline run started; null when there was no usable baseline (first `--accept`). */
  baselineStartedAt: z.iso.datetime().nullable(),
  /** `--accept`: this run was written as the new baseline, and regressions do not fail it. */
  accepted: z.boolean(),
  changes: z.array(BaselineChangeSchema),
  /** Baseline cases of scenarios or environments this run did not select: not compared. */
  notCompared: COUNT,
  /** Why nothing was compared, when the baseline could not be (missing file, other schema version). */
  note: z.string().nullable(),
});
export type BaselineComparison = z.infer<typeof BaselineComparisonSchema>;

export const RunResultSchema = z.strictObject({
  /** The version of this schema; a consumer refuses reports of another version. */
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.strictObject({ name: z.literal("musl-lab"), version: z.string() }),
  /** UTC, ISO 8601: also the report's file name. */
  startedAt: z.iso.datetime(),
  durationMs: MILLISECONDS,
  /** `--images`: auto, registry or offline. */
  images: z.enum(["auto", ...ImageModeSchema.options]),
  /** Host-side actions taken before the run (installed docker.io, started dockerd, built images). */
  setup: z.array(z.string()),
  environments: z.array(DetectedEnvironmentSchema),
  scenarios: z.array(ScenarioResultSchema),
  /** `check`: the artifacts checked and a verdict per environment (scenarios is then empty). */
  checks: CheckReportSchema.optional(),
  /** Outcomes counted over the scenarios' cases, or over the checked cells of `check`. */
  summary: SummaryCountsSchema,
  /** Present when the run was compared with a baseline report (`--baseline FILE`). */
  baseline: BaselineComparisonSchema.optional(),
  /** The process exit status this result implies, set only by concludeRun (lab/compare/exit-status.ts). */
  exitStatus: z.union([z.literal(0), z.literal(1), z.literal(2)]),
});
export type RunResult = z.infer<typeof RunResultSchema>;
