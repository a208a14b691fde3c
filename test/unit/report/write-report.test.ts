import { execFileSync } from "node:child_process";
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { outputTarget, writeAtomically } from "../../../lab/report/write-report.js";
import { tempDir } from "../temp-dirs.js";

const dir = () => tempDir("musl-lab-write-");

describe("writeAtomically: replaces regular files only", () => {
  test("a symbolic link is followed: its target is replaced, the link stays a link", () => {
    const d = dir();
    mkdirSync(join(d, "real"));
    writeFileSync(join(d, "real", "junit.xml"), "old");
    symlinkSync(join("real", "junit.xml"), join(d, "link.xml"));
    writeAtomically(join(d, "link.xml"), "new");
    expect(lstatSync(join(d, "link.xml")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(d, "link.xml"))).toBe(join("real", "junit.xml"));
    expect(readFileSync(join(d, "real", "junit.xml"), "utf8")).toBe("new");
    // The temporary file went beside the target (rename never crosses folders), and is gone.
    expect(readdirSync(join(d, "real"))).toEqual(["junit.xml"]);
    expect(readdirSync(d).sort()).toEqual(["link.xml", "real"]);
  });

  test("a dangling link gets its target created", () => {
    const d = dir();
    symlinkSync("made.xml", join(d, "dangling.xml"));
    writeAtomically(join(d, "dangling.xml"), "x");
    expect(lstatSync(join(d, "dangling.xml")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, "made.xml"), "utf8")).toBe("x");
  });

  test("a FIFO is not replaced by a regular file, nor is a folder", () => {
    const d = dir();
    execFileSync("mkfifo", [join(d, "fifo")]);
    expect(() => writeAtomically(join(d, "fifo"), "x")).toThrow("it is a FIFO, not a regular file");
    expect(lstatSync(join(d, "fifo")).isFIFO()).toBe(true);
    mkdirSync(join(d, "folder"));
    expect(() => writeAtomically(join(d, "folder"), "x")).toThrow(/directory/);
    expect(readdirSync(d).sort()).toEqual(["fifo", "folder"]);
  });

  test("a device is refused, also through a link to it", () => {
    const d = dir();
    symlinkSync("/dev/null", join(d, "null"));
    for (const path of ["/dev/null", join(d, "null")]) {
      expect(() => outputTarget(path)).toThrow("it is a character device, not a regular file");
    }
  });

  test("a loop of links is an error, not a hang", () => {
    const d = dir();
    symlinkSync("b", join(d, "a"));
    symlinkSync("a", join(d, "b"));
    expect(() => outputTarget(join(d, "a"))).toThrow(/ELOOP/);
  });
});
