import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { makeFolders } from "../../../lab/make-folders.js";

const dir = mkdtempSync(join(tmpdir(), "musl-lab-make-folders-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const codeOf = (work: () => void): string | undefined => {
  try {
    work();
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
};

test("makes every missing folder, and an existing one is fine", () => {
  makeFolders(join(dir, "a", "b", "c"));
  expect(statSync(join(dir, "a", "b", "c")).isDirectory()).toBe(true);
  makeFolders(join(dir, "a", "b", "c"));
  makeFolders(dir);
});

test("a file on the way is ENOTDIR, a dangling link ENOENT", () => {
  writeFileSync(join(dir, "file"), "x");
  symlinkSync(join(dir, "nowhere"), join(dir, "dangling"));
  expect(codeOf(() => makeFolders(join(dir, "file")))).toBe("ENOTDIR");
  expect(codeOf(() => makeFolders(join(dir, "file", "sub")))).toBe("ENOTDIR");
  expect(codeOf(() => makeFolders(join(dir, "dangling", "sub")))).toBe("ENOENT");
});

test("a folder under /proc is refused at once (Node's recursive mkdir spins there forever)", () => {
  expect(codeOf(() => makeFolders("/proc/musl-lab-test/reports"))).toBe("ENOENT");
  expect(codeOf(() => makeFolders("/sys/musl-lab-test"))).toMatch(/^(EPERM|EACCES|EROFS)$/);
});
