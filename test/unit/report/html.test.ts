import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { compareWithBaseline } from "../../../lab/compare/baseline-diff.js";
import { renderHtml } from "../../../lab/report/html.js";
import { REPORTERS, type ReporterOptions } from "../../../lab/report/reporters.js";
import { tempDir } from "../temp-dirs.js";
import { resultWithTimings, withCase } from "./report-fixtures.js";

const count = (html: string, pattern: RegExp) => html.match(new RegExp(pattern, "g"))?.length ?? 0;

describe("HTML report", () => {
  test("is self-contained: nothing is fetched, the policy forbids it", () => {
    const html = renderHtml(resultWithTimings());
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    expect(html).not.toMatch(/\s(src|href)="(?!#)/);
    expect(html).not.toMatch(/@import|url\(/);
  });

  test("environments, a case table per scenario with badges and collapsible outputs", () => {
    const result = resultWithTimings();
    const html = renderHtml(result);
    expect(html).toContain('<th scope="row">glibc</th><td>glibc</td><td>2.41</td>');
    expect(count(html, /<table class="cases">/)).toBe(result.scenarios.length);
    expect(count(html, /<tr class="case /)).toBe(result.summary.total);
    expect(html).toContain('<span class="badge o-expected-failure">✗ expected failure</span>');
    expect(html).toContain("<code>/lab/bin/hello-glibc-dynamic</code>");
    expect(html).toMatch(
      /<details><summary>show<\/summary>[^]*sh: \/lab\/bin\/hello-glibc-dynamic: not found/,
    );
  });

  test("a sweep chart with the measured limits marked, timing bars with whiskers, side-by-side tables", () => {
    const result = resultWithTimings();
    const stack = result.scenarios.find((s) => s.id === "thread-stack");
    const musl = stack?.cases.find((c) => c.id === "default-stack" && c.environment === "musl");
    if (!stack || !musl) throw new Error("fixture changed");
    stack.cases.push({
      ...musl,
      id: "survival-limit",
      caseId: "survival-limit",
      measurements: { limit: "130" },
    });
    const html = renderHtml(result);
    expect(count(html, /<svg class="chart sweep-chart"/)).toBe(1);
    expect(count(html, /class="point survived"/)).toBe(3);
    expect(count(html, /class="point crashed"/)).toBe(1);
    expect(html).toMatch(
      /<g class="limit-marker solid"><title>musl: survives up to 130 KiB<\/title>/,
    );
    expect(html).toMatch(
      /<g class="limit-marker dashed"><title>glibc: default stack 8192 KiB<\/title>/,
    );
    expect(count(html, /<svg class="chart timing-chart"/)).toBe(1);
    expect(count(html, /<rect class="bar"/)).toBe(2);
    expect(count(html, /<path class="whisker"/)).toBe(2);
    expect(html).toContain("musl (musl 1.2.5): median 63.6 ms (min 58.1, max 67.6)");
    expect(html).toMatch(
      /<table class="side-by-side">[^]*<span class="ne"[^]*default thread stack/,
    );
  });

  test("probe output is escaped, never markup", () => {
    const hostile = withCase(
      resultWithTimings(),
      { scenario: "hello", id: "rebuilt-for-musl", environment: "musl" },
      (c) => ({ ...c, stdout: '<script>alert("x")</script><img src=x onerror=1>' }),
    );
    const html = renderHtml(hostile);
    expect(html).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=1&gt;",
    );
    expect(count(html, /<script>/)).toBe(1);
  });

  test("the changes since baseline are listed", () => {
    const base = resultWithTimings();
    const now = withCase(
      base,
      { scenario: "thread-stack", id: "default-sweep-256", environment: "musl" },
      (c) => ({
        ...c,
        outcome: "as-expected",
      }),
    );
    const html = renderHtml(
      compareWithBaseline(now, { file: "base.json", report: base, note: null }, false),
    );
    expect(html).toMatch(
      /<tr class="regression"><td>regression<\/td><td>thread-stack\/default-sweep-256<\/td><td>musl<\/td><td>outcome changed: expected-failure -&gt; as-expected/,
    );
  });
});

describe("reporters", () => {
  test("each format writes its files atomically under the output directory, or to --junit FILE", () => {
    const dir = tempDir("musl-lab-reporters-");
    const options: ReporterOptions = { outputDir: dir, junitFile: null, color: false, width: 100 };
    const result = resultWithTimings();
    expect(REPORTERS.console(result, options)).toMatchObject({
      stdout: expect.stringMatching(/^╭/),
      files: [],
    });
    for (const format of ["json", "junit", "html"] as const) REPORTERS[format](result, options);
    expect(readdirSync(dir).sort()).toEqual([
      "2026-11-23T12-00-00.000Z.html",
      "2026-11-23T12-00-00.000Z.json",
      "2026-11-23T12-00-00.000Z.junit.xml",
      "latest.html",
      "latest.json",
      "latest.junit.xml",
    ]);
    const junitFile = join(dir, "ci", "junit.xml");
    const written = REPORTERS.junit(result, { ...options, junitFile });
    expect(written.files).toEqual([{ what: "JUnit report", path: junitFile }]);
    expect(readFileSync(junitFile, "utf8")).toMatch(/^<\?xml/);
  });
});
