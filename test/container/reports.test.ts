import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { beforeAll, describe, expect, test } from "vitest";
import { RUN_RESULT_SCHEMA_FILE } from "../../lab/report/run-result-json-schema.js";
import { publishedSchemaErrors } from "../published-schema.js";
import { RunResultSchema, type BaselineChange, type RunResult } from "../../lab/run-result.js";
import { labStderr, runCli } from "../cli-runner.js";
import { containersOwnedBy } from "./helpers.js";

/**
 * The report flags as a CI pipeline uses them, on the real CLI and a real run of `hello`: write a
 * baseline, compare a second run with it (no regressions), then compare with a doctored baseline
 * (an outcome changed, a case vanished, a case is new, a fact moved) and check the exit status and
 * the changes every view lists.
 */
const dir = mkdtempSync(join(tmpdir(), "musl-lab-reports-"));
const baselineFile = join(dir, "baseline", "hello.json");
const readReport = (path: string): RunResult =>
  RunResultSchema.parse(JSON.parse(readFileSync(path, "utf8")));

let first: Awaited<ReturnType<typeof runCli>>;
beforeAll(async () => {
  first = await runCli([
    "hello",
    "--baseline",
    baselineFile,
    "--accept",
    "--format",
    "console,junit,html",
    "--output-dir",
    join(dir, "first"),
  ]);
});

describe("reports and baselines, on the real CLI", () => {
  test("the first run writes every report and becomes the baseline", () => {
    expect(labStderr(String(first.stderr))).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(first.exitCode).toBe(0);
    const files = readdirSync(join(dir, "first")).sort();
    expect(files.filter((f) => f.startsWith("latest"))).toEqual([
      "latest.html",
      "latest.json",
      "latest.junit.xml",
    ]);
    expect(files).toHaveLength(6);
    const stdout = String(first.stdout);
    expect(stdout).toMatch(/^╭─ changes since baseline /m);
    expect(stdout).toContain("no baseline yet: this run becomes the baseline");
    expect(stdout).toMatch(/^JUnit report: .*\.junit\.xml$/m);
    expect(stdout).toMatch(/^HTML report: .*\.html$/m);
    expect(stdout).toContain(`baseline written: ${baselineFile}`);
    const baseline = JSON.parse(readFileSync(baselineFile, "utf8"));
    expect(baseline.baseline).toBeUndefined();
    expect(RunResultSchema.safeParse(baseline).success).toBe(true);
  });

  test("the real run's report validates against the schema and the published JSON Schema's shape", () => {
    const report = readReport(join(dir, "first", "latest.json"));
    expect(report.baseline).toMatchObject({ file: baselineFile, accepted: true, changes: [] });
    const published = JSON.parse(readFileSync(RUN_RESULT_SCHEMA_FILE, "utf8"));
    const raw = JSON.parse(readFileSync(join(dir, "first", "latest.json"), "utf8"));
    // The structural promises of the published file, checked on the raw JSON a pipeline reads.
    for (const key of published.required) expect(raw).toHaveProperty(key);
    for (const key of Object.keys(raw)) expect(published.properties).toHaveProperty(key);
    const caseSchema = published.properties.scenarios.items.properties.cases.items;
    for (const c of raw.scenarios[0].cases) {
      for (const key of caseSchema.required) expect(c).toHaveProperty(key);
      expect(caseSchema.properties.outcome.enum).toContain(c.outcome);
    }
    // And the whole file, by a JSON Schema validator that knows nothing of zod.
    expect(publishedSchemaErrors(raw)).toBe("");
    for (const file of readdirSync(join(dir, "first")).filter((f) => f.endsWith(".json"))) {
      expect(
        publishedSchemaErrors(JSON.parse(readFileSync(join(dir, "first", file), "utf8"))),
      ).toBe("");
    }
  });

  test("the JUnit file is well-formed XML with a suite per environment", () => {
    const xml = readFileSync(join(dir, "first", "latest.junit.xml"), "utf8");
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toMatch(/<testsuite name="hello on glibc" /);
    expect(xml).toMatch(/<testsuite name="hello on musl" /);
    expect(xml).toMatch(/<testsuite name="changes since baseline" /);
  });

  test("a second run compared with the baseline: no changes, exit 0", async () => {
    const out = join(dir, "second");
    const second = await runCli(["hello", "--baseline", baselineFile, "--output-dir", out]);
    expect(second.exitCode).toBe(0);
    expect(String(second.stdout)).toContain("No changes since the baseline.");
    const report = readReport(join(out, "latest.json"));
    expect(report.baseline).toMatchObject({ accepted: false, changes: [], notCompared: 0 });
  });

  test("a doctored baseline: the changes are listed, the regressions exit 1", async () => {
    const doctored: RunResult = JSON.parse(readFileSync(baselineFile, "utf8"));
    const cases = doctored.scenarios[0]?.cases ?? [];
    const changed = cases.find((c) => c.id === "glibc-binary-on-musl" && c.environment === "musl");
    const vanished = cases.find((c) => c.environment === "glibc" && c.outcome === "as-expected");
    const measured = cases.find(
      (c) => c !== vanished && c.measurements["gnu_get_libc_version"] !== undefined,
    );
    if (!changed || !vanished || !measured)
      throw new Error("hello's cases changed; adapt the test");
    changed.outcome = "as-expected";
    doctored.scenarios[0]!.cases = cases.filter((c) => c !== vanished);
    cases.push({ ...vanished, id: "retired-case" });
    doctored.scenarios[0]!.cases.push({ ...vanished, id: "retired-case" });
    measured.measurements["gnu_get_libc_version"] = "2.0";
    const file = join(dir, "doctored.json");
    writeFileSync(file, JSON.stringify(doctored));

    const out = join(dir, "third");
    const third = await runCli([
      "hello",
      "--baseline",
      file,
      "--junit",
      join(out, "junit.xml"),
      "--output-dir",
      out,
    ]);
    expect(labStderr(String(third.stderr))).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(third.exitCode).toBe(1);

    const changes = readReport(join(out, "latest.json")).baseline?.changes ?? [];
    const summary = (c: BaselineChange) => [c.kind, c.id, c.environment, c.regression];
    expect(changes.map(summary)).toEqual(
      expect.arrayContaining([
        ["outcome-changed", "glibc-binary-on-musl", "musl", true],
        ["case-added", vanished.id, "glibc", false],
        ["case-missing", "retired-case", "glibc", true],
        ["measurement-moved", measured.id, measured.environment, false],
      ]),
    );
    expect(changes).toHaveLength(4);
    const stdout = String(third.stdout);
    expect(stdout).toContain(
      "hello/glibc-binary-on-musl on musl: outcome changed: as-expected -> expected-failure",
    );
    expect(stdout).toContain("hello/retired-case on glibc: case missing (was as-expected)");
    expect(stdout).toMatch(/gnu_get_libc_version moved: 2\.0 -> 2\.\d+/);
    expect(stdout).toContain("Regressions since the baseline: exit status 1.");
    const junit = readFileSync(join(out, "junit.xml"), "utf8");
    expect(XMLValidator.validate(junit)).toBe(true);
    expect(junit).toMatch(
      /<failure message="outcome changed: as-expected -&gt; expected-failure" type="outcome-changed">/,
    );

    // --accept takes the new run as the baseline: the same changes, listed, and exit 0.
    const accepted = await runCli(["hello", "--baseline", file, "--accept", "--output-dir", out]);
    expect(accepted.exitCode).toBe(0);
    expect(String(accepted.stdout)).toContain(
      "Regressions (accepted: this run is the new baseline):",
    );
    const rewritten = await runCli(["hello", "--baseline", file, "--output-dir", out]);
    expect(rewritten.exitCode).toBe(0);
  });

  test("--accept of one scenario keeps the baseline's other scenarios and says so", async () => {
    // The baseline of a full run, as far as hello can make one: a second scenario beside it.
    const full: RunResult = JSON.parse(readFileSync(baselineFile, "utf8"));
    const hello = full.scenarios[0]!;
    const other = {
      ...hello,
      id: "other",
      cases: hello.cases.map((c) => ({ ...c, scenario: "other" })),
    };
    full.scenarios.push(other);
    const file = join(dir, "full.json");
    writeFileSync(file, JSON.stringify(full));

    const result = await runCli([
      "hello",
      "--baseline",
      file,
      "--accept",
      "--output-dir",
      join(dir, "subset"),
    ]);
    expect(result.exitCode).toBe(0);
    const n = hello.cases.length;
    const environments = [...new Set(hello.cases.map((c) => c.environment))].sort().join(", ");
    expect(String(result.stdout)).toContain(
      `baseline written: ${file}: replaced ${n} cases of hello (${environments}); kept ${n} of other (${environments})`,
    );
    const written = readReport(file);
    expect(written.scenarios.map((s) => s.id)).toEqual(["hello", "other"]);
    expect(written.scenarios[1]).toEqual(other);
    expect(written.startedAt).not.toBe(full.startedAt);
    expect(written.summary.total).toBe(2 * n);
    expect(publishedSchemaErrors(JSON.parse(readFileSync(file, "utf8")))).toBe("");
  });

  test("a baseline of another schema version is one line and exit 2", async () => {
    const file = join(dir, "v0.json");
    writeFileSync(
      file,
      JSON.stringify({ ...JSON.parse(readFileSync(baselineFile, "utf8")), schemaVersion: 0 }),
    );
    const result = await runCli(["hello", "--baseline", file, "--output-dir", join(dir, "v0")]);
    expect(result.exitCode).toBe(2);
    expect(labStderr(String(result.stderr))).toBe(
      `musl-lab: baseline ${file} has schema version 0 but this musl-lab writes version 1; compare with a report of this version or replace it with --accept`,
    );
  });

  test("a read-only reports folder: one line before the run starts, exit 2, the previous latest.json intact", async () => {
    const out = mkdtempSync(join(tmpdir(), "musl-lab-readonly-"));
    writeFileSync(join(out, "latest.json"), "previous");
    // Read-only for root too: a remount, not a permission bit (CI runs as root).
    execFileSync("mount", ["--bind", out, out]);
    execFileSync("mount", ["-o", "remount,bind,ro", out]);
    try {
      const child = runCli(["hello", "--output-dir", out]);
      const result = await child;
      expect(result.exitCode).toBe(2);
      // One line and nothing before it: no image was checked, no container started, nothing ran.
      expect(labStderr(String(result.stderr))).toBe(
        `musl-lab: --output-dir ${out}: cannot write to ${out}: EROFS`,
      );
      expect(readFileSync(join(out, "latest.json"), "utf8")).toBe("previous");
      expect(readdirSync(out)).toEqual(["latest.json"]);
      expect(await containersOwnedBy(child.pid)).toEqual([]);
    } finally {
      execFileSync("umount", [out]);
    }
  });
});
