import { describe, expect, test } from "vitest";
import { probeCommand } from "../../../lab/run/probe-command.js";
import { CheckSchema } from "../../../lab/scenarios/schema.js";

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
