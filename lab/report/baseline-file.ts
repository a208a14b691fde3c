import { readFileSync } from "node:fs";
import { ConfigurationError } from "../errors.js";
import { RunResultSchema, SCHEMA_VERSION, type RunResult } from "../run-result.js";
import { renderJson } from "./json.js";
import { writeReport } from "./write-report.js";

/** A baseline as the CLI found it: the saved report, or why there is none to compare with. */
export interface LoadedBaseline {
  file: string;
  report: RunResult | null;
  /** Why nothing is compared (only with --accept: without it these cases are errors). */
  note: string | null;
}

/**
 * Reads and checks `--baseline FILE` before the run starts, so a wrong path costs seconds, not a
 * whole run. Every problem is one line (exit status 2). With `--accept` a missing file or a report
 * of another schema version is fine: this run replaces it. A file that is not a musl-lab report at
 * all is never overwritten: it is more likely a wrong path than an old baseline.
 */
export function readBaseline(file: string, accept: boolean): LoadedBaseline {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && accept) {
      return { file, report: null, note: "no baseline yet: this run becomes the baseline" };
    }
    throw new ConfigurationError(
      code === "ENOENT"
        ? `baseline ${file} does not exist; run once with --accept to create it`
        : `cannot read the baseline ${file}: ${code ?? (error as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message.split("\n")[0] ?? "";
    throw new ConfigurationError(`baseline ${file} is not JSON: ${reason}`);
  }
  const header = raw as { tool?: { name?: unknown }; schemaVersion?: unknown } | null;
  if (typeof header !== "object" || header === null || header.tool?.name !== "musl-lab") {
    throw new ConfigurationError(`baseline ${file} is not a musl-lab report`);
  }
  if (header.schemaVersion !== SCHEMA_VERSION) {
    const version = JSON.stringify(header.schemaVersion ?? null);
    if (accept) {
      return {
        file,
        report: null,
        note: `the baseline had schema version ${version}: replaced without comparing`,
      };
    }
    throw new ConfigurationError(
      `baseline ${file} has schema version ${version} but this musl-lab writes version ${SCHEMA_VERSION}; compare with a report of this version or replace it with --accept`,
    );
  }
  const parsed = RunResultSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    throw new ConfigurationError(
      `baseline ${file} does not match the report schema${where}: ${issue?.message ?? "invalid"}`,
    );
  }
  return { file, report: parsed.data, note: null };
}

/**
 * `--accept`: this run's report becomes the baseline, written atomically so a failed write leaves
 * the old baseline intact. The comparison itself is left out: a baseline is a plain report, and a
 * diff against the baseline before it would only confuse the next reader.
 */
export function writeBaseline(result: RunResult, file: string): string {
  const { baseline: _comparison, ...report } = result;
  void _comparison;
  writeReport(result, renderJson(report), { directory: "", extension: "", file, what: "baseline" });
  return file;
}
