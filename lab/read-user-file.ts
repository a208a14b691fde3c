import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";

/** What reading a file the user named gave: its bytes, or why there are none. */
export type UserFileRead =
  | { ok: true; bytes: Buffer }
  | {
      ok: false;
      /** `missing` (ENOENT), `too-large` (more than the limit), `unreadable` (anything else). */
      problem: "missing" | "too-large" | "unreadable";
      /** Why, in words fit for the end of a one-line message: `it is a FIFO, not a regular file`. */
      reason: string;
    };

/** How many bytes one read asks for; a user-named file is small or refused. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Reads a file named on the command line, at most `maxBytes` of it. Only regular files are read:
 * `stat().size` is 0 for /dev/zero, which then grows without end, and a FIFO blocks open(2) until
 * a writer comes, so neither size nor open can be trusted for what is not a regular file. The file
 * is opened with O_NONBLOCK (a FIFO swapped in after the stat still cannot hang the open) and
 * checked again on the open descriptor, and reading stops one byte past the limit, whatever the
 * file claims its size is.
 */
export function readUserFile(path: string, maxBytes: number): UserFileRead {
  let fd: number;
  try {
    // Checked before opening: opening a device can have effects of its own (a tape rewinds).
    const refused = notRegular(statSync(path));
    if (refused) return { ok: false, problem: "unreadable", reason: refused };
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    return failure(error);
  }
  try {
    const refused = notRegular(fstatSync(fd));
    if (refused) return { ok: false, problem: "unreadable", reason: refused };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
      const got = readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) break;
      chunks.push(chunk.subarray(0, got));
      total += got;
      if (total > maxBytes) {
        return { ok: false, problem: "too-large", reason: `it has more than ${maxBytes} bytes` };
      }
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } catch (error) {
    return failure(error);
  } finally {
    closeSync(fd);
  }
}

/** Why a file of this kind is not read or replaced (`it is a FIFO, not a regular file`), or null. */
export function notRegular(stats: Stats): string | null {
  if (stats.isFile()) return null;
  if (stats.isDirectory()) return "it is a directory (EISDIR)";
  const kind = stats.isFIFO()
    ? "a FIFO"
    : stats.isCharacterDevice()
      ? "a character device"
      : stats.isBlockDevice()
        ? "a block device"
        : stats.isSocket()
          ? "a socket"
          : "not a file";
  return `it is ${kind}, not a regular file`;
}

const WORDS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
  ENOTDIR: "a part of the path is not a directory",
  ELOOP: "too many symbolic links",
};

function failure(error: unknown): UserFileRead {
  const code = (error as NodeJS.ErrnoException).code;
  const words = code ? WORDS[code] : undefined;
  return {
    ok: false,
    problem: code === "ENOENT" ? "missing" : "unreadable",
    reason: words ? `${words} (${code})` : (code ?? String(error)),
  };
}
