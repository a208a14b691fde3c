import type { LibcFamily } from "../environments/schema.js";
import type { CaseRole, Expectation, MeasurementExpectation } from "../scenarios/schema.js";
import type { Outcome } from "./outcomes.js";
import { satisfiesRange } from "./versions.js";

export type Observation =
  | {
      kind: "ran";
      exitCode: number | null;
      signal: string | null;
      stdout: string;
      stderr: string;
      timedOut: boolean;
      /** Killed by the kernel's OOM killer at the container's memory limit. */
      oomKilled?: boolean;
      durationMs: number;
      measurements: Record<string, string>;
    }
  | { kind: "build-failed"; output: string }
  | { kind: "skipped"; reason: string }
  | { kind: "infra-failed"; message: string };

export interface Classification {
  outcome: Outcome;
  /** Why it happened (the expectation's `because`), or what differed from the prediction. */
  explanation: string;
  /** Each way the observation differs from the expectation, as "wanted …, got …". */
  mismatches: string[];
}

/**
 * The first expectation whose `when` fits the detected libc (and the sweep's value, for a case that
 * sweeps); none means the data has a gap.
 */
export function selectExpectation(
  expectations: readonly Expectation[],
  libc: { family: LibcFamily; version: string },
  value: number | null = null,
): Expectation | null {
  return (
    expectations.find(
      ({ when }) =>
        (when?.family === undefined || when.family === libc.family) &&
        (when?.version === undefined || satisfiesRange(libc.version, when.version)) &&
        (when?.value === undefined ||
          (value !== null &&
            value >= (when.value.min ?? Number.NEGATIVE_INFINITY) &&
            value <= (when.value.max ?? Number.POSITIVE_INFINITY))),
    ) ?? null
  );
}

/** Pure: the same observation and expectation always give the same outcome. */
export function classify(
  role: CaseRole,
  expectation: Expectation | null,
  observation: Observation,
): Classification {
  switch (observation.kind) {
    case "skipped":
      return { outcome: "skipped", explanation: observation.reason, mismatches: [] };
    case "infra-failed":
      return { outcome: "infra-error", explanation: observation.message, mismatches: [] };
    case "build-failed":
      return classifyBuildFailure(expectation, observation.output);
  }
  if (observation.timedOut) {
    // A fork bomb ends here too: its processes starve it until the time limit. Say what stopped
    // it from taking the machine down with it, from the harness's own count.
    const refused = Number(observation.measurements["lab.forks_refused"] ?? 0);
    const contained =
      refused > 0
        ? `; meanwhile the container's pids limit refused ${refused} fork${refused === 1 ? "" : "s"}`
        : "";
    return {
      outcome: "timeout",
      explanation: `killed after ${observation.durationMs} ms without finishing${contained}`,
      mismatches: [],
    };
  }
  if (!expectation) {
    return {
      outcome: "unexpected-failure",
      explanation: "the scenario states no expectation for this libc and version",
      mismatches: [],
    };
  }
  if (expectation.result === "build-failure") {
    // It compiled where the scenario says it cannot (e.g. a musl that gained the header): the
    // demonstration no longer demonstrates anything.
    const mismatch = `wanted the build to fail, it compiled and ran (${describeStatus(observation.exitCode, observation.signal, observation.oomKilled)})`;
    return {
      outcome: "unexpected-pass",
      explanation: `predicted: ${expectation.because} Observed otherwise: ${mismatch}`,
      mismatches: [mismatch],
    };
  }
  const mismatches = compare(expectation, observation);
  const succeeded = observation.exitCode === 0 && observation.signal === null;
  if (mismatches.length === 0) {
    const outcome: Outcome =
      expectation.result === "failure"
        ? "expected-failure"
        : role === "fix"
          ? "fix-verified"
          : "as-expected";
    return { outcome, explanation: expectation.because, mismatches };
  }
  return {
    outcome:
      succeeded && expectation.result === "failure" ? "unexpected-pass" : "unexpected-failure",
    explanation: `predicted: ${expectation.because} Observed otherwise: ${mismatches.join("; ")}`,
    mismatches,
  };
}

/**
 * A compile that failed: predicted (`result: build-failure`, every `output` pattern found in the
 * compiler's output) it is an expected build failure; predicted with other words it is an
 * unexpected failure listing each pattern missed; not predicted it is a build error.
 */
function classifyBuildFailure(expectation: Expectation | null, output: string): Classification {
  if (expectation?.result !== "build-failure") {
    return {
      outcome: "build-error",
      explanation: "the probe did not compile; the compiler's output is attached",
      mismatches: [],
    };
  }
  const mismatches = (expectation.output ?? [])
    .filter((pattern) => !new RegExp(pattern, "m").test(output))
    .map(
      (pattern) =>
        `wanted the compiler's output to match /${pattern}/, got ${quote(firstError(output))}`,
    );
  if (mismatches.length === 0) {
    return { outcome: "expected-build-failure", explanation: expectation.because, mismatches };
  }
  return {
    outcome: "unexpected-failure",
    explanation: `predicted: ${expectation.because} Observed otherwise: ${mismatches.join("; ")}`,
    mismatches,
  };
}

function compare(
  expectation: Expectation,
  observed: Extract<Observation, { kind: "ran" }>,
): string[] {
  const mismatches: string[] = [];
  const status = describeStatus(observed.exitCode, observed.signal, observed.oomKilled);
  const succeeded = observed.exitCode === 0 && observed.signal === null;
  if (expectation.result === "success" && !succeeded) {
    mismatches.push(`wanted success, got ${status}`);
  }
  if (expectation.result === "failure" && succeeded) {
    mismatches.push("wanted a failure, got exit 0");
  }
  if (expectation.exitCode !== undefined && observed.exitCode !== expectation.exitCode) {
    const wanted = `wanted exit ${expectation.exitCode}, got ${status}`;
    if (!mismatches.some((m) => m.endsWith(status))) mismatches.push(wanted);
  }
  if (expectation.signal !== undefined && observed.signal !== expectation.signal) {
    mismatches.push(`wanted ${expectation.signal}, got ${status}`);
  }
  for (const [stream, patterns] of [
    ["stdout", expectation.stdout],
    ["stderr", expectation.stderr],
  ] as const) {
    for (const pattern of patterns ?? []) {
      if (!new RegExp(pattern, "m").test(observed[stream])) {
        mismatches.push(`wanted ${stream} to match /${pattern}/, got ${quote(observed[stream])}`);
      }
    }
  }
  for (const [key, wanted] of Object.entries(expectation.measurements ?? {})) {
    const got = observed.measurements[key];
    const problem = checkMeasurement(wanted, got, observed.measurements);
    if (problem)
      mismatches.push(`${key}: wanted ${problem}, got ${got === undefined ? "nothing" : got}`);
  }
  return mismatches;
}

/** Returns what was wanted when the value does not fit, or null when it does. */
export function checkMeasurement(
  wanted: MeasurementExpectation,
  got: string | undefined,
  all: Record<string, string> = {},
): string | null {
  if (typeof wanted === "string") return got === wanted ? null : wanted;
  if ("sameAs" in wanted) {
    const other = all[wanted.sameAs];
    return got !== undefined && got === other
      ? null
      : `the same as ${wanted.sameAs} (${other ?? "nothing"})`;
  }
  if ("pattern" in wanted) {
    return got !== undefined && new RegExp(wanted.pattern).test(got) ? null : `/${wanted.pattern}/`;
  }
  const value = got === undefined ? Number.NaN : Number(got);
  const low = wanted.min ?? Number.NEGATIVE_INFINITY;
  const high = wanted.max ?? Number.POSITIVE_INFINITY;
  if (Number.isFinite(value) && value >= low && value <= high) return null;
  return `a number in [${wanted.min ?? "-∞"}, ${wanted.max ?? "∞"}]`;
}

export function describeStatus(
  exitCode: number | null,
  signal: string | null,
  oomKilled = false,
): string {
  if (oomKilled) return `killed by the OOM killer (${signal ?? "SIGKILL"}: out of memory)`;
  return signal !== null ? `killed by ${signal}` : `exit ${exitCode}`;
}

/** The compiler's first `error:` line (the one that explains the rest), or all of its output. */
function firstError(output: string): string {
  return output.split("\n").find((line) => /\berror\b/.test(line)) ?? output;
}

function quote(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return "nothing";
  const short = trimmed.length > 120 ? `${trimmed.slice(0, 117)}...` : trimmed;
  return JSON.stringify(short);
}
