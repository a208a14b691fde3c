import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { RUN_RESULT_SCHEMA_FILE } from "../lab/report/run-result-json-schema.js";

/**
 * Validates a report with the published JSON Schema file itself, through a JSON Schema validator
 * that knows nothing of zod: what a pipeline in another language would do with the file.
 * Returns the validator's errors, one line each ("" when the report is valid).
 */
export function publishedSchemaErrors(report: unknown): string {
  const validate = validator();
  if (validate(report)) return "";
  return (validate.errors ?? [])
    .map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`)
    .join("\n");
}

/** The schema file is read and compiled once per test file, however many reports it checks. */
let compiled: ValidateFunction | null = null;
function validator(): ValidateFunction {
  // zod writes `format: date-time` beside a `pattern` that already checks it; `true` tells ajv the
  // format is known, so strict mode does not reject the schema for it.
  compiled ??= new Ajv2020({
    allErrors: true,
    strict: true,
    formats: { "date-time": true },
  }).compile(JSON.parse(readFileSync(RUN_RESULT_SCHEMA_FILE, "utf8")));
  return compiled;
}
