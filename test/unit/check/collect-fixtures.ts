import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import {
  collectElfFiles,
  type CollectedFile,
  type CollectSource,
} from "../../../lab/check/collect.js";
import type { CollectOptions } from "../../../lab/check/collect.js";

/** Bytes that start like an ELF file (the collector only looks at the magic), `size` long. */
export function fakeElf(size = 64, fill = 0x41): Buffer {
  const bytes = Buffer.alloc(size, fill);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(bytes);
  return bytes;
}

export interface TarMember {
  name: string;
  content?: Buffer;
  type?: "file" | "directory" | "symlink" | "link";
  linkname?: string;
  mode?: number;
}

/** A tar made with tar-stream, the library the walker reads with. */
export async function makeTar(members: TarMember[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve) => archive.on("end", () => resolve()));
  for (const member of members) {
    const { content, ...header } = member;
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (content) archive.entry(header, content, done);
      else archive.entry(header, done);
    });
  }
  archive.finalize();
  await ended;
  return Buffer.concat(chunks);
}

export async function makeTarGz(members: TarMember[]): Promise<Buffer> {
  return gzipSync(await makeTar(members));
}

/**
 * A zip made by Python's zipfile (what builds wheels): `members` maps names to contents, given as
 * a hex string or as `zeros:N` (N zero bytes, which deflate to almost nothing).
 */
export function writeZip(path: string, members: Record<string, Buffer | string>): void {
  const spec = Object.fromEntries(
    Object.entries(members).map(([name, content]) => [
      name,
      typeof content === "string" ? content : content.toString("hex"),
    ]),
  );
  const script = [
    "import json, sys, zipfile",
    "spec = json.loads(sys.argv[2])",
    "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:",
    "    for name, content in spec.items():",
    "        data = bytes(int(content[6:])) if content.startswith('zeros:') else bytes.fromhex(content)",
    "        z.writestr(name, data)",
  ].join("\n");
  execFileSync("python3", ["-c", script, path, JSON.stringify(spec)]);
}

export function write(path: string, content: Buffer | string): string {
  writeFileSync(path, content);
  return path;
}

/** Every result of a collection and its final counts. */
export async function collectAll(source: CollectSource, options: CollectOptions = {}) {
  const collection = collectElfFiles(source, options);
  const items: CollectedFile[] = [];
  for await (const item of collection) items.push(item);
  return { items, counts: collection.counts };
}

/** The ELF paths and the skipped paths with their reasons, for `toEqual`. */
export function summary(items: CollectedFile[]) {
  const notElf = items.flatMap((i) => (i.kind === "not-elf" ? [`${i.path}: ${i.why}`] : []));
  return {
    elf: items.flatMap((i) => (i.kind === "elf" ? [i.path] : [])),
    skipped: items.flatMap((i) => (i.kind === "skipped" ? [`${i.path}: ${i.skipped}`] : [])),
    // Only named files that are not ELF come back as answers: most tests have none.
    ...(notElf.length > 0 ? { notElf } : {}),
  };
}
