import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ConfigurationError } from "../../../lab/errors.js";
import { compareWithBaseline, diffBaseline } from "../../../lab/compare/baseline-diff.js";
import { mergeBaseline, readBaseline, writeBaseline } from "../../../lab/compare/baseline-file.js";
import { describeChange } from "../../../lab/report/describe-change.js";
import { renderConsole } from "../../../lab/report/console.js";
import { renderJson } from "../../../lab/report/json.js";
import { movedBeyond, toleranceFor } from "../../../lab/compare/tolerances.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import { RunResultSchema, type RunResult } from "../../../lab/run-result.js";
import { publishedSchemaErrors } from "../../published-schema.js";
import { SAMPLE_RESULT } from "../../fixtures/run-result.js";
import { tempDir } from "../temp-dirs.js";
import { recount, resultWithTimings, withCase } from "./report-fixtures.js";

/** A clean run (every outcome predicted), so exit statuses come from the baseline alone. */
function cleanRun(): RunResult {
  const clean = withCase(
    withCase(
      resultWithTimings(),
      { scenario: "hello", id: "rebuilt-for-musl", environment: "musl" },
      (c) => ({
        ...c,
        outcome: "fix-verified",
      }),
    ),
    { scenario: "hello", id: "broken-probe", environment: "glibc" },
    () => null,
  );
  return clean;
}

const stack = (environment: string) => ({
  scenario: "thread-stack",
  id: "default-stack",
  environment,
});
const sweep256 = { scenario: "thread-stack", id: "default-sweep-256", environment: "musl" };
const concurrency = (environment: string) => ({ scenario: "dns", id: "concurrency", environment });
const measure =
  (key: string, value: string) => (c: RunResult["scenarios"][number]["cases"][number]) => ({
    ...c,
    measurements: { ...c.measurements, [key]: value },
  });

const baseline = (report: RunResult | null) => ({ file: "base.json", report, note: null });

describe("diffBaseline", () => {
  test("the same run twice: no changes", () => {
    expect(diffBaseline(cleanRun(), cleanRun())).toEqual({ changes: [], notCompared: 0 });
  });

  test("an outcome that changed is a regression", () => {
    const now = withCase(cleanRun(), sweep256, (c) => ({ ...c, outcome: "unexpected-pass" }));
    expect(diffBaseline(cleanRun(), now).changes).toEqual([
      {
        kind: "outcome-changed",
        ...sweep256,
        key: null,
        before: "expected-failure",
        after: "unexpected-pass",
        tolerance: null,
        regression: true,
      },
    ]);
  });

  test("a case that disappeared is a regression; a new case is listed", () => {
    const now = withCase(cleanRun(), stack("musl"), (c) => ({ ...c, id: "default-stack-renamed" }));
    const { changes } = diffBaseline(cleanRun(), now);
    expect(changes.map((c) => [c.kind, c.id, c.before, c.after, c.regression])).toEqual([
      ["case-added", "default-stack-renamed", null, "as-expected", false],
      ["case-missing", "default-stack", "as-expected", null, true],
    ]);
  });

  test("a survival limit may move by 5%, a median by 50% or 20 ms; single timings are ignored", () => {
    const limit = { scenario: "thread-stack", id: "default-stack", environment: "glibc" };
    const base = withCase(cleanRun(), limit, measure("limit", "8187"));
    const within = withCase(
      withCase(
        withCase(base, limit, measure("limit", "8000")),
        concurrency("musl"),
        measure("total_ms.median", "90"),
      ),
      concurrency("glibc"),
      measure("total_ms", "999"),
    );
    expect(diffBaseline(base, within).changes).toEqual([]);

    const beyond = withCase(
      withCase(base, limit, measure("limit", "7000")),
      concurrency("musl"),
      measure("total_ms.median", "120"),
    );
    expect(diffBaseline(base, beyond).changes).toEqual([
      expect.objectContaining({
        kind: "measurement-moved",
        id: "default-stack",
        environment: "glibc",
        key: "limit",
        before: "8187",
        after: "7000",
        tolerance: "±5%",
        regression: false,
      }),
      expect.objectContaining({
        kind: "measurement-moved",
        environment: "musl",
        key: "total_ms.median",
        before: "63.6",
        after: "120",
        tolerance: "±50%, at least ±20",
        regression: false,
      }),
    ]);
  });

  test("other facts must stay exactly the same; a fact that appears or vanishes shows", () => {
    const now = withCase(
      withCase(cleanRun(), stack("musl"), measure("stack_kib", "132")),
      stack("glibc"),
      (c) => ({ ...c, measurements: { stack_kib: "8192" } }),
    );
    const changes = diffBaseline(cleanRun(), now).changes;
    expect(changes.map((c) => [c.environment, c.key, c.before, c.after, c.tolerance])).toEqual([
      ["glibc", "guard_kib", "4", null, "exact"],
      ["musl", "stack_kib", "130", "132", "exact"],
    ]);
  });

  test("only the scenarios and environments this run selected are compared", () => {
    const onlyHello = {
      ...cleanRun(),
      scenarios: cleanRun().scenarios.filter((s) => s.id === "hello"),
    };
    const result = diffBaseline(cleanRun(), onlyHello);
    expect(result.changes).toEqual([]);
    expect(result.notCompared).toBe(8);
  });
});

describe("the tolerance table", () => {
  // Every scenario's rules in turn: the first matching pattern wins.
  const every = loadScenarios().flatMap((s) => s.report.tolerances ?? []);
  test("first matching pattern wins", () => {
    expect(toleranceFor("limit", every)).toMatchObject({ kind: "numeric", relative: 0.05 });
    expect(toleranceFor("lookup.3.ms.median", every)).toMatchObject({
      kind: "numeric",
      absolute: 20,
    });
    expect(toleranceFor("lookup.3.ms", every)).toEqual({ kind: "ignore" });
    expect(toleranceFor("min_ms.max", every)).toEqual({ kind: "ignore" });
    expect(toleranceFor("lookups.median", every)).toEqual({ kind: "exact" });
    expect(toleranceFor("order", every)).toEqual({ kind: "exact" });
  });

  test("one scenario's rules apply to its own facts; what it does not name is compared exactly", () => {
    const [threadStack = [], dns = []] = ["thread-stack", "dns"].map(
      (id) => loadScenarios().find((s) => s.id === id)?.report.tolerances ?? [],
    );
    expect(toleranceFor("limit", threadStack)).toMatchObject({ kind: "numeric", relative: 0.05 });
    expect(toleranceFor("total_ms", threadStack)).toEqual({ kind: "exact" });
    expect(toleranceFor("total_ms", dns)).toEqual({ kind: "ignore" });
    expect(toleranceFor("limit", dns)).toEqual({ kind: "exact" });
    expect(toleranceFor("order", [])).toEqual({ kind: "exact" });
  });

  test("numeric tolerances fall back to exact for words", () => {
    const numeric = toleranceFor("limit", every);
    expect(movedBeyond(numeric, "none", "none")).toBe(false);
    expect(movedBeyond(numeric, "none", "130")).toBe(true);
    expect(movedBeyond(numeric, "130", "136")).toBe(false);
    expect(movedBeyond(numeric, "130", "137")).toBe(true);
  });
});

describe("exit status with a baseline", () => {
  const regressed = () => withCase(cleanRun(), sweep256, (c) => ({ ...c, outcome: "as-expected" }));

  test("a regression makes a clean run exit 1, unless accepted", () => {
    expect(compareWithBaseline(cleanRun(), baseline(cleanRun()), false).exitStatus).toBe(0);
    expect(compareWithBaseline(regressed(), baseline(cleanRun()), false).exitStatus).toBe(1);
    expect(compareWithBaseline(regressed(), baseline(cleanRun()), true).exitStatus).toBe(0);
  });

  test("listed changes alone never fail the run", () => {
    const moved = withCase(cleanRun(), stack("musl"), measure("stack_kib", "132"));
    const compared = compareWithBaseline(moved, baseline(cleanRun()), false);
    expect(compared.baseline?.changes).toHaveLength(1);
    expect(compared.exitStatus).toBe(0);
  });

  test("unexpected outcomes still fail an accepted run, infra errors still exit 2", () => {
    expect(compareWithBaseline(SAMPLE_RESULT, baseline(SAMPLE_RESULT), true).exitStatus).toBe(1);
    const infra = withCase(cleanRun(), stack("musl"), (c) => ({ ...c, outcome: "infra-error" }));
    expect(compareWithBaseline(infra, baseline(cleanRun()), false).exitStatus).toBe(2);
  });

  test("the comparison is part of the JSON report and validates", () => {
    const compared = compareWithBaseline(regressed(), baseline(cleanRun()), false);
    const json = JSON.parse(renderJson(compared));
    expect(json.baseline).toMatchObject({
      file: "base.json",
      baselineStartedAt: "2026-11-23T12:00:00.000Z",
      accepted: false,
      notCompared: 0,
      changes: [{ kind: "outcome-changed", id: "default-sweep-256", regression: true }],
    });
    expect(json.exitStatus).toBe(1);
  });
});

describe("describeChange", () => {
  test("a measurement from the files is shown with its control characters escaped", () => {
    const base = withCase(cleanRun(), stack("musl"), measure("stack_kib", "1\u001b[31m28"));
    const now = withCase(cleanRun(), stack("musl"), measure("stack_kib", "132"));
    const [moved] = diffBaseline(base, now).changes;
    expect(moved && describeChange(moved)).toBe(
      "stack_kib moved: 1\\u001b[31m28 -> 132 (tolerance exact)",
    );
  });
});

describe("the console's changes-since-baseline box (snapshot, colour off)", () => {
  test("regressions first, then the other changes, and the summary says why it fails", async () => {
    const now = withCase(
      withCase(
        withCase(cleanRun(), sweep256, (c) => ({ ...c, outcome: "as-expected" })),
        stack("musl"),
        measure("stack_kib", "132"),
      ),
      concurrency("glibc"),
      (c) => ({ ...c, id: "concurrency-50" }),
    );
    const compared = compareWithBaseline(now, baseline(cleanRun()), false);
    const text = renderConsole(compared, { color: false, width: 100 });
    const boxes = text.split("\n╭").map((b, i) => (i === 0 ? b : `╭${b}`));
    const tail = boxes.filter((b) => /^╭─ (changes since baseline|summary)/.test(b)).join("\n");
    expect(tail).toContain("Regressions since the baseline: exit status 1.");
    await expect(tail).toMatchFileSnapshot("__snapshots__/console-baseline.txt");
  });
});

describe("baseline files", () => {
  const dir = () => tempDir("musl-lab-baseline-");
  const configurationError = (file: string, accept = false) => {
    try {
      readBaseline(file, accept);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      const message = (error as Error).message;
      expect(message).not.toContain("\n");
      return message;
    }
    throw new Error(`no error for ${file}`);
  };

  test("a saved report reads back as it was written", () => {
    const file = join(dir(), "baseline.json");
    writeFileSync(file, renderJson(SAMPLE_RESULT));
    expect(readBaseline(file, false)).toEqual({
      file,
      path: file,
      report: SAMPLE_RESULT,
      note: null,
    });
  });

  test("a missing file is an error, unless --accept creates it", () => {
    const file = join(dir(), "none.json");
    expect(configurationError(file)).toBe(
      `baseline ${file} does not exist; run once with --accept to create it`,
    );
    expect(readBaseline(file, true)).toMatchObject({ report: null, note: expect.any(String) });
  });

  test("a file that is no JSON, no musl-lab report or no valid report is a one-line error", () => {
    const d = dir();
    writeFileSync(join(d, "a.json"), "{ nope");
    writeFileSync(join(d, "b.json"), JSON.stringify({ name: "some-package" }));
    writeFileSync(join(d, "c.json"), JSON.stringify({ ...SAMPLE_RESULT, summary: null }));
    expect(configurationError(join(d, "a.json"))).toMatch(/^baseline .*a\.json is not JSON: /);
    expect(configurationError(join(d, "b.json"), true)).toMatch(
      /b\.json is not a musl-lab report$/,
    );
    expect(configurationError(join(d, "c.json"))).toMatch(
      /c\.json does not match the report schema: summary: /,
    );
  });

  test("a report written before expected-build-failure existed still reads, counting 0 of it", () => {
    const d = dir();
    const { "expected-build-failure": _count, ...olderSummary } = SAMPLE_RESULT.summary;
    void _count;
    writeFileSync(join(d, "old.json"), JSON.stringify({ ...SAMPLE_RESULT, summary: olderSummary }));
    expect(readBaseline(join(d, "old.json"), false).report?.summary["expected-build-failure"]).toBe(
      0,
    );
  });

  test("what a damaged file holds reaches the message with its control characters escaped", () => {
    const d = dir();
    writeFileSync(join(d, "binary.json"), Buffer.from("\u0000\u001b[31mRED\u001b]0;owned\u0007"));
    const message = configurationError(join(d, "binary.json"));
    expect(message).toMatch(/is not JSON: /);
    expect(message).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(message).toContain("\\u001b[31mRED");
    const key = JSON.stringify({ ...SAMPLE_RESULT, "\u001b[2J": 1 });
    writeFileSync(join(d, "key.json"), key);
    expect(configurationError(join(d, "key.json"))).not.toMatch(/[\u0000-\u001f]/);
  });

  test("a valid report whose ids hold control characters is damage, refused before printing", () => {
    const file = join(dir(), "ids.json");
    const damaged = withCase(SAMPLE_RESULT, stack("musl"), (c) => ({ ...c, id: "x\u001b[2Jy" }));
    writeFileSync(file, renderJson(damaged));
    expect(configurationError(file)).toMatch(
      /is damaged: scenarios\.\d+\.cases\.\d+\.id holds control characters \("x\\u001b\[2Jy"\)$/,
    );
  });

  test("a report of another schema version is a clear error; --accept replaces it", () => {
    const file = join(dir(), "old.json");
    writeFileSync(file, JSON.stringify({ ...SAMPLE_RESULT, schemaVersion: 0 }));
    expect(configurationError(file)).toBe(
      `baseline ${file} has schema version 0 but this musl-lab writes version 1; compare with a report of this version or replace it with --accept`,
    );
    expect(readBaseline(file, true)).toMatchObject({ report: null });
  });

  test("--accept writes the report without its comparison, atomically", () => {
    const d = dir();
    const file = join(d, "nested", "baseline.json");
    const loaded = { file, path: file, report: null, note: "first" };
    writeBaseline(compareWithBaseline(cleanRun(), loaded, true), loaded);
    expect(readdirSync(join(d, "nested"))).toEqual(["baseline.json"]);
    const written = JSON.parse(readFileSync(file, "utf8"));
    expect(written.baseline).toBeUndefined();
    expect(readBaseline(file, false).report).toEqual(cleanRun());
  });
});

/** A run of some scenarios of `full` only, on some of its environments, as `hello --env musl` is. */
function subsetRun(full: RunResult, scenarios: string[], environments: string[]): RunResult {
  return recount({
    ...structuredClone(full),
    startedAt: "2026-12-01T08:00:00.000Z",
    environments: full.environments.filter((e) => environments.includes(e.id)),
    scenarios: full.scenarios
      .filter((s) => scenarios.includes(s.id))
      .map((s) => ({ ...s, cases: s.cases.filter((c) => environments.includes(c.environment)) })),
  });
}

describe("--accept on a subset keeps what the run did not cover", () => {
  const key = (c: { scenario: string; id: string; environment: string }) =>
    `${c.scenario}/${c.id}/${c.environment}`;
  const keys = (r: RunResult) => r.scenarios.flatMap((s) => s.cases.map(key)).sort();

  test("one scenario accepted: the others' cases stay as they were, this one's are replaced", () => {
    const old = cleanRun();
    const dns = withCase(subsetRun(old, ["dns"], ["glibc", "musl"]), concurrency("musl"), (c) => ({
      ...c,
      title: "this run's",
    }));
    const { report, kept } = mergeBaseline(old, dns);
    expect(keys(report)).toEqual(keys(old));
    const musl = report.scenarios
      .find((s) => s.id === "dns")
      ?.cases.find((c) => c.environment === "musl");
    expect(musl?.title).toBe("this run's");
    const others = old.scenarios.filter((s) => s.id !== "dns");
    expect(kept.map(key).sort()).toEqual(others.flatMap((s) => s.cases.map(key)).sort());
    expect(report.scenarios.find((s) => s.id === "hello")).toEqual(
      old.scenarios.find((s) => s.id === "hello"),
    );
    // Every environment a kept case ran in is still described, the summary counts every case.
    expect(report.environments.map((e) => e.id).sort()).toEqual(
      old.environments.map((e) => e.id).sort(),
    );
    expect(report.summary).toEqual(recount(report).summary);
    expect(report.summary.total).toBe(keys(old).length);
    expect(report.startedAt).toBe(dns.startedAt);
    expect(RunResultSchema.safeParse(report).success).toBe(true);
    expect(publishedSchemaErrors(report)).toBe("");
  });

  test("one environment accepted: the scenario's cases on the other environments stay", () => {
    const old = cleanRun();
    const run = subsetRun(old, ["hello"], ["musl"]);
    const { report } = mergeBaseline(old, run);
    expect(keys(report)).toEqual(keys(old));
    expect(report.exitStatus).toBe(recount(report).exitStatus);
  });

  test("the exit status is that of every case the baseline now holds", () => {
    const old = withCase(cleanRun(), stack("glibc"), (c) => ({ ...c, outcome: "unexpected-pass" }));
    const run = subsetRun(cleanRun(), ["dns"], ["glibc", "musl"]);
    expect(run.exitStatus).toBe(0);
    expect(mergeBaseline(old, run).report.exitStatus).toBe(1);
  });

  test("the file written holds both, and the line says what was replaced and what was kept", () => {
    const file = join(tempDir("musl-lab-merge-"), "b.json");
    const old = cleanRun();
    writeFileSync(file, renderJson(old));
    const loaded = readBaseline(file, true);
    const run = compareWithBaseline(subsetRun(old, ["dns"], ["glibc", "musl"]), loaded, true);
    expect(writeBaseline(run, loaded)).toBe(
      `baseline written: ${file}: replaced 2 cases of dns (glibc, musl); kept 10 of hello (musl, musl-gcompat) and thread-stack (glibc, musl)`,
    );
    const written = readBaseline(file, false).report;
    expect(written && keys(written)).toEqual(keys(old));
  });
});
