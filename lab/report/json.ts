import { z } from "zod";
import { RunResultSchema, type RunResult } from "../run-result.js";
import { REPORT_EXTENSIONS, writeReport } from "./write-report.js";

/**
 * The JSON report. Every report the lab prints or writes is first checked against the published
 * schema (lab/run-result.ts): a report that does not match is a bug in the lab, so it stops with
 * the schema's complaint instead of handing pipelines a file they cannot trust.
 */
export function renderJson(result: RunResult): string {
  const checked = RunResultSchema.safeParse(result);
  if (!checked.success) {
    throw new Error(
      `musl-lab bug: the run's report does not match its own schema:\n${z.prettifyError(checked.error)}`,
    );
  }
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** Writes `<UTC timestamp>.json` and `latest.json`, atomically (see writeReport). */
export function writeJsonReport(
  result: RunResult,
  directory: string,
): { report: string; latest: string } {
  const [report = "", latest = ""] = writeReport(result, renderJson(result), {
    directory,
    extension: REPORT_EXTENSIONS.json,
    what: "JSON report",
  });
  return { report, latest };
}
