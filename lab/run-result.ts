import type { Outcome } from "./classify/outcomes.js";
import type { CaseRole, Expectation, ReportSpec } from "./scenarios/schema.js";
import type { DetectedEnvironment } from "./runtime/detect.js";
import type { ImagesOption } from "./runtime/images.js";

/** Bump when a field changes meaning or disappears; adding a field does not need it. */
export const SCHEMA_VERSION = 1;

export interface BuildRecord {
  /** Environment whose container compiled the probe. */
  builtIn: string;
  command: string;
  exitCode: number;
  output: string;
  durationMs: number;
  /** The lab's ELF reader on the result, one line (interpreter, needs, GLIBC version). */
  elf: string | null;
  /** True when this run reused a binary compiled by an earlier run (same image, command, sources). */
  cached?: boolean;
}

/** One case in one environment: everything observed, what was predicted, and the verdict. */
export interface CaseResult {
  scenario: string;
  /** Unique in the scenario: the case id, or `<case id>-<value>` for one value of a sweep. */
  id: string;
  /** The case in the scenario's data this result comes from. */
  caseId: string;
  /** The sweep's value for this run, or null when the case does not sweep. */
  value: number | null;
  title: string;
  role: CaseRole;
  /** Where it ran (or would have run, when skipped). */
  environment: string;
  /** Where the binary was compiled, or null when it never was. */
  builtIn: string | null;
  build: BuildRecord | null;
  command: string | null;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  measurements: Record<string, string>;
  expected: Expectation | null;
  outcome: Outcome;
  explanation: string;
  mismatches: string[];
  note: string | null;
  /** What reached the DNS fixture, one condensed line per query (DNS cases only). */
  queryLog?: string[];
}

export interface ScenarioResult {
  id: string;
  title: string;
  description: string;
  sources: string[];
  /** Sweeps in this scenario: case id -> unit, so reports can draw value-by-environment tables. */
  sweeps: Record<string, { unit: string; values: number[] }>;
  /** Tables, claims and advice the scenario asks reports to show (see ReportSpecSchema). */
  report: ReportSpec;
  cases: CaseResult[];
}

export type SummaryCounts = Record<Outcome, number> & { total: number };

export interface RunResult {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: "musl-lab"; version: string };
  startedAt: string;
  durationMs: number;
  images: ImagesOption;
  /** Host-side actions taken before the run (installed docker.io, started dockerd, built images). */
  setup: string[];
  environments: DetectedEnvironment[];
  scenarios: ScenarioResult[];
  summary: SummaryCounts;
  /** The process exit status this result implies (see exitStatusFor). */
  exitStatus: 0 | 1 | 2;
}
