import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, test } from "vitest";
import { compareWithBaseline } from "../../../lab/compare/baseline-diff.js";
import { renderJunit } from "../../../lab/report/junit.js";
import type { RunResult } from "../../../lab/run-result.js";
import { SAMPLE_RESULT } from "../../fixtures/run-result.js";
import { withCase } from "./report-fixtures.js";

interface Testcase {
  "@_name": string;
  "@_classname": string;
  "@_time": string;
  failure?: { "@_message": string; "@_type": string; "#text": string };
  error?: { "@_message": string; "@_type": string };
  skipped?: { "@_message": string };
  "system-out"?: string;
  "system-err"?: string;
}
interface Testsuite {
  "@_name": string;
  "@_tests": string;
  "@_failures": string;
  "@_errors": string;
  "@_skipped": string;
  properties: { property: { "@_name": string; "@_value": string }[] };
  testcase: Testcase[];
}

/** Parses with a real XML parser after checking well-formedness, as a CI server would. */
function parse(xml: string): { "@_tests": string; "@_failures": string; testsuite: Testsuite[] } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => ["testsuite", "testcase", "property"].includes(name),
    parseAttributeValue: false,
    processEntities: true,
  });
  return parser.parse(xml).testsuites;
}

const suiteNamed = (xml: string, name: string) => {
  const suite = parse(xml).testsuite.find((s) => s["@_name"] === name);
  if (!suite) throw new Error(`no testsuite ${name}`);
  return suite;
};
const caseNamed = (suite: Testsuite, name: string) => {
  const found = suite.testcase.find((c) => c["@_name"] === name);
  if (!found) throw new Error(`no testcase ${name} in ${suite["@_name"]}`);
  return found;
};

describe("JUnit XML", () => {
  test("one testsuite per scenario and environment, one testcase per case", () => {
    const xml = renderJunit(SAMPLE_RESULT);
    const root = parse(xml);
    expect(root.testsuite.map((s) => [s["@_name"], s.testcase.length])).toEqual([
      ["hello on musl", 3],
      ["hello on glibc", 1],
      ["hello on musl-gcompat", 1],
      ["thread-stack on glibc", 3],
      ["thread-stack on musl", 3],
    ]);
    expect(root["@_tests"]).toBe(String(SAMPLE_RESULT.summary.total));
    expect(root["@_failures"]).toBe("2");
    const glibc = suiteNamed(xml, "thread-stack on glibc");
    expect(glibc.properties.property).toEqual(
      expect.arrayContaining([
        { "@_name": "libc", "@_value": "glibc 2.41" },
        { "@_name": "image", "@_value": "musl-lab/glibc:offline-0123456789ab (offline)" },
      ]),
    );
  });

  test("predicted outcomes pass, expected failures included", () => {
    const suite = suiteNamed(renderJunit(SAMPLE_RESULT), "hello on musl");
    const expectedFailure = caseNamed(suite, "glibc-binary-on-musl");
    expect(expectedFailure.failure).toBeUndefined();
    expect(expectedFailure["@_classname"]).toBe("musl-lab.hello.musl");
    expect(expectedFailure["system-out"]).toContain("$ /lab/bin/hello-glibc-dynamic");
    expect(expectedFailure["system-err"]).toBe("sh: /lab/bin/hello-glibc-dynamic: not found");
  });

  test("a build that fails as predicted passes, with the compiler's output", () => {
    const predicted = caseNamed(
      suiteNamed(renderJunit(SAMPLE_RESULT), "hello on musl"),
      "backtrace-on-musl",
    );
    expect(predicted.failure).toBeUndefined();
    expect(predicted["system-out"]).toContain("fatal error: execinfo.h: No such file or directory");
    expect(predicted["system-out"]).toContain("outcome: expected build failure");
  });

  test("a build predicted to fail that fails otherwise lists the pattern it missed", () => {
    const run = withCase(
      SAMPLE_RESULT,
      { scenario: "hello", id: "backtrace-on-musl", environment: "musl" },
      (c) => ({
        ...c,
        outcome: "unexpected-failure",
        mismatches: ['wanted the compiler\'s output to match /execinfo/, got "x: error: y"'],
      }),
    );
    const failure = caseNamed(
      suiteNamed(renderJunit(run), "hello on musl"),
      "backtrace-on-musl",
    ).failure;
    expect(failure?.["#text"]).toContain(
      "expected: the build fails, compiler output /fatal error: execinfo\\.h: No such file or directory/",
    );
    expect(failure?.["#text"]).toContain("observed: the compiler exited with 1");
    expect(failure?.["#text"]).toContain("compiler output:");
  });

  test("an unexpected outcome is a failure with what was expected and what was observed", () => {
    const failure = caseNamed(
      suiteNamed(renderJunit(SAMPLE_RESULT), "hello on musl"),
      "rebuilt-for-musl",
    ).failure;
    expect(failure?.["@_type"]).toBe("unexpected-failure");
    expect(failure?.["@_message"]).toBe(
      "UNEXPECTED FAILURE: wanted success, got killed by SIGSEGV",
    );
    expect(failure?.["#text"]).toContain("expected: success (musl loader present)");
    expect(failure?.["#text"]).toContain("observed: SIGSEGV");
  });

  test("a build error is a failure with the compiler's output; a timeout says so", () => {
    const buildError = caseNamed(
      suiteNamed(renderJunit(SAMPLE_RESULT), "hello on glibc"),
      "broken-probe",
    ).failure;
    expect(buildError?.["@_type"]).toBe("build-error");
    expect(buildError?.["#text"]).toContain("expected: the probe compiles");
    expect(buildError?.["#text"]).toContain("error: expected ';' before '}' token");

    const timedOut = withCase(
      SAMPLE_RESULT,
      { scenario: "thread-stack", id: "default-sweep-64", environment: "musl" },
      (c) => ({
        ...c,
        outcome: "timeout",
        durationMs: 10_000,
        explanation: "killed after 10000 ms without finishing",
      }),
    );
    const timeout = caseNamed(
      suiteNamed(renderJunit(timedOut), "thread-stack on musl"),
      "default-sweep-64",
    ).failure;
    expect(timeout?.["@_type"]).toBe("timeout");
    expect(timeout?.["#text"]).toContain("observed: killed at its time limit after 10000 ms");
  });

  test("skipped cases are skipped with their reason; infra errors are errors", () => {
    const skipped = caseNamed(
      suiteNamed(renderJunit(SAMPLE_RESULT), "hello on musl-gcompat"),
      "gcompat-on-musl",
    );
    expect(skipped.skipped?.["@_message"]).toBe("gcompat is an Alpine package");
    const infra = withCase(
      SAMPLE_RESULT,
      { scenario: "thread-stack", id: "default-stack", environment: "glibc" },
      (c) => ({
        ...c,
        outcome: "infra-error",
        explanation: "the container went away",
      }),
    );
    const suite = suiteNamed(renderJunit(infra), "thread-stack on glibc");
    expect(suite["@_errors"]).toBe("1");
    expect(caseNamed(suite, "default-stack").error?.["@_message"]).toBe("the container went away");
  });

  test("probe output cannot break the XML: markup, entities and control characters", () => {
    const hostile = withCase(
      SAMPLE_RESULT,
      { scenario: "hello", id: "rebuilt-for-musl", environment: "musl" },
      (c) => ({
        ...c,
        stdout: 'a</system-out><script>x</script>&amp; "q" \u0000\u001b[31m\uD800 ]]>\n',
        mismatches: ['wanted "<ok>", got \u0007'],
      }),
    );
    const xml = renderJunit(hostile);
    const failing = caseNamed(suiteNamed(xml, "hello on musl"), "rebuilt-for-musl");
    expect(failing["system-out"]).toContain(
      'a</system-out><script>x</script>&amp; "q" \\x00\\x1b[31m\\xd800 ]]>',
    );
    expect(failing.failure?.["@_message"]).toBe('UNEXPECTED FAILURE: wanted "<ok>", got \\x07');
  });

  test("a baseline comparison adds a suite whose regressions fail, unless accepted", () => {
    const clean = withCase(
      SAMPLE_RESULT,
      { scenario: "hello", id: "gcompat-on-musl", environment: "musl-gcompat" },
      () => null,
    );
    const changed = withCase(
      clean,
      { scenario: "thread-stack", id: "default-sweep-256", environment: "musl" },
      (c) => ({
        ...c,
        outcome: "as-expected",
      }),
    );
    const baseline = { file: "base.json", report: clean, note: null };
    const regressed: RunResult = compareWithBaseline(changed, baseline, false);
    const suite = suiteNamed(renderJunit(regressed), "changes since baseline");
    const regression = caseNamed(suite, "thread-stack/default-sweep-256 on musl");
    expect(regression.failure?.["@_message"]).toBe(
      "outcome changed: expected-failure -> as-expected",
    );
    expect(suite.properties.property).toContainEqual({
      "@_name": "baseline",
      "@_value": "base.json",
    });

    const accepted = suiteNamed(
      renderJunit(compareWithBaseline(changed, baseline, true)),
      "changes since baseline",
    );
    expect(accepted["@_failures"]).toBe("0");

    const unchanged = suiteNamed(
      renderJunit(compareWithBaseline(clean, baseline, false)),
      "changes since baseline",
    );
    expect(unchanged.testcase.map((c) => c["@_name"])).toEqual(["no changes"]);
  });
});
