import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { planOutputs } from "../../../lab/cli/output-paths.js";
import { UsageError } from "../../../lab/errors.js";
import type { Format } from "../../../lab/report/reporters.js";
import { tempDir } from "../temp-dirs.js";

const dir = () => tempDir("musl-lab-outputs-");

interface Flags {
  outputDir?: string;
  junitFile?: string;
  baselineFile?: string;
  accept?: boolean;
  formats?: Format[];
}
/** planOutputs as the CLI calls it, the user in `cwd`, the default output dir `cwd/reports`. */
const plan = (cwd: string, flags: Flags) =>
  planOutputs(
    {
      outputDir: flags.outputDir ?? null,
      junitFile: flags.junitFile ?? null,
      baselineFile: flags.baselineFile ?? null,
      accept: flags.accept ?? false,
      formats: flags.formats ?? ["console", ...(flags.junitFile ? (["junit"] as const) : [])],
    },
    cwd,
    join(cwd, "reports"),
  );
const usageError = (cwd: string, flags: Flags): string => {
  try {
    plan(cwd, flags);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("no error");
};

describe("planOutputs: paths from where the user typed", () => {
  test("relative --output-dir, --junit and --baseline are taken from the user's directory", () => {
    const cwd = dir();
    const outputs = plan(cwd, {
      outputDir: "out",
      junitFile: "ci/junit.xml",
      baselineFile: "b.json",
    });
    expect(outputs).toEqual({
      outputDir: join(cwd, "out"),
      junitFile: join(cwd, "ci", "junit.xml"),
      baseline: { path: join(cwd, "b.json"), given: "b.json" },
    });
    // Made before the run, and nothing left in them by the check.
    expect(readdirSync(join(cwd, "out"))).toEqual([]);
    expect(readdirSync(join(cwd, "ci"))).toEqual([]);
  });
});

describe("planOutputs: refused before the run, in one line", () => {
  test("an --output-dir that is a regular file, or lies under one", () => {
    const cwd = dir();
    writeFileSync(join(cwd, "file"), "");
    expect(usageError(cwd, { outputDir: "file" })).toBe(
      `--output-dir file: ${join(cwd, "file")} is not a directory`,
    );
    expect(usageError(cwd, { outputDir: "file/sub" })).toBe(
      `--output-dir file/sub: cannot use ${join(cwd, "file", "sub")}: ENOTDIR`,
    );
  });

  test("--junit on a device or a FIFO: reports are renamed into place, which would replace it", () => {
    const cwd = dir();
    execFileSync("mkfifo", [join(cwd, "fifo")]);
    expect(usageError(cwd, { junitFile: "/dev/null" })).toBe(
      "--junit /dev/null: it is a character device, not a regular file; reports are written to regular files only (a temporary file renamed into place)",
    );
    expect(usageError(cwd, { junitFile: "fifo" })).toMatch(/^--junit fifo: it is a FIFO, /);
  });

  test("--junit on the output directory's latest.json (the JSON report would become XML)", () => {
    const cwd = dir();
    expect(usageError(cwd, { outputDir: "r", junitFile: "r/latest.json" })).toBe(
      "--junit r/latest.json is the same file as latest.json in --output-dir r: two outputs cannot share one file",
    );
  });

  test("--junit on latest.html only when HTML is written there too", () => {
    const cwd = dir();
    const flags = { outputDir: "r", junitFile: "r/latest.html" };
    expect(plan(cwd, flags).junitFile).toBe(join(cwd, "r", "latest.html"));
    expect(usageError(cwd, { ...flags, formats: ["html", "junit"] })).toMatch(
      /^--junit r\/latest\.html is the same file as latest\.html in --output-dir r: /,
    );
  });

  test("--junit with the name of a timestamped report in the output directory", () => {
    const cwd = dir();
    expect(usageError(cwd, { outputDir: "r", junitFile: "r/2026-11-03T09-15-02.123Z.json" })).toBe(
      "--junit r/2026-11-03T09-15-02.123Z.json has the name of a timestamped json report in --output-dir r: name another file",
    );
  });

  test("--junit on the baseline: never without --accept, and not with it either", () => {
    const cwd = dir();
    writeFileSync(join(cwd, "b.json"), "{}");
    expect(usageError(cwd, { baselineFile: "b.json", junitFile: "b.json" })).toBe(
      "--baseline b.json is also --junit b.json: this run would replace the baseline, which only --accept does; copy the baseline elsewhere or write the reports to another place",
    );
    expect(usageError(cwd, { baselineFile: "b.json", junitFile: "b.json", accept: true })).toBe(
      "--baseline b.json (--accept writes it) is the same file as --junit b.json: two outputs cannot share one file",
    );
  });

  test("the baseline spelled another way (a link, ..) is still the baseline", () => {
    const cwd = dir();
    mkdirSync(join(cwd, "r"));
    writeFileSync(join(cwd, "r", "latest.json"), "{}");
    symlinkSync(join(cwd, "r"), join(cwd, "alias"));
    expect(usageError(cwd, { outputDir: "r", baselineFile: "alias/../r/latest.json" })).toMatch(
      /^--baseline alias\/\.\.\/r\/latest\.json is also latest\.json in --output-dir r: /,
    );
    expect(usageError(cwd, { outputDir: "alias", baselineFile: "r/latest.json" })).toMatch(
      /^--baseline r\/latest\.json is also latest\.json in --output-dir alias: /,
    );
  });

  test("with nothing shared, the plan holds; the baseline's own folder is made for --accept", () => {
    const cwd = dir();
    const outputs = plan(cwd, { baselineFile: "new/b.json", accept: true, junitFile: "j.xml" });
    expect(outputs.baseline?.path).toBe(join(cwd, "new", "b.json"));
    expect(existsSync(join(cwd, "new"))).toBe(true);
  });
});
