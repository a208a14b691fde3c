import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { classify, selectExpectation } from "../../../lab/classify/classify.js";
import { parseMeasurements } from "../../../lab/classify/measurements.js";
import type { LibcFamily } from "../../../lab/environments/schema.js";
import { renderConsole } from "../../../lab/report/console.js";
import { measurementTables } from "../../../lab/report/scenario-views.js";
import type { CaseResult, RunResult } from "../../../lab/run-result.js";
import { missingLocales } from "../../../lab/run/prepare.js";
import { citeSources } from "../../../lab/scenarios/cite-sources.js";
import { locale } from "../../../lab/scenarios/locale/index.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import type { Case } from "../../../lab/scenarios/schema.js";
import { ranWith } from "./recorded-output.js";
import { SAMPLE_RESULT } from "../../fixtures/run-result.js";

const FIXTURES = join(import.meta.dirname, "../../fixtures/locale");
const [scenario] = loadScenarios([locale]);

/** The probe's real output for one run, cut out of a fixture file by its `### mode` header. */
function section(file: string, header: string): string {
  const text = readFileSync(join(FIXTURES, file), "utf8");
  const start = text.indexOf(`### ${header}\n`);
  if (start < 0) throw new Error(`no section ${header} in ${file}`);
  const body = text.slice(start + header.length + 5);
  const end = body.indexOf("\n### ");
  return end < 0 ? body : body.slice(0, end + 1);
}

/** Which fixture section each case's run printed. */
const SECTION_OF: Record<string, string> = {
  "setlocale-no-lang": "setlocale (LANG/LC_ALL unset)",
  "setlocale-lang": "setlocale (LANG=de_DE.UTF-8)",
  "setlocale-lc-all": "setlocale (LC_ALL=sv_SE.UTF-8, LANG=de_DE.UTF-8)",
  "collate-c": "collate C",
  "collate-en-us": "collate en_US.UTF-8",
  "collate-de-de": "collate de_DE.UTF-8",
  "collate-sv-se": "collate sv_SE.UTF-8",
  format: "format",
  "case-turkish": "case",
  "c-locale-bytes": "bytes",
  "available-locales": "available",
  "static-glibc-on-musl": "setlocale (LANG/LC_ALL unset)",
};

const ENVIRONMENTS = [
  { id: "glibc", file: "glibc-2.41.txt", libc: { family: "glibc" as LibcFamily, version: "2.41" } },
  { id: "musl", file: "musl-1.2.5.txt", libc: { family: "musl" as LibcFamily, version: "1.2.5" } },
];

function resultFor(testCase: Case, environment: (typeof ENVIRONMENTS)[number]): CaseResult {
  const file =
    testCase.id === "static-glibc-on-musl"
      ? "glibc-static-2.41-on-musl-1.2.5.txt"
      : environment.file;
  const stdout = section(file, SECTION_OF[testCase.id]!);
  const expected = selectExpectation(testCase.expect, environment.libc);
  const verdict = classify(testCase.role, expected, ranWith(stdout));
  return {
    scenario: "locale",
    id: testCase.id,
    caseId: testCase.id,
    value: null,
    title: testCase.title,
    role: testCase.role,
    environment: environment.id,
    builtIn: "glibc",
    build: null,
    command: `/lab/bin/locale-${environment.id}-dynamic`,
    exitCode: 0,
    signal: null,
    stdout,
    stderr: "",
    durationMs: 5,
    measurements: parseMeasurements(stdout),
    expected,
    outcome: verdict.outcome,
    explanation: verdict.explanation,
    mismatches: verdict.mismatches,
    note: null,
  };
}

const cases = scenario!.cases.flatMap((c) =>
  c.id === "static-glibc-on-musl"
    ? [resultFor(c, ENVIRONMENTS[1]!)]
    : ENVIRONMENTS.map((e) => resultFor(c, e)),
);
const RESULT: RunResult = {
  ...SAMPLE_RESULT,
  scenarios: [
    {
      id: "locale",
      title: scenario!.title,
      description: scenario!.description,
      sources: citeSources(scenario!.sources),
      sweeps: {},
      report: scenario!.report,
      cases,
    },
  ],
};

describe("locale: the probe's real outputs against the scenario's expectations", () => {
  test("every case classifies as predicted on glibc 2.41 and musl 1.2.5", () => {
    const surprises = cases.filter((c) => c.outcome !== "as-expected");
    expect(surprises.map((c) => `${c.id}@${c.environment}: ${c.mismatches.join("; ")}`)).toEqual(
      [],
    );
  });

  test("the probe's key=value lines parse, UTF-8 and separators intact", () => {
    const glibc = parseMeasurements(section("glibc-2.41.txt", "collate sv_SE.UTF-8"));
    expect(glibc["order"]).toBe("apple|Banana|cherry|éclair|Ost|zebra|Zürich|Ångström|Äpfel|Öl");
    const musl = parseMeasurements(section("musl-1.2.5.txt", "setlocale (LANG/LC_ALL unset)"));
    expect(musl["setlocale.empty"]).toBe("C.UTF-8;C;C;C;C;C");
    expect(musl["setlocale.xx_yy.codeset"]).toBe("UTF-8");
    const format = parseMeasurements(section("glibc-2.41.txt", "format"));
    expect(format["strftime_c.c"]).toBe("Sat Mar  9 16:00:00 2024");
  });

  test("a glibc order on musl would be an unexpected failure naming what differed", () => {
    const testCase = scenario!.cases.find((c) => c.id === "collate-en-us")!;
    const stdout = section("glibc-2.41.txt", "collate en_US.UTF-8");
    const expectation = selectExpectation(testCase.expect, ENVIRONMENTS[1]!.libc);
    const verdict = classify("demonstration", expectation, ranWith(stdout));
    expect(verdict.outcome).toBe("unexpected-failure");
    expect(verdict.mismatches[0]).toMatch(/^order: wanted Banana\|Ost/);
  });

  test("side-by-side tables mark exactly the rows where the libcs differ", () => {
    const [setlocaleTable, collation] = measurementTables(RESULT, RESULT.scenarios[0]!);
    const differs = (label: string) => setlocaleTable!.rows.find((r) => r.label === label)?.differs;
    expect(differs('"xx_YY.UTF-8" (exists nowhere)')).toBe(true);
    expect(differs('"en_US.UTF-8"')).toBe(false);
    expect(collation!.rows.map((r) => r.differs)).toEqual([false, true, true, true]);
  });

  test("the locale report, colour off (snapshot)", async () => {
    const text = renderConsole(RESULT, { color: false, width: 110 });
    await expect(text).toMatchFileSnapshot("__snapshots__/locale-report.txt");
  });
});

describe("missing glibc locales", () => {
  const detected = (locales: string[] | null, family: LibcFamily = "glibc") => ({
    ...SAMPLE_RESULT.environments[0]!,
    libc: { family, version: family === "glibc" ? "2.41" : "1.2.5" },
    locales,
  });

  test("an image without generated locales is caught, names compared as locale -a spells them", () => {
    expect(missingLocales(scenario!, detected(["C", "C.utf8", "POSIX", "en_US.utf8"]))).toEqual([
      "de_DE.UTF-8",
      "tr_TR.UTF-8",
      "sv_SE.UTF-8",
      "ja_JP.UTF-8",
    ]);
    expect(
      missingLocales(
        scenario!,
        detected(["C", "de_DE.utf8", "en_US.utf8", "ja_JP.utf8", "sv_SE.utf8", "tr_TR.utf8"]),
      ),
    ).toEqual([]);
  });

  test("musl is never missing locales: it has no locale data by design", () => {
    expect(missingLocales(scenario!, detected(null, "musl"))).toEqual([]);
  });
});
