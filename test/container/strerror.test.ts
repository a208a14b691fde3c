import { beforeAll, describe, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { caseFinder, countRunContainers, runScenario } from "./helpers.js";

let result: RunResult;
const find = caseFinder(() => result, "strerror");

beforeAll(async () => {
  result = await runScenario("strerror");
});

describe("strerror, run for real on glibc and musl (musl 1.2.3 joins the GNU strerror_r case)", () => {
  test("the same numbers, other words; 0 and unknown numbers are 'No error information' on musl", () => {
    const glibc = find("message-texts", "glibc").measurements;
    const musl = find("message-texts", "musl").measurements;
    expect([glibc["text.edeadlk"], musl["text.edeadlk"]]).toEqual([
      "Resource deadlock avoided",
      "Resource deadlock would occur",
    ]);
    expect([glibc["text.0"], musl["text.0"]]).toEqual(["Success", "No error information"]);
    expect([glibc["text.unknown"], musl["text.unknown"]]).toEqual([
      "Unknown error 12345",
      "No error information",
    ]);
  });

  test("glibc's catalogs are installed: German on glibc, English on musl", () => {
    expect(find("translated", "glibc").measurements["de.enoent"]).toBe(
      "Datei oder Verzeichnis nicht gefunden",
    );
    expect(find("translated", "musl").measurements["de.enoent"]).toBe("No such file or directory");
  });

  test("GNU-style strerror_r: a build failure with gcc 14 on musl, NULL with gcc 12 on musl 1.2.3", () => {
    const musl = find("gnu-strerror-r", "musl");
    expect(musl.outcome).toBe("expected-build-failure");
    expect(musl.command).toBeNull();
    expect(musl.build?.output).toContain(
      "error: initialization of 'char *' from 'int' makes pointer from integer without a cast [-Wint-conversion]",
    );
    const old = find("gnu-strerror-r", "musl-1.2.3");
    expect(old.build?.output).toContain("warning: initialization of 'char *' from 'int'");
    expect(old.measurements["gnu.null"]).toBe("yes");
  });

  test("every case as predicted, and no container left behind", async () => {
    const surprises = result.scenarios[0]!.cases.filter(
      (c) => !["as-expected", "expected-build-failure", "fix-verified"].includes(c.outcome),
    );
    expect(surprises.map((c) => `${c.id}@${c.environment}: ${c.explanation}`)).toEqual([]);
    expect(result.exitStatus).toBe(0);
    expect(await countRunContainers()).toBe(0);
  });
});
