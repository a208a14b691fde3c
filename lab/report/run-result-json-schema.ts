import { join } from "node:path";
import { format, resolveConfig } from "prettier";
import { z } from "zod";
import { REPO_ROOT } from "../runtime/paths.js";
import { RunResultSchema, SCHEMA_VERSION } from "../run-result.js";

/** Where the published JSON Schema of the JSON report lives (committed; `npm run schema` writes it). */
export const RUN_RESULT_SCHEMA_FILE = join(REPO_ROOT, "lab", "report", "run-result.schema.json");

/**
 * The JSON report's schema as JSON Schema (draft 2020-12), generated from the zod schema in
 * lab/run-result.ts, which stays the single source of truth. Formatted as Prettier formats the
 * repository, so `npm run format` never makes the committed file look stale.
 */
export async function renderRunResultJsonSchema(): Promise<string> {
  const schema = {
    title: `musl-lab JSON report, schema version ${SCHEMA_VERSION}`,
    description:
      "Generated from lab/run-result.ts by `npm run schema`; do not edit. A test fails when it is stale.",
    ...z.toJSONSchema(RunResultSchema, { target: "draft-2020-12", io: "output" }),
  };
  const options = (await resolveConfig(RUN_RESULT_SCHEMA_FILE)) ?? {};
  return format(JSON.stringify(schema), { ...options, parser: "json" });
}
