import { existsSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import type { BuildRecord } from "../../../lab/run-result.js";
import { BuildCache } from "../../../lab/runtime/build-cache.js";

const RECORD: BuildRecord = {
  builtIn: "glibc",
  command: "gcc -O2 -Wall -o /lab/out/hello /lab/src/hello.c",
  exitCode: 0,
  output: "",
  durationMs: 90,
  elf: "dynamic, interpreter /lib64/ld-linux-x86-64.so.2",
};
const BINARY = Buffer.concat([Buffer.from("\x7fELF"), Buffer.alloc(4_096, 7)]);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "musl-lab-build-cache-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("an entry comes back byte for byte", () => {
  const cache = new BuildCache(dir);
  cache.put("k1", BINARY, RECORD);
  expect(cache.get("k1")).toEqual({ binary: BINARY, record: RECORD });
  expect(cache.get("other")).toBeNull();
});

test("a truncated binary is a miss and its entry goes, so the next compile is stored again", () => {
  const cache = new BuildCache(dir);
  cache.put("k1", BINARY, RECORD);
  truncateSync(join(dir, "k1", "binary"), 100);
  expect(cache.get("k1")).toBeNull();
  expect(existsSync(join(dir, "k1"))).toBe(false);
  cache.put("k1", BINARY, RECORD);
  expect(cache.get("k1")?.binary).toEqual(BINARY);
});

test("a binary changed in place (same size) is a miss", () => {
  const cache = new BuildCache(dir);
  cache.put("k1", BINARY, RECORD);
  writeFileSync(join(dir, "k1", "binary"), Buffer.alloc(BINARY.length, 1));
  expect(cache.get("k1")).toBeNull();
});

test("an entry without a hash (the format before it) or with a damaged record is a miss", () => {
  const cache = new BuildCache(dir);
  const old = join(dir, "k-old");
  rmSync(old, { recursive: true, force: true });
  cache.put("k-old", BINARY, RECORD);
  rmSync(join(old, "entry.json"));
  writeFileSync(join(old, "record.json"), JSON.stringify(RECORD));
  expect(cache.get("k-old")).toBeNull();
  cache.put("k-bad", BINARY, RECORD);
  writeFileSync(join(dir, "k-bad", "entry.json"), "{ not json");
  expect(cache.get("k-bad")).toBeNull();
  expect(readdirSync(dir)).toEqual([]);
});

test("a cache folder that is a file costs a compile, never an exception", () => {
  const file = join(dir, "a-file");
  writeFileSync(file, "");
  const cache = new BuildCache(file);
  expect(() => cache.put("k1", BINARY, RECORD)).not.toThrow();
  expect(cache.get("k1")).toBeNull();
});
