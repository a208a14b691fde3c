/**
 * Walks the entries of a tar stream or a zip file without extracting anything to disk, and reads
 * of each entry only what the caller asks for. One walker for every tar the checker meets: npm
 * tarballs, plain tars, and a Docker image's filesystem (`docker export` is a flat tar).
 *
 * Libraries, not parsers of our own:
 * - tar-stream (mafintosh/tar-stream, also what testcontainers and dockerode use for tars): a
 *   streaming parser with backpressure, so an image of any size passes through a few buffers; it
 *   reads ustar, pax and GNU long names, which `docker export` and `npm pack` write.
 * - yauzl (thejoshwolfe/yauzl): the zip reader that reads the central directory (the only
 *   authoritative list of a zip's entries; a streaming zip reader guesses from local headers) by
 *   random access on a file descriptor, never loading the file, and checks each entry's
 *   decompressed size against its declared one, so a declared size can be trusted for limits.
 *   unzipper and adm-zip read whole files into memory or stream local headers.
 * gzip is Node's own zlib.
 */
import { posix } from "node:path";
import { Readable } from "node:stream";
import { extract as tarExtract, type Header } from "tar-stream";
import yauzl from "yauzl";
import { interruptionOf } from "../errors.js";
import { contentKind, HEAD_BYTES } from "./collect-magic.js";
import { describeBytes, type CollectLimits } from "./collect-limits.js";
import { pathText } from "./collect-path-text.js";

/** What an archive entry is. `other`: a device, FIFO or anything else an archive can record. */
export type ArchiveEntryType = "file" | "directory" | "symlink" | "hardlink" | "other";

/** One entry's metadata, whatever the archive format. */
export interface ArchiveEntry {
  /**
   * Absolute and normalised, as the path would be in the unpacked tree: `./usr/bin/make`,
   * `usr/bin/make` and `usr//bin/./make` are all `/usr/bin/make`; no trailing slash. Bytes that
   * are not UTF-8 are shown as `\xNN` (see pathText).
   */
  path: string;
  type: ArchiveEntryType;
  /**
   * A symlink's target as stored (relative targets stay relative: `libc.so.6` points beside the
   * link); a hard link's target, an archive path, normalised like `path`; null for the others.
   */
  linkTarget: string | null;
  /** Bytes of content the archive holds for it (0 for everything but files). */
  size: number;
  /** Permission bits (and setuid/setgid/sticky), without the file type. */
  mode: number;
}

/**
 * What the caller wants of an entry's bytes: `none` (they pass by unread), `whole` (delivered
 * when no larger than the ELF limit) or `whole-if-elf` (the first HEAD_BYTES are read; the rest
 * only when those start with the ELF magic). Asked of regular files only.
 */
export type BytesWanted = "none" | "whole" | "whole-if-elf";

/** What was read of an entry. */
export type EntryContent =
  /** Nothing: not a regular file, or the caller wanted nothing. */
  | { read: "none" }
  | { read: "whole"; bytes: Buffer }
  /** `whole-if-elf`, and it was no ELF file: its first bytes, to tell what it is instead. */
  | { read: "head"; head: Buffer }
  /** Wanted whole but larger than `maxElfBytes`: never read past its head (absent for `whole`). */
  | { read: "too-large"; head?: Buffer };

/** One entry and what was read of it; the bytes are the caller's until it asks for the next. */
export interface ArchiveRecord {
  entry: ArchiveEntry;
  content: EntryContent;
}

export interface WalkArchiveOptions {
  /** Asked once per regular file, before any of its bytes are read. */
  want: (entry: ArchiveEntry) => BytesWanted;
  limits: CollectLimits;
  /** Checked between entries: an abort ends the walk with the InterruptedError it carries. */
  signal?: AbortSignal | undefined;
}

/**
 * Why an archive could not be walked to its end: `corrupt` (the data is not what its format
 * says), `limit` (an entry count or a size passed a limit: a bomb, or an archive too large to
 * check). The message is one line, fit to follow `ARCHIVE: `.
 */
export class ArchiveProblem extends Error {
  constructor(
    readonly kind: "corrupt" | "limit",
    message: string,
  ) {
    super(message);
  }
}

/**
 * The entries of the tar whose bytes `source` yields, in archive order. Errors of `source` itself
 * (a gzip stream's data error, an engine that went away) reach the caller unchanged; a tar that
 * does not parse is an ArchiveProblem. Breaking out of the loop destroys `source`.
 */
export async function* walkTar(
  source: AsyncIterable<Buffer>,
  options: WalkArchiveOptions,
): AsyncGenerator<ArchiveRecord> {
  const { limits, signal } = options;
  // latin1 keeps every byte of a ustar or GNU name as one char, so the name's bytes can be had
  // back for pathText; pax names are UTF-8 by definition (POSIX pax, "path").
  const extract = tarExtract({ filenameEncoding: "latin1" } as object);
  const fed = feed(source, extract, limits);
  const entries = extract[Symbol.asyncIterator]();
  let count = 0;
  try {
    for (;;) {
      if (signal?.aborted) throw interruptionOf(signal);
      let record: ArchiveRecord;
      try {
        const next = (await entries.next()) as IteratorResult<Readable & { header: Header }>;
        if (fed.error) throw fed.error;
        if (next.done) break;
        count += 1;
        if (count > limits.maxArchiveEntries) throw tooManyEntries(limits);
        const entry = tarEntry(next.value.header);
        const chunks = next.value[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        const content = await readContent(chunks, entry, options);
        // The parser goes on only once this entry's bytes are consumed: drain what was not read.
        while (!(await chunks.next()).done);
        record = { entry, content };
      } catch (error) {
        // The source's own failure first: the parser only saw its stream end or break off.
        if (fed.error) throw fed.error;
        if (error instanceof ArchiveProblem) throw error;
        throw new ArchiveProblem("corrupt", `not a valid tar: ${messageOf(error)}`);
      }
      yield record;
    }
    await fed.done;
    if (fed.error) throw fed.error;
  } finally {
    extract.destroy();
    // A file's or the engine's stream stops at once, not at its next chunk.
    (source as { destroy?: () => void }).destroy?.();
  }
}

/**
 * The entries of the zip open on `fd` (not closed here), in central-directory order. Entries a
 * caller does not want are not decompressed at all; of the ones it wants whole-if-elf only the
 * head is, unless it is an ELF file.
 */
export async function* walkZip(
  fd: number,
  options: WalkArchiveOptions,
): AsyncGenerator<ArchiveRecord> {
  const { limits, signal } = options;
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings false: names stay bytes (pathText shows them), and yauzl does not refuse an
    // absolute or `..` name, which is harmless to a reader that never extracts.
    zip = await yauzl.fromFdPromise(fd, {
      autoClose: false,
      lazyEntries: true,
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch (error) {
    throw new ArchiveProblem("corrupt", `not a valid zip: ${messageOf(error)}`);
  }
  // The central directory says how many entries there are before one is read: a zip bomb of
  // many entries is refused at once.
  if (zip.entryCount > limits.maxArchiveEntries) throw tooManyEntries(limits);
  let declared = 0;
  const entries = zip.eachEntry();
  try {
    for (;;) {
      let next: IteratorResult<yauzl.Entry>;
      try {
        next = await entries.next();
      } catch (error) {
        throw new ArchiveProblem("corrupt", `not a valid zip: ${messageOf(error)}`);
      }
      if (next.done) break;
      if (signal?.aborted) throw interruptionOf(signal);
      const raw = next.value;
      // yauzl fails an entry whose data does not match its declared size, so the sum of declared
      // sizes bounds what could be decompressed.
      declared += raw.uncompressedSize;
      if (declared > limits.maxArchiveBytes) throw tooManyBytes(limits);
      const entry = zipEntry(raw);
      let content: EntryContent = { read: "none" };
      if (entry.type === "file" && options.want(entry) !== "none") {
        let stream: Readable;
        try {
          stream = await zip.openReadStreamPromise(raw);
        } catch (error) {
          throw new ArchiveProblem("corrupt", `${entry.path.slice(1)}: ${messageOf(error)}`);
        }
        const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        try {
          content = await readContent(chunks, entry, options);
        } catch (error) {
          if (error instanceof ArchiveProblem) throw error;
          throw new ArchiveProblem("corrupt", `${entry.path.slice(1)}: ${messageOf(error)}`);
        } finally {
          // Unlike a tar's, a zip entry's rest need not be read: stop inflating it.
          stream.destroy();
        }
      }
      yield { entry, content };
    }
  } finally {
    // No zip.close(): it would close `fd`, which belongs to the caller (and is closed there).
    await entries.return?.();
  }
}

/** Reads what `options.want` asks of one entry; the caller deals with what is left unread. */
async function readContent(
  chunks: AsyncIterator<Buffer>,
  entry: ArchiveEntry,
  options: WalkArchiveOptions,
): Promise<EntryContent> {
  if (entry.type !== "file") return { read: "none" };
  const want = options.want(entry);
  if (want === "none") return { read: "none" };
  const max = options.limits.maxElfBytes;
  if (want === "whole" && entry.size > max) return { read: "too-large" };
  // The head is gathered first; an ELF file then gets one buffer of its declared size that the
  // chunks are copied into as they come. Keeping the chunks and concatenating at the end would
  // hold each file twice at the end, and keep alive the whole socket reads the chunks are slices
  // of.
  const parts: Buffer[] = [];
  let whole: Buffer | null = null;
  let got = 0;
  const decide = (): EntryContent | null => {
    const head = Buffer.from(Buffer.concat(parts, got).subarray(0, HEAD_BYTES));
    if (want === "whole-if-elf" && contentKind(head) !== "elf") return { read: "head", head };
    if (entry.size > max) return { read: "too-large", head };
    whole = Buffer.allocUnsafeSlow(entry.size);
    for (const [offset, part] of offsets(parts)) part.copy(whole, offset);
    parts.length = 0;
    return null;
  };
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    const chunk = next.value;
    // A size the archive declared wrongly is caught by the parser; this bounds memory anyway.
    if (got + chunk.length > entry.size) return { read: "too-large" };
    if (whole) chunk.copy(whole, got);
    else parts.push(chunk);
    got += chunk.length;
    if (!whole && got >= Math.min(HEAD_BYTES, entry.size)) {
      const early = decide();
      if (early) return early;
    }
  }
  if (!whole) {
    const early = decide();
    if (early) return early;
  }
  return { read: "whole", bytes: (whole as Buffer | null)?.subarray(0, got) ?? Buffer.alloc(0) };
}

/** Each buffer with the offset it starts at when they are laid end to end. */
function offsets(parts: Buffer[]): [number, Buffer][] {
  let offset = 0;
  return parts.map((part) => {
    const at = offset;
    offset += part.length;
    return [at, part];
  });
}

/**
 * Writes `source` into the tar parser with backpressure, counting the bytes: past the limit the
 * walk stops (a gzip of zeros expands by a factor of 1000). What went wrong is kept in `error`.
 */
function feed(
  source: AsyncIterable<Buffer>,
  extract: ReturnType<typeof tarExtract>,
  limits: CollectLimits,
): { done: Promise<void>; error: Error | null } {
  const state: { done: Promise<void>; error: Error | null } = {
    done: Promise.resolve(),
    error: null,
  };
  state.done = (async () => {
    let bytes = 0;
    try {
      for await (const chunk of source) {
        if (extract.destroyed) return;
        bytes += chunk.length;
        if (bytes > limits.maxArchiveBytes) throw tooManyBytes(limits);
        if (!extract.write(chunk)) {
          await new Promise<void>((resolve) => {
            const go = () => {
              extract.off("drain", go);
              extract.off("close", go);
              resolve();
            };
            extract.on("drain", go);
            extract.on("close", go);
          });
        }
      }
      extract.end(null);
    } catch (error) {
      state.error = error instanceof Error ? error : new Error(String(error));
      extract.destroy(state.error);
    }
  })();
  return state;
}

function tarEntry(header: Header): ArchiveEntry {
  const pax = header.pax as Record<string, string> | null | undefined;
  const nameBytes = (text: string, paxKey: string) =>
    pax?.[paxKey] !== undefined ? Buffer.from(text, "utf8") : Buffer.from(text, "latin1");
  const type: ArchiveEntryType =
    header.type === "file" || header.type === "contiguous-file"
      ? "file"
      : header.type === "directory"
        ? "directory"
        : header.type === "symlink"
          ? "symlink"
          : header.type === "link"
            ? "hardlink"
            : "other";
  const link = header.linkname ? pathText(nameBytes(header.linkname, "linkpath")) : null;
  return {
    path: normalise(pathText(nameBytes(header.name, "path"))),
    type,
    linkTarget: type === "hardlink" && link !== null ? normalise(link) : link,
    size: type === "file" ? header.size : 0,
    mode: header.mode & 0o7777,
  };
}

/** The file type bits of st_mode (<sys/stat.h>), which zip keeps in the high external attributes. */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

function zipEntry(raw: yauzl.Entry): ArchiveEntry {
  const name = raw.fileNameRaw;
  // Zips made on Unix keep st_mode in the upper 16 bits of the external attributes (Info-ZIP);
  // others have 0 there, and a name ending in a slash is a directory (APPNOTE 4.3.8).
  const unixMode = raw.externalFileAttributes >>> 16;
  const kind = unixMode & S_IFMT;
  const isDirectory = kind === S_IFDIR || name[name.length - 1] === 0x2f;
  const type: ArchiveEntryType = isDirectory
    ? "directory"
    : kind === S_IFLNK
      ? "symlink"
      : kind === 0 || kind === S_IFREG
        ? "file"
        : "other";
  return {
    path: normalise(pathText(name)),
    type,
    // A zip stores a symlink's target as its content; reading it is not worth a read per link.
    linkTarget: null,
    size: type === "file" ? raw.uncompressedSize : 0,
    mode: unixMode & 0o7777,
  };
}

/** `./usr/bin/` -> `/usr/bin`; `..` cannot climb above the root. */
function normalise(name: string): string {
  const path = posix.normalize(`/${name}`);
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

function tooManyEntries(limits: CollectLimits): ArchiveProblem {
  return new ArchiveProblem(
    "limit",
    `more than ${limits.maxArchiveEntries} entries (the limit maxArchiveEntries): not walked further`,
  );
}

function tooManyBytes(limits: CollectLimits): ArchiveProblem {
  return new ArchiveProblem(
    "limit",
    `expands to more than ${describeBytes(limits.maxArchiveBytes)} (the limit maxArchiveBytes): not walked further`,
  );
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
