import { describe, expect, test } from "vitest";
import { parseBatchOutput } from "../../../lab/runtime/session.js";
import { probeCommand } from "../../../lab/run-lab.js";
import { CheckSchema } from "../../../lab/scenarios/schema.js";

const MARK = "@@m@@";
/** No OOM kill, nothing cut. */
const CLEAN = { oomKills: 0, forksRefused: 0, truncated: {} };

describe("parseBatchOutput", () => {
  test("splits runs, keeps their output exactly and times them from /proc/uptime", () => {
    const output = [
      `${MARK} out 0`,
      "a=1\nb=2",
      `${MARK} err 0`,
      "",
      `${MARK} status 0 0 100.00 100.04`,
      `${MARK} out 1`,
      "x=1\n",
      `${MARK} err 1`,
      "Segmentation fault",
      `${MARK} status 1 139 100.04 100.07`,
      "",
    ].join("\n");
    expect(parseBatchOutput(output, MARK, 2)).toEqual([
      { status: 0, stdout: "a=1\nb=2", stderr: "", after: "", durationMs: 40, ...CLEAN },
      {
        status: 139,
        stdout: "x=1\n",
        stderr: "Segmentation fault",
        after: "",
        durationMs: 30,
        ...CLEAN,
      },
    ]);
  });

  test("output that only looks like a mark (another token) stays output", () => {
    const output = `${MARK} out 0\n@@x@@ status 0 1 2 3\n${MARK} err 0\n\n${MARK} status 0 0 1 1\n`;
    expect(parseBatchOutput(output, MARK, 1)?.[0]?.stdout).toBe("@@x@@ status 0 1 2 3");
  });

  test("teardown output comes back as `after`; a failed setup is a null status", () => {
    const output = [
      `${MARK} out 0`,
      "",
      `${MARK} err 0`,
      "dns-fixture: line 3: unknown directive",
      `${MARK} after 0`,
      '{"qname":"db.lab.example"}',
      `${MARK} status 0 setup 5.00 5.01`,
      "",
    ].join("\n");
    expect(parseBatchOutput(output, MARK, 1)).toEqual([
      {
        status: null,
        stdout: "",
        stderr: "dns-fixture: line 3: unknown directive",
        after: '{"qname":"db.lab.example"}',
        durationMs: 10,
        ...CLEAN,
      },
    ]);
  });

  test("an OOM kill and a stream cut at the cap are reported with the real size", () => {
    const output = [
      `${MARK} out 0`,
      "x".repeat(10),
      `${MARK} trunc 0 out 8388608`,
      `${MARK} err 0`,
      "Killed",
      `${MARK} after 0`,
      "",
      `${MARK} status 0 137 1.00 1.50 1 7`,
      "",
    ].join("\n");
    expect(parseBatchOutput(output, MARK, 1)?.[0]).toMatchObject({
      status: 137,
      stdout: "x".repeat(10),
      oomKills: 1,
      forksRefused: 7,
      truncated: { stdout: 8388608 },
    });
  });

  test("a missing run (the script died half way) is null, not a guess", () => {
    const output = `${MARK} out 0\n\n${MARK} err 0\n\n${MARK} status 0 0 1 1\n`;
    expect(parseBatchOutput(output, MARK, 2)).toBeNull();
    expect(parseBatchOutput("", MARK, 1)).toBeNull();
  });
});

describe("probeCommand", () => {
  const check = (raw: object) => {
    const parsed = CheckSchema.parse({ kind: "run", on: "musl", ...raw });
    if (parsed.kind === "elf") throw new Error("not a run");
    return parsed;
  };

  test("ulimit, unset and set variables, then the binary, as a user would type it", () => {
    const command = probeCommand(
      "/lab/bin/p",
      check({
        args: ["{value}", "explicit=2048", "two words"],
        env: { LANG: null, LC_ALL: "de_DE.UTF-8" },
        limits: { stackKib: 256 },
      }),
      512,
    );
    expect(command).toBe(
      "ulimit -s 256; unset LANG; LC_ALL=de_DE.UTF-8 /lab/bin/p 512 explicit=2048 'two words'",
    );
  });

  test("a plain run is just the binary and its arguments", () => {
    expect(probeCommand("/lab/bin/p", check({ args: ["0"] }), null)).toBe("/lab/bin/p 0");
  });
});
