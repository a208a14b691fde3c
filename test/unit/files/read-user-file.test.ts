import { execFileSync } from "node:child_process";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readUserFile } from "../../../lab/read-user-file.js";
import { tempDir } from "../temp-dirs.js";

const dir = () => tempDir("musl-lab-read-");

describe("readUserFile: only regular files, never more than the limit", () => {
  test("a regular file up to the limit is read whole, also through a symbolic link", () => {
    const d = dir();
    writeFileSync(join(d, "ten"), "0123456789");
    symlinkSync(join(d, "ten"), join(d, "link"));
    for (const name of ["ten", "link"]) {
      const read = readUserFile(join(d, name), 10);
      expect(read.ok && read.bytes.toString()).toBe("0123456789");
    }
  });

  test("one byte over the limit is refused, whatever size stat reports", () => {
    const d = dir();
    writeFileSync(join(d, "eleven"), "0123456789A");
    expect(readUserFile(join(d, "eleven"), 10)).toEqual({
      ok: false,
      problem: "too-large",
      reason: "it has more than 10 bytes",
    });
  });

  test("a device whose stat size is 0 is refused, not read without end", () => {
    expect(readUserFile("/dev/zero", 1024)).toEqual({
      ok: false,
      problem: "unreadable",
      reason: "it is a character device, not a regular file",
    });
  });

  test("a FIFO with no writer is refused at once, not waited on", () => {
    const fifo = join(dir(), "fifo");
    execFileSync("mkfifo", [fifo]);
    expect(readUserFile(fifo, 1024)).toEqual({
      ok: false,
      problem: "unreadable",
      reason: "it is a FIFO, not a regular file",
    });
  });

  test("a missing file, a folder", () => {
    const d = dir();
    expect(readUserFile(join(d, "none"), 10)).toEqual({
      ok: false,
      problem: "missing",
      reason: "no such file (ENOENT)",
    });
    expect(readUserFile(d, 10)).toMatchObject({ problem: "unreadable", reason: /directory/ });
  });
});
