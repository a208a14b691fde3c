import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { RUN_RESULT_SCHEMA_FILE } from "../lab/report/run-result-json-schema.js";

/**
 * Validates a report with the published JSON Schema file itself, through a JSON Schema validator
 * that knows nothing of zod: what a pipeline in another language would do with the file.
 * Returns the validator's errors, one line each ("" when the report is valid).
 */
export function publishedSchemaErrors(report: unknown): string {
  // zod writes `format: date-time` beside a `pattern` that already checks it; `true` tells ajv the
  // format is known, so strict mode does not reject the schema for it.
  const ajv = new Ajv2020({ allErrors: true, strict: true, formats: { "date-time": true } });
  const validate = ajv.compile(JSON.parse(readFileSync(RUN_RESULT_SCHEMA_FILE, "utf8")));
  if (validate(report)) return "";
  return (validate.errors ?? [])
    .map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`)
    .join("\n");
}
