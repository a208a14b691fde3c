import { beforeAll, describe, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { caseFinder, countRunContainers, runScenario } from "./helpers.js";

let result: RunResult;
const find = caseFinder(() => result, "locale");

beforeAll(async () => {
  result = await runScenario("locale");
});

describe("locale, run for real on glibc and musl", () => {
  test("the glibc image has the generated locales the scenario needs", () => {
    const glibc = result.environments.find((e) => e.id === "glibc");
    expect(glibc?.locales).toEqual(
      expect.arrayContaining([
        "en_US.utf8",
        "de_DE.utf8",
        "tr_TR.utf8",
        "sv_SE.utf8",
        "ja_JP.utf8",
      ]),
    );
    expect(result.environments.find((e) => e.id === "musl")?.locales).toBeNull();
  });

  test("glibc and musl sort the word list differently under en_US.UTF-8", () => {
    const glibc = find("collate-en-us", "glibc").measurements["order"];
    const musl = find("collate-en-us", "musl").measurements["order"];
    expect(glibc).toBeDefined();
    expect(glibc).not.toBe(musl);
    // musl's order is the C locale's: strcoll is strcmp
    expect(musl).toBe(find("collate-c", "musl").measurements["order"]);
    expect(glibc!.split("|").indexOf("Äpfel")).toBeLessThan(glibc!.split("|").indexOf("Banana"));
  });

  test("setlocale of a locale that exists nowhere fails on glibc and 'succeeds' on musl", () => {
    expect(find("setlocale-no-lang", "glibc").measurements["setlocale.xx_yy"]).toBe("NULL");
    expect(find("setlocale-no-lang", "musl").measurements["setlocale.xx_yy"]).toBe("xx_YY.UTF-8");
  });

  test("%'d groups digits on glibc de_DE, and not on musl", () => {
    expect(find("format", "glibc").measurements["grouping.de_de"]).toBe("1.234.567");
    expect(find("format", "musl").measurements["grouping.de_de"]).toBe("1234567");
  });

  test("every case as predicted, and no container left behind", async () => {
    const surprises = result.scenarios[0]!.cases.filter((c) => c.outcome !== "as-expected");
    expect(surprises.map((c) => `${c.id}@${c.environment}: ${c.explanation}`)).toEqual([]);
    expect(result.exitStatus).toBe(0);
    expect(await countRunContainers()).toBe(0);
  });
});
