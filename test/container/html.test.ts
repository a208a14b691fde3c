import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, test } from "vitest";
import { REPORTERS } from "../../lab/report/reporters.js";
import type { RunResult } from "../../lab/run-result.js";
import { renderJson } from "../../lab/report/json.js";
import { runLab } from "../../lab/run-lab.js";
import { publishedSchemaErrors } from "../published-schema.js";
import { REPO_ROOT } from "../../lab/runtime/paths.js";
import { loadScenarios } from "../../lab/scenarios/index.js";

/**
 * The HTML report of a real run (thread-stack, dns and locale on glibc and musl), opened in a real
 * headless browser: the charts and tables must be in the page after its script ran, and a
 * screenshot is left in test-output/html-report/ for a human to look at. Debian's chromium is
 * installed when missing (the machine's package manager, as root), so this never skips, CI or not.
 */
const OUTPUT = join(REPO_ROOT, "test-output", "html-report");
const CHROMIUM_TIMEOUT_MS = 90_000;
let html: string;
let dom: string;
let result: RunResult;

async function ensureChromium(): Promise<string> {
  const found = await execa("sh", ["-c", "command -v chromium"], { reject: false });
  if (found.exitCode === 0) return found.stdout.trim();
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  // An old package list may name versions the mirror no longer has: update, then install.
  await execa("apt-get", ["update", "-qq"], { env });
  await execa("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], { env });
  return (await execa("sh", ["-c", "command -v chromium"])).stdout.trim();
}

function chromium(binary: string, ...args: string[]) {
  return execa(binary, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", ...args], {
    timeout: CHROMIUM_TIMEOUT_MS,
    reject: false,
  });
}

beforeAll(async () => {
  const [browser, run] = await Promise.all([
    ensureChromium(),
    runLab({
      scenarios: loadScenarios().filter((s) => ["thread-stack", "dns", "locale"].includes(s.id)),
      environmentIds: ["glibc", "musl"],
      images: "auto",
      log: () => undefined,
    }),
  ]);
  result = run;
  rmSync(OUTPUT, { recursive: true, force: true });
  mkdirSync(OUTPUT, { recursive: true });
  REPORTERS.html(result, { outputDir: OUTPUT, junitFile: null, color: false, width: 100 });
  const file = join(OUTPUT, "latest.html");
  html = readFileSync(file, "utf8");
  const [dumped, shot] = await Promise.all([
    chromium(browser, "--dump-dom", `file://${file}`),
    chromium(
      browser,
      `--screenshot=${join(OUTPUT, "report.png")}`,
      "--window-size=1280,2000",
      "--hide-scrollbars",
      `file://${file}`,
    ),
  ]);
  expect(dumped.exitCode, dumped.stderr).toBe(0);
  expect(shot.exitCode, shot.stderr).toBe(0);
  dom = dumped.stdout;
}, 900_000);

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, "g"))?.length ?? 0;

describe("the HTML report of a real run, in headless Chromium", () => {
  test("the page's script ran and counted the cases and charts", () => {
    expect(dom).toMatch(/<html lang="en" data-ready="true">/);
    const cases = result.scenarios.reduce((n, s) => n + s.cases.length, 0);
    expect(dom).toMatch(
      new RegExp(
        `<span id="script-status" class="meta">${cases} cases, 0 unexpected, \\d+ charts</span>`,
      ),
    );
  });

  test("the environments detected, and a case table per scenario", () => {
    expect(dom).toMatch(/<th scope="row">glibc<\/th><td>glibc<\/td><td>2\.\d+<\/td>/);
    expect(dom).toMatch(/<th scope="row">musl<\/th><td>musl<\/td><td>1\.2\.\d+<\/td>/);
    expect(count(dom, /<table class="cases">/)).toBe(3);
    expect(count(dom, /<details><summary>show<\/summary>/)).toBeGreaterThan(20);
  });

  test("thread-stack: survived/crashed per size and environment, the limits marked", () => {
    const sweeps = Object.keys(result.scenarios.find((s) => s.id === "thread-stack")?.sweeps ?? {});
    expect(count(dom, /<svg class="chart sweep-chart"/)).toBe(sweeps.length);
    expect(count(dom, /class="point crashed"/)).toBeGreaterThanOrEqual(3);
    expect(count(dom, /class="point survived"/)).toBeGreaterThanOrEqual(10);
    expect(dom).toMatch(
      /<g class="limit-marker solid"><title>musl: survives up to 1[23]\d KiB<\/title>/,
    );
    expect(dom).toMatch(
      /<g class="limit-marker dashed"><title>glibc: default stack \d+ KiB<\/title>/,
    );
  });

  test("dns: bars of the median lookup times with min/max whiskers per case and environment", () => {
    const timed =
      result.scenarios
        .find((s) => s.id === "dns")
        ?.cases.filter((c) => c.measurements["total_ms.median"] !== undefined) ?? [];
    expect(timed.length).toBeGreaterThanOrEqual(4);
    expect(count(dom, /<rect class="bar"/)).toBe(timed.length);
    expect(count(dom, /<path class="whisker"/)).toBe(timed.length);
    expect(dom).toMatch(/<svg class="chart timing-chart"[^>]*aria-label="dead-first-server"/);
  });

  test("locale: the side-by-side tables, differing rows marked", () => {
    const locale = html.slice(html.indexOf('id="scenario-locale"'));
    expect(count(locale, /<table class="side-by-side">/)).toBeGreaterThanOrEqual(2);
    expect(count(locale, /<tr class="differs">/)).toBeGreaterThanOrEqual(3);
  });

  test("the same run's JSON report passes the published JSON Schema (every scenario's facts)", () => {
    expect(publishedSchemaErrors(JSON.parse(renderJson(result)))).toBe("");
  });

  test("a screenshot is left for a human", () => {
    const png = readFileSync(join(OUTPUT, "report.png"));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(existsSync(join(OUTPUT, "latest.html"))).toBe(true);
  });
});
