import { posix } from "node:path";
import { z } from "zod";
import { ElfFormatError, hasElfMagic, readElf } from "../elf/read-elf.js";

/**
 * What an environment's image really holds, as far as a loader cares: every path (and where each
 * symlink points), the ELF files with what they export, and the loader's configuration files.
 * A prediction is made from this, read from the image itself, never from a table typed by hand:
 * Alpine's libc6-compat links, a Debian image's musl-tools, a distroless image without a shell
 * all show up as what they are.
 */
export interface ImageContents {
  /** Absolute, normalised paths (`/usr/lib/x86_64-linux-gnu/libc.so.6`). */
  entries: Map<string, ImageEntry>;
  /** ELF files by path: the facts a loader uses to pick and bind them. */
  elves: Map<string, ImageElf>;
  /** Small text files the loaders read (`/etc/ld-musl-x86_64.path`, `/etc/ld.so.conf*`). */
  configFiles: Map<string, string>;
}

export const ImageEntrySchema = z.strictObject({
  type: z.enum(["file", "directory", "symlink", "hardlink", "other"]),
  /** A symlink's target as stored (relative or absolute), a hardlink's path; null otherwise. */
  target: z.string().nullable(),
});
export type ImageEntry = z.infer<typeof ImageEntrySchema>;

export const ImageElfSchema = z.strictObject({
  class: z.union([z.literal(32), z.literal(64)]),
  machine: z.string(),
  soname: z.string().nullable(),
  needed: z.array(z.string()),
  rpath: z.array(z.string()),
  runpath: z.array(z.string()),
  exports: z.array(z.string()),
  exportVersions: z.array(z.string()),
  /** Non-weak imports, for the libraries an artifact pulls in (they must bind too). */
  imports: z.array(z.string()),
  versionRequirements: z.array(z.strictObject({ file: z.string(), versions: z.array(z.string()) })),
});
export type ImageElf = z.infer<typeof ImageElfSchema>;

/**
 * Bump when the index holds something new or means it differently (a reader fix that changes
 * exports): cached indexes of the old format are then read anew from their images.
 */
export const CONTENTS_FORMAT = 1;

/** The cached form: plain arrays, checked on the way back in. */
export const StoredContentsSchema = z.strictObject({
  format: z.literal(CONTENTS_FORMAT),
  entries: z.array(z.tuple([z.string(), ImageEntrySchema])),
  elves: z.array(z.tuple([z.string(), ImageElfSchema])),
  configFiles: z.array(z.tuple([z.string(), z.string()])),
});

/** Loader configuration worth reading: tiny text files, whatever the image. */
const CONFIG_FILE = /^\/etc\/(ld-musl-[\w-]+\.path|ld\.so\.conf|ld\.so\.conf\.d\/[^/]+\.conf)$/;
const CONFIG_FILE_MAX_BYTES = 64 * 1024;
/**
 * Libraries and loaders (`libc.so.6`, `ld-musl-x86_64.so.1`, `libstdc++.so.6.0.33`): the only ELF
 * files whose exports matter. Programs (/usr/bin, gcc's cc1) are indexed as paths only, which
 * keeps reading a 380 MB image quick and its index small.
 */
const LIBRARY_FILE = /\.so(\.[\w.+-]*)?$/;

/** An entry as a tar walk reports it (lab/check/walk-tar.ts), enough to index it. */
export interface ContentsEntry {
  path: string;
  type: ImageEntry["type"];
  target: string | null;
  size: number;
}

/**
 * Builds the index from a walk over the image's files. `wants` tells the walk which entries' bytes
 * to deliver (loader configuration and library ELF files); `add` takes each entry, with its bytes
 * when it asked for them.
 */
export class ContentsBuilder {
  private readonly contents: ImageContents = {
    entries: new Map(),
    elves: new Map(),
    configFiles: new Map(),
  };

  wants(entry: ContentsEntry): boolean {
    if (entry.type !== "file") return false;
    if (CONFIG_FILE.test(entry.path)) return entry.size <= CONFIG_FILE_MAX_BYTES;
    return LIBRARY_FILE.test(entry.path);
  }

  add(entry: ContentsEntry, bytes: Uint8Array | null): void {
    const path = normalise(entry.path);
    this.contents.entries.set(path, { type: entry.type, target: entry.target });
    if (!bytes) return;
    if (CONFIG_FILE.test(path)) {
      this.contents.configFiles.set(path, Buffer.from(bytes).toString("utf8"));
      return;
    }
    if (!hasElfMagic(bytes)) return;
    try {
      const elf = readElf(bytes);
      this.contents.elves.set(path, {
        class: elf.class,
        machine: elf.machine,
        soname: elf.soname,
        needed: elf.needed,
        rpath: elf.rpath,
        runpath: elf.runpath,
        exports: elf.exports,
        exportVersions: elf.exportVersions,
        imports: elf.imports.filter((i) => !i.weak).map((i) => i.name),
        versionRequirements: elf.versionRequirements,
      });
    } catch (error) {
      // A broken file in the image is one a loader would refuse too: not a library to count on.
      if (!(error instanceof ElfFormatError)) throw error;
    }
  }

  done(): ImageContents {
    return this.contents;
  }
}

export function storeContents(contents: ImageContents): z.infer<typeof StoredContentsSchema> {
  return {
    format: CONTENTS_FORMAT,
    entries: [...contents.entries],
    elves: [...contents.elves],
    configFiles: [...contents.configFiles],
  };
}

/** The stored index, or null when it is not one this version wrote (it is then rebuilt). */
export function loadContents(stored: unknown): ImageContents | null {
  const parsed = StoredContentsSchema.safeParse(stored);
  if (!parsed.success) return null;
  return {
    entries: new Map(parsed.data.entries),
    elves: new Map(parsed.data.elves),
    configFiles: new Map(parsed.data.configFiles),
  };
}

/** Symlink hops before a path counts as a loop, as the kernel's own limit (MAXSYMLINKS). */
const MAX_SYMLINK_HOPS = 40;

/**
 * Where a path really leads inside the image, following symlinks in every component as the
 * kernel's path walk does (`/lib64/ld-linux-x86-64.so.2` -> `/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2`);
 * null when it leads nowhere (a missing file, a dangling link, a loop).
 */
export function resolveInImage(contents: ImageContents, path: string): string | null {
  let pending = normalise(path).split("/").filter(Boolean);
  let resolved = "";
  let hops = 0;
  while (pending.length > 0) {
    const [part, ...rest] = pending as [string, ...string[]];
    pending = rest;
    if (part === "..") {
      resolved = posix.dirname(resolved === "" ? "/" : resolved);
      if (resolved === "/") resolved = "";
      continue;
    }
    if (part === ".") continue;
    const candidate = `${resolved}/${part}`;
    const entry = contents.entries.get(candidate);
    if (!entry) return null;
    if (entry.type === "symlink" && entry.target !== null) {
      if (++hops > MAX_SYMLINK_HOPS) return null;
      const target = entry.target.split("/").filter(Boolean);
      if (entry.target.startsWith("/")) resolved = "";
      pending = [...target, ...pending];
      continue;
    }
    if (entry.type === "hardlink" && entry.target !== null && pending.length === 0) {
      return normalise(entry.target);
    }
    resolved = candidate;
  }
  return resolved === "" ? "/" : resolved;
}

/** A regular file (after links) at that path, or null. */
export function fileInImage(contents: ImageContents, path: string): string | null {
  const resolved = resolveInImage(contents, path);
  if (resolved === null) return null;
  const entry = contents.entries.get(resolved);
  return entry && entry.type === "file" ? resolved : null;
}

function normalise(path: string): string {
  const normal = posix.normalize(`/${path}`).replace(/\/+$/, "");
  return normal === "" ? "/" : normal;
}
