import { execFileSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  openSync,
  closeSync,
  ftruncateSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { InterruptedError, UsageError } from "../../../lab/errors.js";
import { tempDir } from "../temp-dirs.js";
import { collectAll, fakeElf, summary, write } from "./collect-fixtures.js";

describe("collectElfFiles on paths", () => {
  test("a directory of 1,000 files: the ELF files with their bytes, the rest counted, sorted", async () => {
    const dir = tempDir("collect-many-");
    for (let i = 0; i < 1000; i++) {
      const name = `file-${String(i).padStart(4, "0")}`;
      write(join(dir, name), i % 100 === 7 ? fakeElf(100 + i) : `text ${i}\n`);
    }
    const { items, counts } = await collectAll({ paths: [dir] });
    expect(items.map((i) => i.path)).toEqual(
      Array.from({ length: 10 }, (_, k) =>
        join(dir, `file-${String(k * 100 + 7).padStart(4, "0")}`),
      ),
    );
    const first = items[0];
    expect(first?.kind === "elf" && first.size).toBe(107);
    expect(first?.kind === "elf" && first.bytes.equals(fakeElf(107))).toBe(true);
    expect(counts).toMatchObject({ files: 1000, elf: 10, notElf: 990, skipped: 0 });
  });

  test("a path with spaces, and a name that is not UTF-8, shown with \\x escapes", async () => {
    const dir = tempDir("collect-names-");
    const spaced = join(dir, "my libs");
    mkdirSync(spaced);
    write(join(spaced, "lib with space.so"), fakeElf());
    const latin1 = Buffer.concat([
      Buffer.from(`${spaced}/caf`),
      Buffer.from([0xe9]),
      Buffer.from(".so"),
    ]);
    writeFileSync(latin1, fakeElf());
    write(join(spaced, "esc\u001b[31m.so"), fakeElf());
    const { items } = await collectAll({ paths: [spaced] });
    expect(summary(items).elf).toEqual([
      `${spaced}/caf\\xe9.so`,
      `${spaced}/esc\\u001b[31m.so`,
      `${spaced}/lib with space.so`,
    ]);
  });

  test("a symlink to a file is followed once; a file reached twice is reported once", async () => {
    const dir = tempDir("collect-links-");
    const outside = write(join(dir, "real.so"), fakeElf());
    const walked = join(dir, "walked");
    mkdirSync(walked);
    symlinkSync(outside, join(walked, "link-to-outside.so"));
    write(join(walked, "libz.so.1"), fakeElf());
    symlinkSync("libz.so.1", join(walked, "libz.so"));
    const { items, counts } = await collectAll({ paths: [walked] });
    expect(summary(items).elf).toEqual([`${walked}/libz.so`, `${walked}/link-to-outside.so`]);
    expect(counts.sameFile).toBe(1);
  });

  test("symlink loops are reported, not followed forever", async () => {
    const dir = tempDir("collect-loops-");
    mkdirSync(join(dir, "sub"));
    symlinkSync("..", join(dir, "sub", "up"));
    symlinkSync("b", join(dir, "a"));
    symlinkSync("a", join(dir, "b"));
    symlinkSync("nowhere", join(dir, "dangling"));
    const { items } = await collectAll({ paths: [dir] });
    expect(summary(items).skipped).toEqual([
      `${dir}/a: it is a symlink loop (ELOOP)`,
      `${dir}/b: it is a symlink loop (ELOOP)`,
      `${dir}/dangling: it is a symlink to nothing (a dangling symlink)`,
      `${dir}/sub/up: a symlink loop: it leads back to ${dir}, which is not walked again`,
    ]);
  });

  test("a FIFO and /dev/null, named or found, are skipped and never opened (no hang)", async () => {
    const dir = tempDir("collect-fifo-");
    const fifo = join(dir, "pipe");
    // Opening a FIFO for reading blocks until a writer comes: had it been opened, this would hang.
    execFileSync("mkfifo", [fifo]);
    const { items } = await collectAll({ paths: [fifo, "/dev/null", dir] });
    expect(summary(items).skipped).toEqual([
      `${fifo}: it is a FIFO, not a regular file: not opened`,
      "/dev/null: it is a character device, not a regular file: not opened",
      `${fifo}: it is a FIFO, not a regular file: not opened`,
    ]);
  }, 5_000);

  test("a named path that does not exist is one UsageError, before any file is read", async () => {
    const dir = tempDir("collect-missing-");
    write(join(dir, "a.so"), fakeElf());
    const missing = join(dir, "no such dir");
    const failure = collectAll({ paths: [dir, missing] });
    await expect(failure).rejects.toThrow(UsageError);
    await expect(failure).rejects.toThrow(`check: ${missing} does not exist (ENOENT)`);
  });

  test("named paths that cannot be read are UsageErrors: a loop, a dangling link, ENOTDIR", async () => {
    const dir = tempDir("collect-named-");
    symlinkSync("self", join(dir, "self"));
    symlinkSync("gone", join(dir, "dangling"));
    const file = write(join(dir, "file"), "x");
    await expect(collectAll({ paths: [join(dir, "self")] })).rejects.toThrow(
      `check: ${dir}/self is a symlink loop (ELOOP)`,
    );
    await expect(collectAll({ paths: [join(dir, "dangling")] })).rejects.toThrow(
      `check: ${dir}/dangling is a symlink to nothing (a dangling symlink)`,
    );
    await expect(collectAll({ paths: [join(file, "child")] })).rejects.toThrow(
      `check: ${file}/child cannot be read: a part of the path is not a directory (ENOTDIR)`,
    );
  });

  test("a mode-000 file: skipped with the reason for a user, read by root (who may read it)", async () => {
    const dir = tempDir("collect-mode-");
    const locked = write(join(dir, "locked.so"), fakeElf());
    chmodSync(locked, 0o000);
    const { items } = await collectAll({ paths: [dir] });
    // Root has CAP_DAC_OVERRIDE: a mode bit cannot make a file unreadable for it, so what is
    // unreadable for root is what the other tests here make: loops, vanished entries, FIFOs.
    if (process.getuid?.() === 0) expect(summary(items).elf).toEqual([locked]);
    else {
      expect(summary(items).skipped).toEqual([
        `${locked}: it cannot be opened: permission denied (EACCES)`,
      ]);
    }
  });

  test("a named file that is no ELF file is an answer with the reason; a found one only counted", async () => {
    const dir = tempDir("collect-text-");
    const text = write(join(dir, "notes.txt"), "hello");
    write(join(dir, "other.txt"), "world");
    const { items, counts } = await collectAll({ paths: [text, dir] });
    expect(summary(items).notElf).toEqual([`${text}: neither an ELF file nor an archive`]);
    expect(summary(items).skipped).toEqual([]);
    // notes.txt, named and then found in its directory, is looked at once.
    expect(counts).toMatchObject({ files: 2, notElf: 2, sameFile: 1 });
  });

  test("a sparse 2 GiB ELF file is skipped as too large at once, never read", async () => {
    const dir = tempDir("collect-sparse-");
    const big = write(join(dir, "huge.so"), fakeElf());
    const fd = openSync(big, "r+");
    ftruncateSync(fd, 2 * 1024 ** 3);
    closeSync(fd);
    const { items } = await collectAll({ paths: [big] });
    expect(summary(items).skipped).toEqual([
      `${big}: an ELF file of 2147483648 bytes, more than the 256 MiB limit (maxElfBytes): not read`,
    ]);
  });

  test("an abort stops the walk between files with the InterruptedError", async () => {
    const dir = tempDir("collect-abort-");
    for (let i = 0; i < 5; i++) write(join(dir, `${i}.so`), fakeElf());
    const controller = new AbortController();
    controller.abort(new InterruptedError("SIGINT"));
    await expect(collectAll({ paths: [dir] }, { signal: controller.signal })).rejects.toThrow(
      InterruptedError,
    );
  });
});
