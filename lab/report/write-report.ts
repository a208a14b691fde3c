import { linkSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
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
    for (const [index, target] of targets.entries()) {
      mkdirSync(dirname(target), { recursive: true });
      // Two runs may start in the same millisecond: the timestamped report is never replaced,
      // the later one takes the next free name. `latest` is meant to be replaced.
      if (!where.file && index === 0) targets[0] = writeNew(target, content);
      else writeAtomically(target, content);
    }
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const place = where.file ?? where.directory;
    throw new InfrastructureError(`cannot write the ${where.what} to ${place}: ${reason}`);
  }
  return targets;
}

/**
 * Like writeAtomically, but never replaces an existing file: the complete temporary file is
 * hard-linked to the first free name (`x.json`, `x-2.json`, …), which fails instead of overwriting.
 */
export function writeNew(path: string, content: string): string {
  const temporary = `${path}.${process.pid}.tmp`;
  const dot = path.lastIndexOf(".");
  const [stem, extension] =
    dot > path.lastIndexOf("/") ? [path.slice(0, dot), path.slice(dot)] : [path, ""];
  try {
    writeFileSync(temporary, content);
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? path : `${stem}-${n}${extension}`;
      try {
        linkSync(temporary, candidate);
        return candidate;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST" || n > 100) throw error;
      }
    }
  } finally {
    rmSync(temporary, { force: true });
  }
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
