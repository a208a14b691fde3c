import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { InfrastructureError } from "../../../lab/errors.js";
import { wrap } from "../../../lab/report/box.js";
import { renderConsole } from "../../../lab/report/console.js";
import { renderJson, writeJsonReport } from "../../../lab/report/json.js";
import { withUnit } from "../../../lab/report/scenario-views.js";
import type { RunResult } from "../../../lab/run-result.js";
import { SAMPLE_RESULT } from "../../fixtures/run-result.js";
import { tempDir } from "../temp-dirs.js";

describe("console report", () => {
  test("boxes, marks and explanations, colour off (snapshot)", async () => {
    const text = renderConsole(SAMPLE_RESULT, { color: false, width: 100 });
    expect(text).not.toMatch(/\u001b\[/);
    await expect(text).toMatchFileSnapshot("__snapshots__/console-report.txt");
  });

  test("every line of a box has the same width", () => {
    const lines = renderConsole(SAMPLE_RESULT, { color: false, width: 90 }).split("\n");
    expect(new Set(lines.map((l) => [...l].length))).toEqual(new Set([90]));
  });

  test("colour on adds escapes but not a single visible character", () => {
    const plain = renderConsole(SAMPLE_RESULT, { color: false, width: 100 });
    const colored = renderConsole(SAMPLE_RESULT, { color: true, width: 100 });
    expect(colored).toMatch(/\u001b\[/);
    expect(colored.replace(/\u001b\[[0-9;]*m/g, "")).toBe(plain);
  });
});

describe("wrapping inside boxes", () => {
  test("continuation lines keep the indentation; a bullet item continues under its text", () => {
    expect(wrap("    why: one two three four", 16)).toEqual(["    why: one two", "    three four"]);
    expect(wrap("• alpha beta gamma delta", 14)).toEqual(["• alpha beta", "  gamma delta"]);
    expect(wrap("  • alpha beta gamma", 14)).toEqual(["  • alpha beta", "    gamma"]);
  });

  test("a word longer than a line is cut hard, and nothing is lost", () => {
    const lines = wrap("x /a/very/long/path/that/cannot/fit y", 12);
    expect(lines.every((l) => l.length <= 12)).toBe(true);
    expect(lines.join("").replace(/ /g, "")).toBe("x/a/very/long/path/that/cannot/fity");
  });
});

describe("units after measured facts", () => {
  test("a number takes its unit, in the right number when both forms are given", () => {
    const queries = { one: "TCP query", other: "TCP queries" };
    expect(withUnit("1", queries)).toBe("1 TCP query");
    expect(withUnit("0", queries)).toBe("0 TCP queries");
    expect(withUnit("3", queries)).toBe("3 TCP queries");
    expect(withUnit("-4", "KiB")).toBe("-4 KiB");
    expect(withUnit("5006.1", "ms for one lookup")).toBe("5006.1 ms for one lookup");
  });

  test("a fact that is no number is shown as it is", () => {
    expect(withUnit("fail", "ms")).toBe("fail");
    expect(withUnit("none", { one: "query", other: "queries" })).toBe("none");
    expect(withUnit("12", undefined)).toBe("12");
  });
});

describe("JSON report", () => {
  test("carries every field docs/reports.md promises", () => {
    const parsed = JSON.parse(renderJson(SAMPLE_RESULT));
    expect(Object.keys(parsed)).toEqual(
      expect.arrayContaining([
        "schemaVersion",
        "tool",
        "startedAt",
        "durationMs",
        "environments",
        "scenarios",
        "summary",
        "exitStatus",
      ]),
    );
    const first = parsed.scenarios[0].cases[0];
    for (const key of [
      "scenario",
      "id",
      "title",
      "environment",
      "builtIn",
      "command",
      "exitCode",
      "signal",
      "stdout",
      "stderr",
      "durationMs",
      "measurements",
      "expected",
      "outcome",
      "explanation",
    ]) {
      expect(first).toHaveProperty(key);
    }
  });

  test("writes <start time>.json and latest.json, with no temporary file left", () => {
    const dir = tempDir("musl-lab-report-");
    const written = writeJsonReport(SAMPLE_RESULT, dir);
    expect(readdirSync(dir).sort()).toEqual(["2026-11-23T12-00-00.000Z.json", "latest.json"]);
    expect(JSON.parse(readFileSync(written.latest, "utf8"))).toEqual(
      JSON.parse(renderJson(SAMPLE_RESULT)),
    );
  });

  // A real full disk: a 16 KiB tmpfs (root can mount one; CI runs as root, so this never skips there).
  const canMount = process.getuid?.() === 0;
  test.runIf(canMount || process.env["CI"])(
    "a full disk is a one-line infrastructure error and the old latest.json survives whole",
    () => {
      const dir = tempDir("musl-lab-full-");
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", dir]);
      try {
        writeFileSync(join(dir, "latest.json"), "previous");
        const big: RunResult = {
          ...SAMPLE_RESULT,
          scenarios: SAMPLE_RESULT.scenarios.map((sc) => ({
            ...sc,
            cases: sc.cases.map((c) => ({ ...c, stdout: "x".repeat(20_000) })),
          })),
        };
        expect(() => writeJsonReport(big, dir)).toThrow(
          /^cannot write the JSON report to .*: ENOSPC$/,
        );
        expect(readFileSync(join(dir, "latest.json"), "utf8")).toBe("previous");
        expect(readdirSync(dir)).toEqual(["latest.json"]);
      } finally {
        execFileSync("umount", [dir]);
      }
    },
  );

  test("an unwritable directory is a one-line infrastructure error and the old latest.json survives", () => {
    const dir = tempDir("musl-lab-report-");
    writeFileSync(join(dir, "latest.json"), "previous");
    chmodSync(dir, 0o500);
    try {
      if (process.getuid?.() === 0) {
        // root ignores directory permissions; a path through a regular file fails for everyone.
        expect(() => writeJsonReport(SAMPLE_RESULT, join(dir, "latest.json", "sub"))).toThrow(
          InfrastructureError,
        );
      } else {
        expect(() => writeJsonReport(SAMPLE_RESULT, dir)).toThrow(/cannot write the JSON report/);
      }
      expect(readFileSync(join(dir, "latest.json"), "utf8")).toBe("previous");
    } finally {
      chmodSync(dir, 0o700);
    }
  });
});
