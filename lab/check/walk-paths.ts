/**
 * Finds the files under the paths a user names: files as they are, directories recursed in a
 * stable (bytewise sorted) order, symlinks followed with loops detected. Nothing here opens a
 * file: every path is lstat'ed, and stat'ed when it is a symlink, so a FIFO, a socket or a device
 * is known for what it is before anyone could block on it or trigger its side effects.
 */
import { lstat, readdir, stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import { interruptionOf, UsageError } from "../errors.js";
import { notRegular } from "../read-user-file.js";
import { escapeControl } from "../report/escape-control.js";
import { pathText } from "./collect-path-text.js";

/** A regular file to look at, or a path skipped with the reason. */
export type FoundPath =
  | {
      kind: "file";
      /** The path for the file system, as bytes: a name need not be UTF-8. */
      fsPath: Buffer;
      /** The path for people: as named, then each name through pathText. */
      display: string;
      /** The user named this path itself (its problems are a UsageError, not a skip). */
      named: boolean;
      /** stat of the file (through symlinks). */
      stats: Stats;
    }
  | { kind: "skipped"; display: string; reason: string };

/** Directories and files already walked or found, by device and inode. */
type Seen = Set<string>;

/**
 * The files under `paths`, in the order named and, inside each directory, in bytewise order of
 * their names. Every named path is checked before the first is walked, so a typo in the last of
 * them fails at once (a UsageError: it does not exist, or it cannot be read) and not after a long
 * walk. A file reached a second time (a symlink beside its target, a hard link, a directory
 * reached by two symlinks) is found once: its `onSameFile` is called instead.
 */
export async function* walkPaths(
  paths: string[],
  options: { signal?: AbortSignal | undefined; onSameFile?: () => void } = {},
): AsyncGenerator<FoundPath> {
  const named = [];
  for (const path of paths) named.push({ path, stats: await statNamed(path) });
  const seen: Seen = new Set();
  for (const { path, stats } of named) {
    yield* visit(
      Buffer.from(path),
      escapeControl(path),
      stats,
      { named: true, ancestors: [], seen },
      options,
    );
  }
}

interface Place {
  named: boolean;
  /** The directories above this path (device:inode and display), to tell a loop. */
  ancestors: { id: string; display: string }[];
  seen: Seen;
}

async function* visit(
  fsPath: Buffer,
  display: string,
  stats: Stats,
  place: Place,
  options: { signal?: AbortSignal | undefined; onSameFile?: () => void },
): AsyncGenerator<FoundPath> {
  if (options.signal?.aborted) throw interruptionOf(options.signal);
  const id = `${stats.dev}:${stats.ino}`;
  if (stats.isDirectory()) {
    const loop = place.ancestors.find((a) => a.id === id);
    if (loop) {
      yield {
        kind: "skipped",
        display,
        reason: `a symlink loop: it leads back to ${loop.display}, which is not walked again`,
      };
      return;
    }
    if (place.seen.has(id)) return options.onSameFile?.();
    place.seen.add(id);
    let names: Buffer[];
    try {
      names = await readdir(fsPath, { encoding: "buffer" });
    } catch (error) {
      const reason = `the directory cannot be read: ${errorWords(error)}`;
      if (place.named) throw new UsageError(`check: ${display}: ${reason}`);
      yield { kind: "skipped", display, reason };
      return;
    }
    names.sort(Buffer.compare);
    const inside: Place = {
      named: false,
      ancestors: [...place.ancestors, { id, display }],
      seen: place.seen,
    };
    const prefix = fsPath[fsPath.length - 1] === 0x2f ? fsPath : Buffer.concat([fsPath, SLASH]);
    const displayPrefix = display.endsWith("/") ? display : `${display}/`;
    for (const name of names) {
      const child = Buffer.concat([prefix, name]);
      const childDisplay = displayPrefix + pathText(name);
      const found = await statFound(child);
      if ("reason" in found) {
        yield { kind: "skipped", display: childDisplay, reason: found.reason };
        continue;
      }
      yield* visit(child, childDisplay, found.stats, inside, options);
    }
    return;
  }
  const refused = notRegular(stats);
  if (refused) {
    yield { kind: "skipped", display, reason: `${refused}: not opened` };
    return;
  }
  if (place.seen.has(id)) return options.onSameFile?.();
  place.seen.add(id);
  yield { kind: "file", fsPath, display, named: place.named, stats };
}

const SLASH = Buffer.from("/");

/**
 * A named path's stat (through symlinks), or the UsageError that says in one line why there is
 * none: it does not exist, a symlink to nothing, a symlink loop, a part that is no directory.
 */
async function statNamed(path: string): Promise<Stats> {
  const shown = escapeControl(path);
  let link: Stats;
  try {
    link = await lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UsageError(`check: ${shown} does not exist (ENOENT)`);
    throw new UsageError(`check: ${shown} cannot be read: ${errorWords(error)}`);
  }
  if (!link.isSymbolicLink()) return link;
  try {
    return await stat(path);
  } catch (error) {
    throw new UsageError(`check: ${shown} is ${symlinkProblem(error)}`);
  }
}

/** A path found in a directory: its stat through symlinks, or why it is skipped. */
async function statFound(path: Buffer): Promise<{ stats: Stats } | { reason: string }> {
  let link: Stats;
  try {
    link = await lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Listed by readdir a moment ago: removed or renamed while the walk went on.
    if (code === "ENOENT") return { reason: "it vanished while the directory was walked" };
    return { reason: `it cannot be read: ${errorWords(error)}` };
  }
  if (!link.isSymbolicLink()) return { stats: link };
  try {
    return { stats: await stat(path) };
  } catch (error) {
    return { reason: `it is ${symlinkProblem(error)}` };
  }
}

function symlinkProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "a symlink to nothing (a dangling symlink)";
  // The kernel gives up after 40 links (path_resolution(7)): a loop, or a chain that long.
  if (code === "ELOOP") return "a symlink loop (ELOOP)";
  return `a symlink that cannot be followed: ${errorWords(error)}`;
}

const WORDS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "a part of the path is not a directory",
  ELOOP: "too many symbolic links",
  ENAMETOOLONG: "the path is too long",
  EIO: "an I/O error",
};

/** `permission denied (EACCES)`: an errno error in words, with its code. */
export function errorWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (!code) return error instanceof Error ? error.message : String(error);
  const words = WORDS[code];
  return words ? `${words} (${code})` : code;
}
