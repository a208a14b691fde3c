import type { Outcome } from "../../../lab/classify/outcomes.js";
import type { BuildRecord, CaseResult, RunResult } from "../../../lab/run-result.js";
import { SAMPLE_RESULT } from "../../fixtures/run-result.js";

const CHECKSUM = "checksum=0x82749dc5\n";

function build(environment: string, ok: boolean, link = "dynamic"): BuildRecord {
  const cc = environment === "glibc" ? "gcc" : "musl-gcc";
  const command = `${cc} -O2 -Wall${link === "static" ? " -static" : ""} -o /lab/out/student-${environment}-${link} /lab/src/student.c`;
  return {
    builtIn: "glibc",
    command,
    exitCode: ok ? 0 : 1,
    output: ok
      ? ""
      : [
          "/lab/src/student.c:19:10: fatal error: gnu/libc-version.h: No such file or directory",
          "   19 | #include <gnu/libc-version.h>",
          "      |          ^~~~~~~~~~~~~~~~~~~~",
          "compilation terminated.",
        ].join("\n"),
    durationMs: 120,
    elf: null,
  };
}

/** One check of an exercise on one environment, as runLab reports it. */
function checkCase(
  scenario: string,
  caseId: string,
  title: string,
  environment: string,
  outcome: Outcome,
  observed: Partial<CaseResult>,
  record: BuildRecord | null,
): CaseResult {
  return {
    scenario,
    id: caseId,
    caseId,
    value: null,
    title,
    role: "fix",
    environment,
    builtIn: record?.builtIn ?? null,
    build: record,
    command: outcome === "build-error" ? null : `/lab/bin/student-${environment}-dynamic`,
    exitCode: 0,
    signal: null,
    stdout: "",
    stderr: "",
    durationMs: 12,
    measurements: {},
    expected: null,
    outcome,
    explanation: "",
    mismatches: [],
    note: null,
    ...observed,
  };
}

function runOf(scenario: string, title: string, cases: CaseResult[]): RunResult {
  return {
    schemaVersion: 1,
    tool: { name: "musl-lab", version: "0.1.0" },
    startedAt: "2026-11-23T12:00:00.000Z",
    durationMs: 3_210,
    images: "auto",
    setup: [],
    // Only the environments' ids and libcs reach a verdict: the report fixture's will do.
    environments: SAMPLE_RESULT.environments,
    scenarios: [
      {
        id: scenario,
        title,
        description: "",
        sources: ["test fixture"],
        sweeps: {},
        report: { tables: [], claims: [], highlights: {}, advice: [] },
        cases,
      },
    ],
    summary: {
      "as-expected": 0,
      "expected-failure": 0,
      "expected-build-failure": 0,
      "fix-verified": 0,
      "unexpected-pass": 0,
      "unexpected-failure": 0,
      "build-error": 0,
      timeout: 0,
      skipped: 0,
      "infra-error": 0,
      total: cases.length,
    },
    exitStatus: 1,
  };
}

const DEFAULT_LIMITS = "Runs to the end with the container's default limits";
const SMALL_ULIMIT = "Runs to the end on glibc under ulimit -s 256";

/** worker-stack, the starter: fine on glibc, SIGSEGV on musl and under a small ulimit. */
export const WORKER_STACK_STARTER_RUN = runOf("worker-stack", "A worker thread", [
  checkCase(
    "worker-stack",
    "survives-default-limits",
    DEFAULT_LIMITS,
    "glibc",
    "fix-verified",
    { stdout: CHECKSUM },
    build("glibc", true),
  ),
  checkCase(
    "worker-stack",
    "survives-default-limits",
    DEFAULT_LIMITS,
    "musl",
    "unexpected-failure",
    {
      exitCode: null,
      signal: "SIGSEGV",
      stderr: "Segmentation fault\n",
      mismatches: ["wanted success, got killed by SIGSEGV"],
    },
    build("musl", true),
  ),
  checkCase(
    "worker-stack",
    "survives-small-ulimit",
    SMALL_ULIMIT,
    "glibc",
    "timeout",
    { exitCode: null, signal: "SIGKILL", durationMs: 10_000 },
    build("glibc", true),
  ),
]);

/** worker-stack, a solution: every check passes. */
export const WORKER_STACK_SOLVED_RUN = runOf("worker-stack", "A worker thread", [
  ...["glibc", "musl"].map((environment) =>
    checkCase(
      "worker-stack",
      "survives-default-limits",
      DEFAULT_LIMITS,
      environment,
      "fix-verified",
      { stdout: CHECKSUM },
      build(environment, true),
    ),
  ),
  checkCase(
    "worker-stack",
    "survives-small-ulimit",
    SMALL_ULIMIT,
    "glibc",
    "fix-verified",
    { stdout: CHECKSUM },
    build("glibc", true),
  ),
]);

const REPORTS = "Builds natively and reports the libc it runs on";
const STATIC = "Linked statically against musl, run on Ubuntu";

/** run-on-alpine, the starter: compiles for glibc only. */
export const RUN_ON_ALPINE_STARTER_RUN = runOf("run-on-alpine", "which libc", [
  checkCase(
    "run-on-alpine",
    "reports-its-libc",
    REPORTS,
    "glibc",
    "fix-verified",
    { stdout: "libc=glibc 2.41\n" },
    build("glibc", true),
  ),
  checkCase(
    "run-on-alpine",
    "reports-its-libc",
    REPORTS,
    "musl",
    "build-error",
    { exitCode: null, stderr: build("musl", false).output },
    build("musl", false),
  ),
  checkCase(
    "run-on-alpine",
    "static-musl-on-ubuntu",
    STATIC,
    "glibc",
    "build-error",
    { exitCode: null, stderr: build("musl", false, "static").output },
    build("musl", false, "static"),
  ),
]);

/** run-on-alpine with a file that compiles nowhere. */
export const RUN_ON_ALPINE_BROKEN_RUN = runOf("run-on-alpine", "which libc", [
  ...RUN_ON_ALPINE_STARTER_RUN.scenarios[0]!.cases.map((c) => ({
    ...c,
    outcome: "build-error" as const,
    command: null,
    stdout: "",
    build: build(
      c.environment === "musl" || c.caseId === "static-musl-on-ubuntu" ? "musl" : "glibc",
      false,
      c.caseId === "static-musl-on-ubuntu" ? "static" : "dynamic",
    ),
  })),
]);

/** A check whose environment was not selected, and one where the infrastructure failed. */
export const SORT_NAMES_INFRA_RUN = runOf("sort-names", "sort", [
  checkCase(
    "sort-names",
    "order-en-us",
    "The locale scenario's words, LANG=en_US.UTF-8",
    "glibc",
    "infra-error",
    {
      explanation:
        'environment "glibc" has no generated en_US.UTF-8 locale data: remove the musl-lab images',
      exitCode: null,
    },
    null,
  ),
  checkCase(
    "sort-names",
    "order-en-us",
    "The locale scenario's words, LANG=en_US.UTF-8",
    "musl",
    "skipped",
    { explanation: "no musl environment is selected (add one with --env)", exitCode: null },
    null,
  ),
]);
