import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildRecord } from "./build-record.js";
import { labCacheDir } from "./paths.js";
import { makeFolders } from "../make-folders.js";

/**
 * Compiled probes, kept on the host between runs. A warm run compiles nothing: the key covers
 * everything that decides the bytes of a binary (the builder's image id, the exact compiler
 * command, every source file), so any change to them is a miss and a fresh compile. Failed
 * compiles are never cached: their message should come from the compiler of this run.
 */
export class BuildCache {
  constructor(private readonly dir: string = join(labCacheDir(), "builds")) {}

  static key(parts: {
    imageId: string;
    command: string;
    sources: { path: string; content: Buffer }[];
  }): string {
    const hash = createHash("sha256");
    hash.update(`${parts.imageId}\n${parts.command}\n`);
    for (const source of [...parts.sources].sort((a, b) => a.path.localeCompare(b.path))) {
      hash.update(`${source.path}\n${source.content.length}\n`);
      hash.update(source.content);
    }
    return hash.digest("hex").slice(0, 32);
  }

  /**
   * The entry for `key`, or null. An entry whose binary does not match the hash stored beside it
   * (a truncated file after a full disk, a hand edit) is deleted and counts as a miss: it would
   * otherwise fail every later run until someone deleted it by hand.
   */
  get(key: string): { binary: Buffer; record: BuildRecord } | null {
    const entry = join(this.dir, key);
    let stored: StoredEntry;
    let binary: Buffer;
    try {
      stored = JSON.parse(readFileSync(join(entry, ENTRY_FILE), "utf8")) as StoredEntry;
      binary = readFileSync(join(entry, BINARY_FILE));
    } catch (error) {
      // A folder with no readable entry file is a broken entry; no folder at all is a plain miss.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || existsSync(entry)) {
        this.discard(entry);
      }
      return null;
    }
    if (!isIntact(stored, binary)) {
      this.discard(entry);
      return null;
    }
    return { binary, record: stored.record };
  }

  /**
   * Stores an entry whole or not at all: written into a temporary folder and renamed, so a
   * concurrent run or a crash never leaves a binary without its record. A cache that cannot be
   * written only costs the next run a compile.
   */
  put(key: string, binary: Buffer, record: BuildRecord): void {
    const temporary = join(this.dir, `.${key}.${process.pid}.tmp`);
    const stored: StoredEntry = { sha256: sha256(binary), size: binary.length, record };
    try {
      makeFolders(temporary);
      writeFileSync(join(temporary, BINARY_FILE), binary);
      writeFileSync(join(temporary, ENTRY_FILE), JSON.stringify(stored));
      // What labs of the format before read: one cache folder may serve both, e.g. two checkouts.
      writeFileSync(join(temporary, LEGACY_RECORD_FILE), JSON.stringify(record));
      renameSync(temporary, join(this.dir, key));
    } catch {
      // Another run stored the same key first (rename onto a non-empty folder), or no disk.
    } finally {
      this.discard(temporary);
    }
  }

  private discard(path: string): void {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Not ours to remove (permissions, a file where the cache folder should be): a miss anyway.
    }
  }
}

const BINARY_FILE = "binary";
/** Named anew with the hash in it: entries of the format before it (no hash) are never read. */
const ENTRY_FILE = "entry.json";
const LEGACY_RECORD_FILE = "record.json";

interface StoredEntry {
  sha256: string;
  size: number;
  record: BuildRecord;
}

function isIntact(stored: StoredEntry, binary: Buffer): boolean {
  return (
    typeof stored?.sha256 === "string" &&
    stored.size === binary.length &&
    stored.sha256 === sha256(binary) &&
    typeof stored.record === "object" &&
    stored.record !== null
  );
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
