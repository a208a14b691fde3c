import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InfrastructureError } from "../errors.js";
import type { RunResult } from "../run-result.js";

export function renderJson(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/**
 * Writes `<UTC timestamp>.json` and `latest.json`. Each is written to a temporary file beside its
 * target and renamed, so a reader (or a crash, or a full disk) never sees half a report, and the
 * previous `latest.json` stays intact until the new one is complete.
 */
export function writeJsonReport(
  result: RunResult,
  directory: string,
): { report: string; latest: string } {
  // Colons are not allowed in file names everywhere (Windows shares, some CI artifact stores).
  const report = join(directory, `${result.startedAt.replace(/:/g, "-")}.json`);
  const latest = join(directory, "latest.json");
  const content = renderJson(result);
  try {
    mkdirSync(directory, { recursive: true });
    writeAtomically(report, content);
    writeAtomically(latest, content);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InfrastructureError(`cannot write the JSON report to ${directory}: ${reason}`);
  }
  return { report, latest };
}

export function writeAtomically(path: string, content: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
