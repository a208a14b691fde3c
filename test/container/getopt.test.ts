import { beforeAll, describe, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { caseFinder, countRunContainers, runScenario } from "./helpers.js";

let result: RunResult;
const find = caseFinder(() => result, "getopt");

beforeAll(async () => {
  result = await runScenario("getopt");
});

describe("getopt, run for real on glibc and musl (musl 1.2.3 and glibc 2.36 along)", () => {
  test("`prog file -v`: glibc permutes and sees -v, every musl stops at the operand", () => {
    for (const env of ["glibc", "glibc-2.36"]) {
      expect(find("permute", env).measurements).toMatchObject({ opts: "v", operands: "file" });
    }
    for (const env of ["musl", "musl-1.2.3"]) {
      expect(find("permute", env).measurements).toMatchObject({
        opts: "(none)",
        operands: "file|-v",
      });
    }
    expect(find("mount-style", "musl").measurements["operands"]).toBe("pool|/mnt|-o|ro");
  });

  test("POSIXLY_CORRECT makes glibc's getopt stop; musl's getopt_long ignores it", () => {
    expect(find("posixly-correct", "glibc").measurements["opts"]).toBe("(none)");
    expect(find("long-posixly-correct", "glibc").measurements["opts"]).toBe("(none)");
    expect(find("long-posixly-correct", "musl").measurements["opts"]).toBe("v");
  });

  test("'--' after an operand stays in argv on musl only", () => {
    expect(find("double-dash-after-operand", "glibc").measurements["operands"]).toBe("foo|bar");
    expect(find("double-dash-after-operand", "musl").measurements["operands"]).toBe("foo|--|bar");
  });

  test("error words and optind after a missing argument differ", () => {
    expect(find("unknown-option", "glibc").stderr).toMatch(/invalid option -- 'x'/);
    expect(find("unknown-option", "musl").stderr).toMatch(/unrecognized option: x/);
    expect(find("missing-argument", "glibc").measurements["optind"]).toBe("3");
    expect(find("missing-argument", "musl").measurements["optind"]).toBe("4");
  });

  test("every fix is verified on both, with the same result", () => {
    for (const id of ["fix-options-first", "fix-plus", "fix-getopt-long", "fix-in-order"]) {
      const glibc = find(id, "glibc");
      const musl = find(id, "musl");
      expect([glibc.outcome, musl.outcome]).toEqual(["fix-verified", "fix-verified"]);
      expect(musl.measurements["opts"]).toBe(glibc.measurements["opts"]);
      expect(musl.measurements["operands"]).toBe(glibc.measurements["operands"]);
    }
  });

  test("every case as predicted, and no container left behind", async () => {
    const surprises = result.scenarios[0]!.cases.filter(
      (c) => c.outcome !== "as-expected" && c.outcome !== "fix-verified",
    );
    expect(surprises.map((c) => `${c.id}@${c.environment}: ${c.explanation}`)).toEqual([]);
    expect(result.scenarios[0]!.cases).toHaveLength(28);
    expect(result.exitStatus).toBe(0);
    expect(await countRunContainers()).toBe(0);
  });
});
