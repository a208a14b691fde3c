import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { InfrastructureError } from "../errors.js";
import type { RunResult } from "../run-result.js";

/** The run's start time as a file name: colons are not allowed everywhere (Windows shares, some CI artifact stores). */
export function reportStamp(result: RunResult): string {
  return result.startedAt.replace(/:/g, "-");
}

/**
 * Writes `<UTC start time><extension>` and `latest<extension>` in `directory`, or only `file` when
 * one is given (`--junit FILE`). Each is written to a temporary file beside its target and renamed,
 * so a reader (or a crash, or a full disk) never sees half a report, and the previous `latest`
 * stays intact until the new one is complete. Returns the paths written, the timestamped one first.
 */
export function writeReport(
  result: RunResult,
  content: string,
  where: { directory: string; extension: string; file?: string | null; what: string },
): string[] {
  const targets = where.file
    ? [where.file]
    : [
        join(where.directory, `${reportStamp(result)}${where.extension}`),
        join(where.directory, `latest${where.extension}`),
      ];
  try {
    for (const target of targets) {
      mkdirSync(dirname(target), { recursive: true });
      writeAtomically(target, content);
    }
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const place = where.file ?? where.directory;
    throw new InfrastructureError(`cannot write the ${where.what} to ${place}: ${reason}`);
  }
  return targets;
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
