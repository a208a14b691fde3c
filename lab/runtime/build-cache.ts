import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildRecord } from "../run-result.js";
import { labCacheDir } from "./paths.js";

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

  get(key: string): { binary: Buffer; record: BuildRecord } | null {
    try {
      const entry = join(this.dir, key);
      const record = JSON.parse(readFileSync(join(entry, "record.json"), "utf8")) as BuildRecord;
      return { binary: readFileSync(join(entry, "binary")), record };
    } catch {
      return null;
    }
  }

  /**
   * Stores an entry whole or not at all: written into a temporary folder and renamed, so a
   * concurrent run or a crash never leaves a binary without its record. A cache that cannot be
   * written only costs the next run a compile.
   */
  put(key: string, binary: Buffer, record: BuildRecord): void {
    const temporary = join(this.dir, `.${key}.${process.pid}.tmp`);
    try {
      mkdirSync(temporary, { recursive: true });
      writeFileSync(join(temporary, "binary"), binary);
      writeFileSync(join(temporary, "record.json"), JSON.stringify(record));
      renameSync(temporary, join(this.dir, key));
    } catch {
      // Another run stored the same key first (rename onto a non-empty folder), or no disk.
    } finally {
      rmSync(temporary, { recursive: true, force: true });
    }
  }
}
