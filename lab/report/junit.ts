import { OUTCOME_INFO, type Outcome } from "../classify/outcomes.js";
import type { BaselineChange, CaseResult, RunResult } from "../run-result.js";
import type { Expectation } from "../scenarios/schema.js";
import { checkSuite } from "./check-junit.js";
import { describeChange } from "./describe-change.js";
import { runStatus } from "./scenario-views.js";

/**
 * JUnit XML for CI systems (GitHub, GitLab, Jenkins): one testsuite per scenario and environment,
 * one testcase per case, named by its stable id so a CI's test history follows a case across runs.
 * Predicted outcomes (also expected failures and verified fixes) pass; unexpected outcomes, build
 * errors and timeouts are failures carrying what was expected against what was observed; infra
 * errors are errors (the lab, not the libc, failed); skipped cases are skipped with their reason.
 * A baseline comparison adds a "changes since baseline" suite whose regressions fail.
 */
export function renderJunit(result: RunResult): string {
  const suites = result.scenarios.flatMap((scenario) => {
    const environments = [...new Set(scenario.cases.map((c) => c.environment))];
    return environments.map((environment) =>
      suite(
        result,
        `${scenario.id} on ${environment}`,
        environmentProperties(result, environment),
        scenario.cases.filter((c) => c.environment === environment).map(testcase),
      ),
    );
  });
  if (result.checks) suites.push(checkSuite(result, result.checks));
  if (result.baseline) suites.push(baselineSuite(result));
  const counts = totals(suites);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="musl-lab" ${countAttributes(counts)} time="${seconds(result.durationMs)}">`,
    ...suites.map((s) => s.xml),
    "</testsuites>",
    "",
  ].join("\n");
}

export interface Testcase {
  xml: string;
  status: "passed" | "failure" | "error" | "skipped";
  durationMs: number;
}

export interface Suite extends Omit<Testcase, "status"> {
  cases: Testcase[];
}

function testcase(c: CaseResult): Testcase {
  const info = OUTCOME_INFO[c.outcome];
  return testcaseOf({
    classname: `musl-lab.${c.scenario}.${c.environment}`,
    name: c.id,
    durationMs: c.durationMs,
    outcome: c.outcome,
    explanation: c.explanation,
    failure: info.predicted
      ? null
      : {
          message: `${info.label}: ${c.mismatches[0] ?? c.explanation}`,
          type: c.outcome,
          text: failureText(c),
        },
    output: [
      c.title,
      ...(c.build ? [`built in ${c.build.builtIn}: ${c.build.command}`] : []),
      ...(c.outcome === "expected-build-failure" && c.build
        ? ["compiler output (the failure the scenario predicts):", c.build.output]
        : []),
      ...(c.command ? [`$ ${c.command}`, c.stdout.trimEnd()] : []),
      `outcome: ${info.label}: ${c.explanation}`,
    ],
    stderr: c.stderr,
  });
}

/** What one testcase says, in the words of the result it comes from. */
export interface TestcaseContent {
  classname: string;
  name: string;
  durationMs: number;
  outcome: Outcome;
  /** The skip reason or the infrastructure's error, for those outcomes. */
  explanation: string;
  /** Null when it passed (a skip or an infra error takes precedence). */
  failure: { message: string; type: string; text: string } | null;
  /** Lines for <system-out>; empty ones are left out. */
  output: string[];
  stderr: string;
}

/** Skipped cases are skipped with their reason, infra errors are errors, failures fail. */
export function testcaseOf(content: TestcaseContent): Testcase {
  const body: string[] = [];
  let status: Testcase["status"] = "passed";
  if (content.outcome === "skipped") {
    status = "skipped";
    body.push(`<skipped message="${attr(content.explanation)}"/>`);
  } else if (content.outcome === "infra-error") {
    status = "error";
    body.push(
      `<error message="${attr(content.explanation)}" type="infra-error">${text(content.explanation)}</error>`,
    );
  } else if (content.failure) {
    status = "failure";
    const { message, type, text: failure } = content.failure;
    body.push(
      `<failure message="${attr(message)}" type="${attr(type)}">${text(failure)}</failure>`,
    );
  }
  body.push(`<system-out>${text(content.output.filter(Boolean).join("\n"))}</system-out>`);
  if (content.stderr.trim()) {
    body.push(`<system-err>${text(content.stderr.trimEnd())}</system-err>`);
  }
  const xml = [
    `    <testcase classname="${attr(content.classname)}" name="${attr(content.name)}" time="${seconds(content.durationMs)}">`,
    ...body.map((line) => `      ${line}`),
    "    </testcase>",
  ].join("\n");
  return { xml, status, durationMs: content.durationMs };
}

/** What was predicted against what happened, in the words a CI log reader needs. */
function failureText(c: CaseResult): string {
  const lines = [
    `expected: ${c.outcome === "build-error" ? "the probe compiles" : describeExpectation(c.expected)}`,
    `observed: ${observed(c)}`,
  ];
  if (c.mismatches.length > 0) lines.push("differences:", ...c.mismatches.map((m) => `  ${m}`));
  lines.push(`why: ${c.explanation}`);
  if (notBuilt(c)) lines.push("compiler output:", c.build?.output ?? "");
  return lines.join("\n");
}

function observed(c: CaseResult): string {
  if (notBuilt(c)) return `the compiler exited with ${c.build?.exitCode ?? "?"}`;
  if (c.expected?.result === "build-failure") return `it compiled, and ran: ${runStatus(c)}`;
  if (c.outcome === "timeout") return `killed at its time limit after ${c.durationMs} ms`;
  const status = runStatus(c);
  return status === "ok" ? "exit 0" : status;
}

/** The compiler failed (a build error, or a predicted build failure with other words). */
function notBuilt(c: CaseResult): boolean {
  return c.outcome === "build-error" || (c.build !== null && c.build.exitCode !== 0);
}

function describeExpectation(expected: Expectation | null): string {
  if (!expected) return "no expectation for this libc";
  const parts: string[] = [
    expected.result === "build-failure" ? "the build fails" : expected.result,
  ];
  for (const pattern of expected.output ?? []) parts.push(`compiler output /${pattern}/`);
  if (expected.exitCode !== undefined) parts.push(`exit ${expected.exitCode}`);
  if (expected.signal) parts.push(expected.signal);
  for (const [key, want] of Object.entries(expected.measurements ?? {})) {
    parts.push(`${key} ${typeof want === "string" ? `= ${want}` : JSON.stringify(want)}`);
  }
  return `${parts.join(", ")} (${expected.because})`;
}

function environmentProperties(result: RunResult, id: string): Record<string, string> {
  const e = result.environments.find((env) => env.id === id);
  if (!e) return { environment: id };
  return {
    environment: id,
    libc: `${e.libc.family} ${e.libc.version}`,
    distro: e.distro,
    image: `${e.imageTag} (${e.imageMode})`,
    kernel: e.kernel,
  };
}

function baselineSuite(result: RunResult): Suite {
  const baseline = result.baseline;
  if (!baseline) throw new Error("baselineSuite needs a baseline comparison");
  const cases: Testcase[] = baseline.changes.map((change) =>
    baselineCase(change, baseline.accepted),
  );
  if (cases.length === 0) {
    const message = baseline.note ?? `no changes since ${baseline.file}`;
    cases.push({
      xml: `    <testcase classname="musl-lab.baseline" name="no changes" time="0.000">\n      <system-out>${text(message)}</system-out>\n    </testcase>`,
      status: "passed",
      durationMs: 0,
    });
  }
  return suite(
    result,
    "changes since baseline",
    {
      baseline: baseline.file,
      "baseline started at": baseline.baselineStartedAt ?? "none",
      accepted: String(baseline.accepted),
      "not compared": String(baseline.notCompared),
    },
    cases,
  );
}

function baselineCase(change: BaselineChange, accepted: boolean): Testcase {
  const name = `${change.scenario}/${change.id} on ${change.environment}${change.key ? `: ${change.key}` : ""}`;
  const line = describeChange(change);
  const failed = change.regression && !accepted;
  const body = failed
    ? `<failure message="${attr(line)}" type="${change.kind}">${text(line)}</failure>`
    : `<system-out>${text(line)}</system-out>`;
  return {
    xml: `    <testcase classname="musl-lab.baseline" name="${attr(name)}" time="0.000">\n      ${body}\n    </testcase>`,
    status: failed ? "failure" : "passed",
    durationMs: 0,
  };
}

export function suite(
  result: RunResult,
  name: string,
  properties: Record<string, string>,
  cases: Testcase[],
): Suite {
  const durationMs = cases.reduce((sum, c) => sum + c.durationMs, 0);
  const timestamp = result.startedAt.replace(/(\.\d+)?Z$/, "");
  const xml = [
    `  <testsuite name="${attr(name)}" ${countAttributes(totals([{ cases }]))} time="${seconds(durationMs)}" timestamp="${timestamp}">`,
    "    <properties>",
    ...Object.entries(properties).map(
      ([key, value]) => `      <property name="${attr(key)}" value="${attr(value)}"/>`,
    ),
    "    </properties>",
    ...cases.map((c) => c.xml),
    "  </testsuite>",
  ].join("\n");
  return { xml, durationMs, cases };
}

function totals(suites: Pick<Suite, "cases">[]): Record<Testcase["status"] | "tests", number> {
  const all = suites.flatMap((s) => s.cases);
  const count = (status: Testcase["status"]) => all.filter((c) => c.status === status).length;
  return {
    tests: all.length,
    passed: count("passed"),
    failure: count("failure"),
    error: count("error"),
    skipped: count("skipped"),
  };
}

function countAttributes(counts: ReturnType<typeof totals>): string {
  return `tests="${counts.tests}" failures="${counts.failure}" errors="${counts.error}" skipped="${counts.skipped}"`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/**
 * XML 1.0 cannot carry most control characters, not even escaped, and probe output may hold any
 * byte: they are written as `\xNN` so the file stays well-formed and nothing is silently lost.
 */
function clean(value: string): string {
  return value.replace(
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

function text(value: string): string {
  return clean(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Attribute values also keep their line breaks and tabs, which parsers would otherwise normalise. */
function attr(value: string): string {
  return text(value)
    .replace(/"/g, "&quot;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}
