import {
  lstatSync,
  linkSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InfrastructureError } from "../errors.js";
import { notRegular } from "../read-user-file.js";
import type { RunResult } from "../run-result.js";
import { makeFolders } from "../make-folders.js";

/** The file each format writes to the output directory: `<start time><ext>` and `latest<ext>`. */
export const REPORT_EXTENSIONS = { json: ".json", junit: ".junit.xml", html: ".html" } as const;

/** Linux gives up after 40 links (path_resolution(7)); a longer chain is a loop. */
const MAX_SYMLINKS = 40;

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
      makeFolders(dirname(target));
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

/**
 * Writes `content` to a temporary file beside the real target and renames it over the target, so
 * a reader never sees half a file. A symbolic link is followed: the file it points to is
 * replaced, in that file's folder, and the link stays. A device, FIFO, socket or folder is never
 * replaced by rename (`/dev/stdout` would become a regular file): that is an error.
 */
export function writeAtomically(path: string, content: string): void {
  const target = outputTarget(path);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    rmSync(temporary, { force: true });
    // `wx`: should anything appear at the temporary name meanwhile, it is not written through.
    writeFileSync(temporary, content, { flag: "wx" });
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Where writing `path` really lands: its symbolic links followed (also a dangling one, to the
 * file it names) and its existing folders resolved, so two spellings of one file compare equal.
 * Throws when what is there is not a regular file.
 */
export function outputTarget(path: string): string {
  let current = resolve(path);
  for (let links = 0; links <= MAX_SYMLINKS; links++) {
    let stats;
    try {
      stats = lstatSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      return join(realFolder(dirname(current)), basename(current));
    }
    if (!stats.isSymbolicLink()) {
      const refused = notRegular(stats);
      if (refused) throw new Error(refused);
      return realpathSync(current);
    }
    try {
      // Follows every link at once, also /proc's (/dev/stdout -> /proc/self/fd/1 -> pipe:[…]).
      const followed = statSync(current);
      const refused = notRegular(followed);
      if (refused) throw new Error(refused);
      return realpathSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw Object.assign(new Error("too many symbolic links (ELOOP)"), { code: "ELOOP" });
}

/** The folder with its existing part resolved (realpath) and the part still to be made kept. */
export function realFolder(folder: string): string {
  try {
    return realpathSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || dirname(folder) === folder) {
      throw error;
    }
    return join(realFolder(dirname(folder)), basename(folder));
  }
}
