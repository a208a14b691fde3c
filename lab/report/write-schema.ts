/**
 * `npm run schema`: regenerates lab/report/run-result.schema.json from the zod schema. Run it after
 * changing lab/run-result.ts; test/unit/report/schema.test.ts fails until you do.
 */
import { writeAtomically } from "./write-report.js";
import { renderRunResultJsonSchema, RUN_RESULT_SCHEMA_FILE } from "./run-result-json-schema.js";

writeAtomically(RUN_RESULT_SCHEMA_FILE, await renderRunResultJsonSchema());
process.stdout.write(`wrote ${RUN_RESULT_SCHEMA_FILE}\n`);
