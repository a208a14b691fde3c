import { describe, expect, test } from "vitest";
import { parseBatchOutput } from "../../../lab/runtime/batch-output.js";

const MARK = "@@m@@";
/** No OOM kill, nothing cut. */
const CLEAN = { oomKills: 0, forksRefused: 0, truncated: {} };

/** What `head -c CAP -- MARK-0.out MARK-0.err …` prints for these files, then the script's echo. */
function heads(files: [string, string][]): string {
  return `${files.map(([name, content]) => `==> ${MARK}-${name} <==\n${content}`).join("\n")}\n`;
}

describe("parseBatchOutput", () => {
  test("splits runs, keeps their output exactly and times them from /proc/uptime", () => {
    const output =
      heads([
        ["0.out", "a=1\nb=2"],
        ["0.err", ""],
        ["0.after", ""],
        ["1.out", "x=1\n"],
        ["1.err", "Segmentation fault\n"],
        ["1.after", ""],
      ]) + `${MARK} status 0 0 100.00 100.04 0 0\n${MARK} status 1 139 100.04 100.07 0 0\n`;
    expect(parseBatchOutput(output, MARK, 2)).toEqual([
      { status: 0, stdout: "a=1\nb=2", stderr: "", after: "", durationMs: 40, ...CLEAN },
      {
        status: 139,
        stdout: "x=1\n",
        stderr: "Segmentation fault\n",
        after: "",
        durationMs: 30,
        ...CLEAN,
      },
    ]);
  });

  test("runs sent one after another, each with its status and trunc lines, are split the same", () => {
    const run = (i: number, out: string, status: string, trunc = "") =>
      heads([
        [`${i}.out`, out],
        [`${i}.err`, ""],
        [`${i}.after`, `log ${i}\n`],
      ]) + `${MARK} status ${i} ${status}\n${trunc}`;
    const output =
      run(0, "x".repeat(4), "0 1.00 1.20 0 0", `${MARK} trunc 0 out 16777216\n`) +
      run(1, "next\n", "0 1.30 1.31 0 0");
    expect(parseBatchOutput(output, MARK, 2)).toEqual([
      {
        status: 0,
        stdout: "xxxx",
        stderr: "",
        after: "log 0\n",
        durationMs: 200,
        ...CLEAN,
        truncated: { stdout: 16777216 },
      },
      { status: 0, stdout: "next\n", stderr: "", after: "log 1\n", durationMs: 10, ...CLEAN },
    ]);
  });

  test("output that only looks like a header or a mark (another token) stays output", () => {
    const forged = "==> @@x@@-0.err <==\n@@x@@ status 0 1 2 3";
    const output =
      heads([
        ["0.out", forged],
        ["0.err", ""],
        ["0.after", ""],
      ]) + `${MARK} status 0 0 1 1 0 0\n`;
    expect(parseBatchOutput(output, MARK, 1)?.[0]?.stdout).toBe(forged);
  });

  test("teardown output comes back as `after`; a failed setup is a null status", () => {
    const output =
      heads([
        ["0.out", ""],
        ["0.err", "dns-fixture: line 3: unknown directive\n"],
        ["0.after", '{"qname":"db.lab.example"}\n'],
      ]) + `${MARK} status 0 setup 5.00 5.01 0 0\n`;
    expect(parseBatchOutput(output, MARK, 1)).toEqual([
      {
        status: null,
        stdout: "",
        stderr: "dns-fixture: line 3: unknown directive\n",
        after: '{"qname":"db.lab.example"}\n',
        durationMs: 10,
        ...CLEAN,
      },
    ]);
  });

  test("an OOM kill, refused forks and a stream cut at the cap are reported", () => {
    const output =
      heads([
        ["0.out", "x".repeat(10)],
        ["0.err", "Killed\n"],
        ["0.after", ""],
      ]) + `${MARK} status 0 137 1.00 1.50 1 7\n${MARK} trunc 0 out 8388608\n`;
    expect(parseBatchOutput(output, MARK, 1)?.[0]).toMatchObject({
      status: 137,
      stdout: "x".repeat(10),
      oomKills: 1,
      forksRefused: 7,
      truncated: { stdout: 8388608 },
    });
  });

  test("a missing run (the script died half way) is null, not a guess", () => {
    const output =
      heads([
        ["0.out", ""],
        ["0.err", ""],
        ["0.after", ""],
      ]) + `${MARK} status 0 0 1 1 0 0\n`;
    expect(parseBatchOutput(output, MARK, 2)).toBeNull();
    expect(parseBatchOutput("", MARK, 1)).toBeNull();
  });

  test("a run whose status line is missing is null, though its streams came back", () => {
    const output = heads([
      ["0.out", "all=well\n"],
      ["0.err", ""],
      ["0.after", ""],
    ]);
    expect(parseBatchOutput(output, MARK, 1)).toBeNull();
  });

  test("a run with a status line but no stderr header is null", () => {
    const output = heads([["0.out", "x\n"]]) + `${MARK} status 0 0 1 1 0 0\n`;
    expect(parseBatchOutput(output, MARK, 1)).toBeNull();
  });

  test("a run without a teardown header has an empty `after`", () => {
    const output =
      heads([
        ["0.out", "x"],
        ["0.err", ""],
      ]) + `${MARK} status 0 0 1 1 0 0\n`;
    expect(parseBatchOutput(output, MARK, 1)?.[0]?.after).toBe("");
  });

  test("a run number beyond the batch, or a status that is not a number, is null", () => {
    const streams = heads([
      ["0.out", ""],
      ["0.err", ""],
      ["0.after", ""],
    ]);
    expect(parseBatchOutput(`${streams}${MARK} status 1 0 1 1 0 0\n`, MARK, 1)).toBeNull();
    expect(parseBatchOutput(`${streams}${MARK} status 0 zero 1 1 0 0\n`, MARK, 1)).toBeNull();
  });

  test("a mark that is not at the start of a line, or lines with more after them, stay output", () => {
    const forged = [
      `say ${MARK} status 0 0 1 1 0 0`,
      `==> ${MARK}-0.err <== and more`,
      ` ${MARK} trunc 0 out 99`,
    ].join("\n");
    const output =
      heads([
        ["0.out", forged],
        ["0.err", "e"],
        ["0.after", ""],
      ]) + `${MARK} status 0 0 1 1 0 0\n`;
    expect(parseBatchOutput(output, MARK, 1)).toEqual([
      { status: 0, stdout: forged, stderr: "e", after: "", durationMs: 0, ...CLEAN },
    ]);
  });

  test("a mark with regular-expression characters is matched literally", () => {
    const mark = "@@a.b+c@@";
    const output = `==> ${mark}-0.out <==\nok\n==> ${mark}-0.err <==\n\n${mark} status 0 0 1 1 0 0\n`;
    expect(parseBatchOutput(output, mark, 1)?.[0]?.stdout).toBe("ok");
    expect(parseBatchOutput(output.replaceAll(mark, "@@aXb+c@@"), mark, 1)).toBeNull();
  });

  test("stderr cut at the cap is reported; a cut teardown output is not (it is no probe stream)", () => {
    const output =
      heads([
        ["0.out", ""],
        ["0.err", "e".repeat(4)],
        ["0.after", "a".repeat(4)],
      ]) + `${MARK} status 0 1 1 1 0 0\n${MARK} trunc 0 err 5000\n${MARK} trunc 0 after 6000\n`;
    expect(parseBatchOutput(output, MARK, 1)?.[0]?.truncated).toEqual({ stderr: 5000 });
  });
});
