import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { renderJson } from "../../../lab/report/json.js";
import {
  renderRunResultJsonSchema,
  RUN_RESULT_SCHEMA_FILE,
} from "../../../lab/report/run-result-json-schema.js";
import { RunResultSchema } from "../../../lab/run-result.js";
import { SAMPLE_RESULT } from "../../fixtures/run-result.js";
import { publishedSchemaErrors } from "../../published-schema.js";
import { resultWithTimings } from "./report-fixtures.js";

describe("the published JSON Schema", () => {
  test("is what `npm run schema` generates from the zod schema today (run it when this fails)", async () => {
    const published = readFileSync(RUN_RESULT_SCHEMA_FILE, "utf8");
    expect(published).toBe(await renderRunResultJsonSchema());
  });

  test("describes every top-level field of a report, strictly", () => {
    const schema = JSON.parse(readFileSync(RUN_RESULT_SCHEMA_FILE, "utf8"));
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties).sort()).toEqual(
      Object.keys(RunResultSchema.shape).sort(),
    );
    expect(schema.required).toEqual(
      expect.arrayContaining(["schemaVersion", "environments", "scenarios", "exitStatus"]),
    );
    expect(schema.required).not.toContain("baseline");
    const caseSchema = schema.properties.scenarios.items.properties.cases.items;
    expect(caseSchema.properties.outcome.enum).toContain("expected-failure");
    expect(caseSchema.required).not.toContain("queryLog");
  });
});

describe("report validation", () => {
  test("the sample reports validate", () => {
    expect(RunResultSchema.safeParse(SAMPLE_RESULT).success).toBe(true);
    expect(RunResultSchema.safeParse(resultWithTimings()).success).toBe(true);
  });

  test("a report with a missing, a wrong or an unknown field does not", () => {
    const { summary: _summary, ...noSummary } = SAMPLE_RESULT;
    void _summary;
    expect(RunResultSchema.safeParse(noSummary).success).toBe(false);
    expect(RunResultSchema.safeParse({ ...SAMPLE_RESULT, exitStatus: 3 }).success).toBe(false);
    expect(RunResultSchema.safeParse({ ...SAMPLE_RESULT, extra: true }).success).toBe(false);
  });

  test("the published JSON Schema file, read by a JSON Schema validator, agrees with zod", () => {
    for (const report of [SAMPLE_RESULT, resultWithTimings()]) {
      expect(publishedSchemaErrors(JSON.parse(renderJson(report)))).toBe("");
    }
    const { summary: _summary, ...noSummary } = SAMPLE_RESULT;
    void _summary;
    expect(publishedSchemaErrors(noSummary)).toMatch(/summary/);
    expect(publishedSchemaErrors({ ...SAMPLE_RESULT, exitStatus: 3 })).toMatch(/exitStatus/);
    expect(publishedSchemaErrors({ ...SAMPLE_RESULT, extra: true })).toMatch(/extra/);
  });

  test("the lab never prints or writes a report that does not match its schema", () => {
    const broken = { ...SAMPLE_RESULT, startedAt: "yesterday" };
    expect(() => renderJson(broken)).toThrow(/does not match its own schema[\s\S]*startedAt/);
  });
});
