/**
 * Collects the ELF files `check` predicts for: under paths a user names (files, directories,
 * archives found in either) or in a local Docker image. It finds and reads; what an ELF file
 * needs of a C library is lab/elf/read-elf.ts's business.
 *
 * Policies, and why:
 * - What a file is comes from its first bytes (lab/check/collect-magic.ts), never its name.
 * - Archives are walked in place (lab/check/walk-archive.ts), never extracted to disk.
 * - An archive inside an archive is not opened: it is counted (`nestedArchives`) and, when it is
 *   a zip or a tar (a wheel or a tarball in a tarball), yielded as skipped with the reason. Opening
 *   it would need its whole bytes in memory (a zip is read by random access) or a second level of
 *   limits, for a case rare enough that "extract it and check it on its own" is the better answer.
 *   A gzip member is told apart only by its name (`.tgz`, `.tar.gz`): an image holds hundreds of
 *   gzip-compressed man pages and changelogs, and a skip line for each would drown the report.
 * - Files that are neither ELF nor an archive are counted (`notElf`), not yielded, unless the
 *   user named that very file: then the answer is a skip with the reason.
 */
import { constants, type Stats } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { interruptionOf, isLabError, UsageError } from "../errors.js";
import { notRegular } from "../read-user-file.js";
import type { Log } from "../runtime/docker-engine.js";
import { contentKind, HEAD_BYTES, isTarHead } from "./collect-magic.js";
import {
  DEFAULT_LIMITS,
  describeBytes,
  IMAGE_LIMITS,
  type CollectLimits,
} from "./collect-limits.js";
import {
  ArchiveProblem,
  walkTar,
  walkZip,
  type ArchiveRecord,
  type WalkArchiveOptions,
} from "./walk-archive.js";
import { walkImage } from "./walk-image.js";
import { errorWords, walkPaths, type FoundPath } from "./walk-paths.js";

/** Where to collect from: the paths of `check PATH...`, or the image of `check --image IMAGE`. */
export type CollectSource = { paths: string[] } | { image: string };

/**
 * One result of the collection. `path` is for people: as named, `ARCHIVE!member/path` for an
 * archive member (`dist/pkg.tgz!package/build/Release/addon.node`), absolute for a file of an
 * image (`/usr/bin/make`); control characters and bytes that are not UTF-8 are escaped.
 */
export type CollectedFile =
  | { kind: "elf"; path: string; size: number; bytes: Buffer }
  /** A file the user named that is neither ELF nor an archive: an answer they asked for. */
  | { kind: "not-elf"; path: string; size: number; why: string }
  | { kind: "skipped"; path: string; skipped: string };

/** What the collection met, counted as it goes; final once the iteration has ended. */
export interface CollectCounts {
  /** Regular files looked at: on disk, in archives (archives included) and in the image. */
  files: number;
  /** ELF files yielded with their bytes. */
  elf: number;
  /** Files that are neither ELF nor an archive: counted, not yielded (unless named). */
  notElf: number;
  /** Results yielded as skipped, with their reason. */
  skipped: number;
  /** Archives walked (named or found on disk), the image's filesystem not counted. */
  archives: number;
  /** Archives found inside archives or in the image: not opened (see the policies above). */
  nestedArchives: number;
  /** Files and directories reached again by another name (symlink, hard link): seen once. */
  sameFile: number;
}

export interface CollectOptions {
  /** Checked between entries and files: an abort ends the iteration with its InterruptedError. */
  signal?: AbortSignal | undefined;
  /** Overrides of DEFAULT_LIMITS (paths) or IMAGE_LIMITS (an image). */
  limits?: Partial<CollectLimits> | undefined;
  /** Where the engine's progress lines go for an image (provisioning, a slow answer). */
  log?: Log | undefined;
}

/** The results, to be iterated once (`for await`), and the counts they leave. */
export interface ElfCollection extends AsyncIterable<CollectedFile> {
  readonly counts: CollectCounts;
}

/**
 * The ELF files of `source`, each with its bytes, and the paths skipped with their reason, in a
 * stable order: paths as named, directories sorted bytewise, archives and images in their own
 * order. One ELF file is held at a time: the bytes of a result are the caller's to keep or drop.
 *
 * Thrown during the iteration: UsageError for a named path that does not exist or cannot be
 * read, for a named archive that is corrupt, and for an image that is not present locally;
 * InfrastructureError when the engine fails; InterruptedError on `signal`'s abort.
 */
export function collectElfFiles(
  source: CollectSource,
  options: CollectOptions = {},
): ElfCollection {
  const counts: CollectCounts = {
    files: 0,
    elf: 0,
    notElf: 0,
    skipped: 0,
    archives: 0,
    nestedArchives: 0,
    sameFile: 0,
  };
  const limits = {
    ...("image" in source ? IMAGE_LIMITS : DEFAULT_LIMITS),
    ...options.limits,
  };
  const context: Context = { counts, limits, signal: options.signal };
  return {
    counts,
    [Symbol.asyncIterator]: () =>
      "image" in source
        ? fromImage(source.image, options.log ?? (() => undefined), context)
        : fromPaths(source.paths, context),
  };
}

interface Context {
  counts: CollectCounts;
  limits: CollectLimits;
  signal: AbortSignal | undefined;
}

async function* fromPaths(paths: string[], context: Context): AsyncGenerator<CollectedFile> {
  const found = walkPaths(paths, {
    signal: context.signal,
    onSameFile: () => (context.counts.sameFile += 1),
  });
  for await (const item of found) {
    if (item.kind === "skipped") yield skip(context, item.display, item.reason);
    else yield* fromFile(item, context);
  }
}

async function* fromImage(
  image: string,
  log: Log,
  context: Context,
): AsyncGenerator<CollectedFile> {
  const records = walkImage(image, {
    want: () => "whole-if-elf",
    limits: context.limits,
    signal: context.signal,
    log,
  });
  for await (const record of records) {
    const result = fromRecord(record, record.entry.path, context);
    if (result) yield result;
  }
}

/** Flags for every open of a found file: a FIFO swapped in after the stat cannot block it. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

async function* fromFile(
  found: Extract<FoundPath, { kind: "file" }>,
  context: Context,
): AsyncGenerator<CollectedFile> {
  const { display, named } = found;
  const cannot = (why: string): CollectedFile => {
    if (named) throw new UsageError(`check: ${display}: ${why}`);
    return skip(context, display, why);
  };
  let handle: FileHandle;
  try {
    handle = await open(found.fsPath, OPEN_FLAGS);
  } catch (error) {
    yield cannot(`it cannot be opened: ${errorWords(error)}`);
    return;
  }
  try {
    let stats: Stats;
    let head: Buffer;
    try {
      // The stat on the open descriptor is the one that counts: the path may have been replaced.
      stats = await handle.stat();
      const refused = notRegular(stats);
      if (refused) {
        yield skip(context, display, `${refused}: not read`);
        return;
      }
      head = await readHead(handle);
    } catch (error) {
      yield cannot(`it cannot be read: ${errorWords(error)}`);
      return;
    }
    context.counts.files += 1;
    const kind = contentKind(head);
    if (kind === "elf") {
      const read = await readElf(handle, stats, context.limits).catch((error: unknown) =>
        cannot(`it cannot be read: ${errorWords(error)}`),
      );
      if ("kind" in read) yield read;
      else if (read.tooLarge) yield skip(context, display, tooLarge(read.size, context.limits));
      else {
        context.counts.elf += 1;
        yield { kind: "elf", path: display, size: read.bytes.length, bytes: read.bytes };
      }
      return;
    }
    const walk: WalkArchiveOptions = {
      want: () => "whole-if-elf",
      limits: context.limits,
      signal: context.signal,
    };
    if (kind === "tar") {
      const tar = handle.createReadStream({ start: 0, autoClose: false });
      yield* fromArchive(walkTar(tar, walk), display, named, context);
    } else if (kind === "zip") {
      yield* fromArchive(walkZip(handle.fd, walk), display, named, context);
    } else if (kind === "gzip") {
      yield* fromGzip(handle, display, named, walk, context);
    } else {
      context.counts.notElf += 1;
      if (named) {
        yield {
          kind: "not-elf",
          path: display,
          size: stats.size,
          why: "neither an ELF file nor an archive",
        };
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * A gzip file: a tarball (`.tgz`, `.tar.gz`, an npm package) when what it decompresses to starts
 * with a tar header; anything else gzip-compressed (a man page) is no ELF file.
 */
async function* fromGzip(
  handle: FileHandle,
  display: string,
  named: boolean,
  walk: WalkArchiveOptions,
  context: Context,
): AsyncGenerator<CollectedFile> {
  const gunzip = pipeline(
    handle.createReadStream({ start: 0, autoClose: false }),
    createGunzip(),
    () => undefined,
  );
  const iterator = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let peeked: Peeked;
  try {
    peeked = await peek(iterator, HEAD_BYTES);
  } catch (error) {
    await iterator.return?.();
    yield* archiveFailure(gzipProblem(error), display, named, context);
    return;
  }
  if (!isTarHead(peeked.head)) {
    await iterator.return?.();
    context.counts.notElf += 1;
    if (named) {
      const why = "gzip-compressed, but not a tar archive";
      yield { kind: "not-elf", path: display, size: (await handle.stat()).size, why };
    }
    return;
  }
  yield* fromArchive(walkTar(peeked.rest, walk), display, named, context);
}

/** The results of one archive's walk; its failure is a UsageError when named, a skip if found. */
async function* fromArchive(
  records: AsyncGenerator<ArchiveRecord>,
  display: string,
  named: boolean,
  context: Context,
): AsyncGenerator<CollectedFile> {
  context.counts.archives += 1;
  try {
    for await (const record of records) {
      const result = fromRecord(record, `${display}!${record.entry.path.slice(1)}`, context);
      if (result) yield result;
    }
  } catch (error) {
    if (isLabError(error)) throw error;
    const problem = error instanceof ArchiveProblem ? error : gzipProblem(error);
    yield* archiveFailure(problem, display, named, context);
  }
}

function* archiveFailure(
  problem: ArchiveProblem,
  display: string,
  named: boolean,
  context: Context,
): Generator<CollectedFile> {
  // A limit reached is not the user's mistake, and what came before it is worth reporting: a
  // skip either way. A corrupt archive the user named is: one line, exit 2.
  if (named && problem.kind === "corrupt") {
    throw new UsageError(`check: ${display}: ${problem.message}`);
  }
  yield skip(context, display, problem.message);
}

/** A zlib error (Z_DATA_ERROR, Z_BUF_ERROR) as the corrupt archive it is. */
function gzipProblem(error: unknown): ArchiveProblem {
  if (error instanceof ArchiveProblem) return error;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (!code.startsWith("Z_")) throw error;
  return new ArchiveProblem(
    "corrupt",
    `not valid gzip data: ${(error as Error).message} (${code})`,
  );
}

/** What one archive or image entry gives: an ELF file, a skip, or nothing but a count. */
function fromRecord(
  { entry, content }: ArchiveRecord,
  display: string,
  context: Context,
): CollectedFile | null {
  if (context.signal?.aborted) throw interruptionOf(context.signal);
  if (entry.type !== "file") return null;
  const { counts } = context;
  counts.files += 1;
  switch (content.read) {
    case "whole":
      counts.elf += 1;
      return { kind: "elf", path: display, size: entry.size, bytes: content.bytes };
    case "too-large":
      return skip(context, display, tooLarge(entry.size, context.limits));
    case "none":
      return null;
    case "head": {
      const kind = contentKind(content.head);
      const tarball = kind === "gzip" && /\.(tgz|tar\.gz)$/i.test(entry.path);
      if (kind === "zip" || kind === "tar" || tarball) {
        counts.nestedArchives += 1;
        return skip(
          context,
          display,
          `an archive (${tarball ? "tar.gz" : kind}) inside an archive is not opened: extract it and check it on its own`,
        );
      }
      if (kind === "gzip") counts.nestedArchives += 1;
      else counts.notElf += 1;
      return null;
    }
  }
}

function skip(context: Context, path: string, reason: string): CollectedFile {
  context.counts.skipped += 1;
  return { kind: "skipped", path, skipped: reason };
}

function tooLarge(size: number, limits: CollectLimits): string {
  return `an ELF file of ${size} bytes, more than the ${describeBytes(limits.maxElfBytes)} limit (maxElfBytes): not read`;
}

async function readHead(handle: FileHandle): Promise<Buffer> {
  const head = Buffer.alloc(HEAD_BYTES);
  let got = 0;
  while (got < HEAD_BYTES) {
    const { bytesRead } = await handle.read(head, got, HEAD_BYTES - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return head.subarray(0, got);
}

/** How much one read of an ELF file asks for. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * An ELF file's bytes, bounded like lab/read-user-file.ts: the size is decided by stat, and the
 * reading stops one byte past the limit whatever the file turns out to hold (it may grow).
 */
async function readElf(
  handle: FileHandle,
  stats: Stats,
  limits: CollectLimits,
): Promise<{ tooLarge: true; size: number } | { tooLarge: false; bytes: Buffer }> {
  const max = limits.maxElfBytes;
  if (stats.size > max) return { tooLarge: true, size: stats.size };
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, max + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > max) return { tooLarge: true, size: total };
  }
  return { tooLarge: false, bytes: Buffer.concat(chunks, total) };
}

interface Peeked {
  /** At most `n` first bytes. */
  head: Buffer;
  /** Every byte, the head included. */
  rest: AsyncIterable<Buffer>;
}

/** The first `n` bytes of a stream, and the whole stream still to read. */
async function peek(iterator: AsyncIterator<Buffer>, n: number): Promise<Peeked> {
  const parts: Buffer[] = [];
  let got = 0;
  let ended = false;
  while (got < n) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    parts.push(next.value);
    got += next.value.length;
  }
  const first = Buffer.concat(parts, got);
  async function* rest(): AsyncGenerator<Buffer> {
    try {
      if (first.length > 0) yield first;
      if (ended) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }
  return { head: first.subarray(0, n), rest: rest() };
}
