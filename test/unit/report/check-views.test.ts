import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, test } from "vitest";
import { IMAGE_BOX_LIMIT } from "../../../lab/report/check-console.js";
import { renderConsole } from "../../../lab/report/console.js";
import { renderHtml } from "../../../lab/report/html.js";
import { renderJson } from "../../../lab/report/json.js";
import { renderJunit } from "../../../lab/report/junit.js";
import { RunResultSchema, type RunResult } from "../../../lab/run-result.js";
import { publishedSchemaErrors } from "../../published-schema.js";
import { CHECK_RESULT, imageResult, noRunResult, recountChecks } from "./check-fixtures.js";

const plain = (result: RunResult, width = 100) => renderConsole(result, { color: false, width });

/** A copy of the check result with one artifact's path, message and output holding escapes. */
function hostileResult(): RunResult {
  const result = structuredClone(CHECK_RESULT);
  const hello = result.checks?.artifacts[0];
  const musl = hello?.cells[1];
  if (!hello || !musl?.prediction || !musl.confirmation) throw new Error("fixture changed");
  hello.path = "build/\u001b]0;owned\u0007hello<script>";
  musl.prediction.message = "sh: /check/build/\u001b[2Jhello: not found";
  musl.confirmation.stderr = "line one\r\u001b[31mred\u001b[0m\nline two\n";
  musl.outcome = "unexpected-failure";
  return recountChecks(result);
}

/** The musl-built hello with no image for glibc and the engine failing under musl. */
function skippedAndBroken(): RunResult {
  const result = structuredClone(CHECK_RESULT);
  const [first, second] = result.checks?.artifacts[1]?.cells ?? [];
  if (!first || !second) throw new Error("fixture changed");
  Object.assign(first, { outcome: "skipped", verdict: null, explanation: "no image for glibc" });
  Object.assign(second, { outcome: "infra-error", verdict: null, explanation: "docker died" });
  return recountChecks(result);
}

describe("check: console", () => {
  test("a skipped cell and an infra error say so, once", () => {
    const text = plain(skippedAndBroken());
    expect(text).toMatch(/- glibc +skipped +│/);
    expect(text).toContain("why skipped: no image for glibc");
    expect(text).toMatch(/! musl +INFRA ERROR +│/);
    expect(text).toContain("Predictions wrong or the lab failed: exit status 2.");
  });

  test("a box per artifact, the summary, colour off (snapshot)", async () => {
    const text = plain(CHECK_RESULT);
    expect(text).not.toMatch(/\u001b\[/);
    await expect(text).toMatchFileSnapshot("__snapshots__/check-console.txt");
  });

  test("--no-run: predictions only (snapshot)", async () => {
    const text = plain(noRunResult());
    expect(text).not.toContain("prediction confirmed");
    expect(text).not.toContain("PREDICTION WRONG");
    await expect(text).toMatchFileSnapshot("__snapshots__/check-console-no-run.txt");
  });

  test("an image scan shows the failing files and folds the rest (snapshot)", async () => {
    const text = plain(imageResult(30, 3));
    expect(text.match(/^╭─ \/opt\/legacy\/bin\/report-/gm)).toHaveLength(3);
    expect(text).not.toMatch(/^╭─ \/usr\/local\/bin\/tool-/m);
    expect(text).toContain("27 more run everywhere (not shown; the JSON report lists them)");
    await expect(text).toMatchFileSnapshot("__snapshots__/check-console-image.txt");
  });

  test("an image scan with more failing files than boxes counts the rest", () => {
    const text = plain(imageResult(40, 25));
    expect(text.match(/^╭─ \/opt\/legacy\/bin\/report-/gm)).toHaveLength(IMAGE_BOX_LIMIT);
    expect(text).toContain(`${25 - IMAGE_BOX_LIMIT} more fail (not shown;`);
    expect(text).toContain("15 more run everywhere");
  });

  test("the exact message, the verdicts, the side-by-side of a wrong prediction, hints, fixes", () => {
    const text = plain(CHECK_RESULT);
    expect(text).toContain("message: sh: /check/build/hello: not found");
    expect(text).toContain("missing symbols (fortify): __printf_chk");
    expect(text).toContain("missing libraries: libstdc++.so.6, libgcc_s.so.1");
    expect(text).toMatch(/PREDICTION WRONG[^]*predicted[^]*observed[^]*missing symbols/);
    expect(text).toContain("→ npm run lab -- explain thread-stack: it starts threads");
    expect(text).toContain("• install it in the image: apk add libstdc++");
    expect(text).toMatch(/do not run on musl\s+2 \(missing interpreter 1, missing library 1\)/);
  });

  test("every line of a box has the same width; colour adds escapes only", () => {
    for (const result of [CHECK_RESULT, noRunResult(), imageResult()]) {
      const lines = plain(result, 90).split("\n");
      expect(new Set(lines.map((l) => [...l].length))).toEqual(new Set([90]));
      const colored = renderConsole(result, { color: true, width: 100 });
      expect(colored).toMatch(/\u001b\[/);
      expect(colored.replace(/\u001b\[[0-9;]*m/g, "")).toBe(plain(result));
    }
  });

  test("control characters from the artifact are escaped, and stay on their lines", () => {
    const text = plain(hostileResult());
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(text).toContain("build/\\u001b]0;owned\\u0007hello<script>");
    expect(text).toContain("sh: /check/build/\\u001b[2Jhello: not found");
    expect(text).toContain("│ line one\\u000d\\u001b[31mred\\u001b[0m");
    expect(text).toMatch(/│ +│ line two/);
  });
});

describe("check: HTML", () => {
  const html = renderHtml(CHECK_RESULT);

  test("an artifact × environment table, failing rows first, a verdict badge per cell", () => {
    const table = /<table class="checks">[^]*?<\/table>/.exec(html)?.[0] ?? "";
    expect(table).toContain("<th>glibc</th><th>musl</th><th>musl-gcompat</th>");
    const rows = [...table.matchAll(/<tr class="artifact [^"]*" data-standing="(\w[\w-]*)">/g)];
    expect(rows.map((r) => r[1])).toEqual(["fails", "fails", "fails", "not-elf"]);
    expect(table).toContain(
      '<span class="badge o-expected-failure" title="expected failure">✗ missing interpreter</span>',
    );
    expect(table).toContain(
      '<span class="badge o-unexpected-failure" title="UNEXPECTED FAILURE">✗ missing symbols</span> <strong>prediction wrong</strong>',
    );
    expect(table).toContain(
      '<a href="#artifact-3"><code>dist/pkg.tgz!package/build/Release/addon.node</code></a>',
    );
  });

  test("details per artifact: facts, message, prediction against the run, output, hints, fixes", () => {
    const details =
      /<details class="artifact-details" id="artifact-3">[^]*?<\/details>/.exec(html)?.[0] ?? "";
    expect(details).toContain(
      '<th scope="row">needed</th><td>libstdc++.so.6, libgcc_s.so.1, libc.so.6</td>',
    );
    expect(details).toContain("message: <code>Error loading shared library libstdc++.so.6");
    expect(details).toContain(
      '<table class="prediction wrong"><caption>PREDICTION WRONG</caption>',
    );
    expect(details).toContain(
      '<table class="prediction undecided"><caption>ran, could not tell</caption>',
    );
    expect(details).toContain('<pre class="stderr">Error relocating');
    expect(details).toContain("→ npm run lab -- explain thread-stack: it starts threads");
    expect(details).toContain("<li>install it in the image: apk add libstdc++</li>");
  });

  test("one self-contained page, with the environments and the check's counts", () => {
    expect(html).not.toMatch(/\s(src|href)="(?!#)/);
    expect(html).toContain('<th scope="row">musl-gcompat</th>');
    expect(html).toContain("<li><strong>4</strong> artifacts checked</li>");
    expect(html).toContain(
      "Some artifacts do not run everywhere, or a prediction was wrong (exit status 1)",
    );
    expect(html).toContain(
      "<li><code>build/fifo</code>: a FIFO: reading it could block for ever</li>",
    );
  });

  test("text from the artifact is escaped", () => {
    const hostile = renderHtml(hostileResult());
    expect(hostile).not.toContain("hello<script>");
    expect(hostile).toContain("hello&lt;script&gt;");
  });

  test("--no-run says the prediction stands alone", () => {
    const noRun = renderHtml(noRunResult());
    expect(noRun).toContain("predicted only (--no-run)");
    expect(noRun).not.toContain("PREDICTION WRONG");
    expect(noRun).toContain(
      '<table class="prediction not-run"><caption>predicted only: not run</caption>',
    );
  });
});

interface Testcase {
  "@_name": string;
  "@_classname": string;
  failure?: { "@_message": string; "@_type": string; "#text": string };
  error?: { "@_message": string };
  skipped?: { "@_message": string };
}
interface Testsuite {
  "@_name": string;
  "@_tests": string;
  "@_failures": string;
  "@_errors": string;
  "@_skipped": string;
  testcase: Testcase[];
}

/** Parses with a real XML parser after checking well-formedness, as a CI server would. */
function checkSuiteOf(result: RunResult): Testsuite {
  const xml = renderJunit(result);
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => ["testsuite", "testcase", "property"].includes(name),
    parseAttributeValue: false,
    processEntities: true,
  });
  const suites: Testsuite[] = parser.parse(xml).testsuites.testsuite;
  const suite = suites.find((s) => s["@_name"] === "check");
  if (!suite) throw new Error("no testsuite check");
  return suite;
}

describe("check: JUnit", () => {
  test("a testcase per artifact and environment, classname the environment, name the path", () => {
    const suite = checkSuiteOf(CHECK_RESULT);
    expect(suite.testcase).toHaveLength(12);
    expect(suite.testcase.slice(0, 3).map((c) => [c["@_classname"], c["@_name"]])).toEqual([
      ["glibc", "build/hello"],
      ["musl", "build/hello"],
      ["musl-gcompat", "build/hello"],
    ]);
    // Does not run: musl and gcompat for hello, glibc for hello-musl, musl and gcompat for the
    // addon (the second a wrong prediction), and the README everywhere.
    expect([suite["@_tests"], suite["@_failures"], suite["@_errors"], suite["@_skipped"]]).toEqual([
      "12",
      "8",
      "0",
      "0",
    ]);
  });

  test("a failure carries the exact message and the reason; a wrong prediction says so", () => {
    const suite = checkSuiteOf(CHECK_RESULT);
    const gcompat = suite.testcase[2];
    expect(gcompat?.failure?.["@_message"]).toBe(
      "missing symbols: Error relocating /check/build/hello: __printf_chk: symbol not found",
    );
    expect(gcompat?.failure?.["@_type"]).toBe("missing-symbols");
    expect(gcompat?.failure?.["#text"]).toContain("reason: gcompat's loader finds libc.so.6");
    const addon = suite.testcase.find(
      (c) => c["@_classname"] === "musl-gcompat" && c["@_name"].endsWith("addon.node"),
    );
    expect(addon?.failure?.["#text"]).toMatch(
      /PREDICTION WRONG\npredicted: runs\nobserved: missing symbols/,
    );
    expect(suite.testcase[0]?.failure).toBeUndefined();
  });

  test("skipped cells are skipped, infra errors are errors", () => {
    const suite = checkSuiteOf(skippedAndBroken());
    expect(suite.testcase[3]?.skipped?.["@_message"]).toBe("no image for glibc");
    expect(suite.testcase[4]?.error?.["@_message"]).toBe("docker died");
    expect([suite["@_failures"], suite["@_errors"], suite["@_skipped"]]).toEqual(["7", "1", "1"]);
  });

  test("control characters from the artifact keep the file well-formed", () => {
    const suite = checkSuiteOf(hostileResult());
    expect(suite.testcase[0]?.["@_name"]).toBe("build/\\x1b]0;owned\\x07hello<script>");
  });
});

describe("check: JSON", () => {
  test("check results pass the zod schema and the published JSON Schema", () => {
    for (const result of [CHECK_RESULT, noRunResult(), imageResult()]) {
      expect(RunResultSchema.safeParse(result).success).toBe(true);
      expect(publishedSchemaErrors(JSON.parse(renderJson(result)))).toBe("");
    }
  });

  test("the exit status of a check run: 1 when anything does not run somewhere", () => {
    expect(CHECK_RESULT.exitStatus).toBe(1);
    expect(CHECK_RESULT.summary.total).toBe(12);
  });
});
