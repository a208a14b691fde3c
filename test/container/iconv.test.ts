import { beforeAll, describe, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { caseFinder, countRunContainers, runScenario } from "./helpers.js";

let result: RunResult;
const find = caseFinder(() => result, "iconv");

beforeAll(async () => {
  result = await runScenario("iconv");
});

describe("iconv, run for real on glibc and musl (musl 1.2.3 and glibc 2.36 along)", () => {
  test("a character ASCII lacks: glibc stops with EILSEQ, musl writes '*' and counts it", () => {
    for (const env of ["glibc", "glibc-2.36"]) {
      expect(find("ascii-plain", env).measurements).toMatchObject({
        ret: "-1",
        errno: "EILSEQ",
        consumed: "3",
        out: "caf",
      });
    }
    for (const env of ["musl", "musl-1.2.3"]) {
      expect(find("ascii-plain", env).measurements).toMatchObject({
        ret: "5",
        errno: "none",
        out: "caf* * 5 *ok* *",
      });
    }
  });

  test("//TRANSLIT: glibc's text depends on LC_CTYPE, musl refuses the charset name", () => {
    expect(find("translit-c", "glibc").measurements["out"]).toBe('caf? EUR 5 "ok" ?');
    expect(find("translit-en-us", "glibc").measurements["out"]).toBe('cafe EUR 5 "ok" ?');
    expect(find("translit-latin1-de-de", "glibc").measurements["hex"]).toContain("ab6f6bbb");
    for (const [id, env] of [
      ["translit-c", "musl"],
      ["translit-c", "musl-1.2.3"],
      ["translit-en-us", "musl"],
      ["ignore", "musl"],
    ] as const) {
      expect(find(id, env).measurements["open"]).toBe("EINVAL");
    }
  });

  test("//IGNORE on glibc converts everything and still returns -1 with EILSEQ", () => {
    expect(find("ignore", "glibc").measurements).toMatchObject({
      ret: "-1",
      errno: "EILSEQ",
      consumed: "24",
    });
  });

  test("charsets: cp932 arrived in musl 1.2.5; UTF-7 and a GB18030 target exist only on glibc", () => {
    expect(find("charsets", "musl").measurements["charset.cp932"]).toBe("both");
    expect(find("charsets", "musl-1.2.3").measurements["charset.cp932"]).toBe("none");
    expect(find("charsets", "musl").measurements["charset.utf_7"]).toBe("none");
    expect(find("charsets", "musl").measurements["charset.gb18030"]).toBe("from-only");
    expect(find("charsets", "glibc").measurements["charset.utf_7"]).toBe("both");
    expect(find("charsets", "glibc-2.36").measurements["charset.gb18030"]).toBe("both");
  });

  test("both fixes give the same bytes on glibc and musl", () => {
    for (const id of ["fix-own-translit", "fix-fallback-latin1"]) {
      const glibc = find(id, "glibc");
      const musl = find(id, "musl");
      expect(glibc.outcome).toBe("fix-verified");
      expect(musl.outcome).toBe("fix-verified");
      expect(musl.measurements["hex"]).toBe(glibc.measurements["hex"]);
    }
  });

  test("every case as predicted, and no container left behind", async () => {
    const surprises = result.scenarios[0]!.cases.filter(
      (c) => c.outcome !== "as-expected" && c.outcome !== "fix-verified",
    );
    expect(surprises.map((c) => `${c.id}@${c.environment}: ${c.explanation}`)).toEqual([]);
    expect(result.scenarios[0]!.cases).toHaveLength(26);
    expect(result.exitStatus).toBe(0);
    expect(await countRunContainers()).toBe(0);
  });
});
