import { beforeAll, expect, test } from "vitest";
import { collectElfFiles } from "../../lab/check/collect.js";
import type { ArchiveEntry } from "../../lab/check/walk-archive.js";
import { walkImage } from "../../lab/check/walk-image.js";
import { ENVIRONMENTS } from "../../lab/environments/index.js";
import type { Environment } from "../../lab/environments/schema.js";
import { InterruptedError, UsageError } from "../../lab/errors.js";
import { containersNotRemoved } from "../../lab/runtime/container-registry.js";
import { isResolved, type ResolvedImage } from "../../lab/runtime/images.js";
import { prepareImages } from "../../lab/runtime/prepare-images.js";
import { countRunContainers } from "./helpers.js";

/** `check --image` and the checker's own reading of the lab's images: one export, streamed. */
let tag: string;

beforeAll(async () => {
  const environment = ENVIRONMENTS.get("glibc") as Environment;
  const prepared = await prepareImages([environment], "auto", () => undefined);
  const image = prepared.environments.get("glibc")?.resolution as ResolvedImage;
  expect(isResolved(image)).toBe(true);
  tag = image.tag;
});

test("the glibc image's ELF files are collected; its container is gone afterwards", async () => {
  const before = await countRunContainers();
  const collection = collectElfFiles({ image: tag });
  const elf = new Map<string, number>();
  for await (const item of collection) {
    if (item.kind === "elf") elf.set(item.path, item.bytes.length);
  }
  expect(elf.get("/usr/bin/make")).toBeGreaterThan(0);
  expect(elf.get("/usr/lib/x86_64-linux-gnu/libc.so.6")).toBeGreaterThan(1_000_000);
  expect(collection.counts.elf).toBe(elf.size);
  expect(collection.counts.notElf).toBeGreaterThan(0);
  expect(await countRunContainers()).toBe(before);
  expect(containersNotRemoved().ids).toEqual([]);
});

test("every entry's metadata: symlinks with their targets, bytes only where asked", async () => {
  const entries = new Map<string, ArchiveEntry>();
  let libcBytes: Buffer | null = null;
  const records = walkImage(tag, {
    want: (entry) => (entry.path === "/usr/lib/x86_64-linux-gnu/libc.so.6" ? "whole" : "none"),
    log: () => undefined,
  });
  for await (const { entry, content } of records) {
    entries.set(entry.path, entry);
    if (content.read === "whole") libcBytes = content.bytes;
  }
  // Debian's merged /usr: /lib is a symlink to usr/lib, and the loader's path goes through it.
  expect(entries.get("/lib")).toMatchObject({ type: "symlink", linkTarget: "usr/lib" });
  expect(entries.get("/usr/lib/x86_64-linux-gnu")).toMatchObject({ type: "directory" });
  expect(entries.get("/lib64")).toMatchObject({ type: "symlink", linkTarget: "usr/lib64" });
  expect(entries.get("/usr/lib64/ld-linux-x86-64.so.2")).toMatchObject({
    type: "symlink",
    linkTarget: "../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
  });
  expect(entries.get("/usr/bin/make")).toMatchObject({ type: "file", mode: 0o755 });
  expect((libcBytes as Buffer | null)?.subarray(0, 4)).toEqual(Buffer.from("\x7fELF", "latin1"));
});

test("an image that is not present locally is one line: the lab never pulls", async () => {
  const missing = "musl-lab/no-such-image:never";
  const collect = async () => {
    for await (const item of collectElfFiles({ image: missing })) void item;
  };
  await expect(collect()).rejects.toThrow(UsageError);
  await expect(collect()).rejects.toThrow(
    `image "${missing}" is not present locally; musl-lab never pulls: docker pull ${missing} (or docker load) first`,
  );
});

test("a loop that stops early still removes the container", async () => {
  const before = await countRunContainers();
  for await (const item of collectElfFiles({ image: tag })) {
    if (item.kind === "elf") break;
  }
  expect(await countRunContainers()).toBe(before);
});

test("Ctrl-C during the export ends it with the InterruptedError and removes the container", async () => {
  const before = await countRunContainers();
  const controller = new AbortController();
  const collect = async () => {
    for await (const item of collectElfFiles({ image: tag }, { signal: controller.signal })) {
      if (item.kind === "elf") controller.abort(new InterruptedError("SIGINT"));
    }
  };
  await expect(collect()).rejects.toThrow(InterruptedError);
  expect(await countRunContainers()).toBe(before);
  expect(containersNotRemoved().ids).toEqual([]);
});
