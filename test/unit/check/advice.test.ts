import { describe, expect, test } from "vitest";
import { fixesFor, hintsFor } from "../../../lab/check/advice.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";

const scenarios = loadScenarios();
const facts = (imports: string[], gnuStackSize: number | null = null) => ({
  imports,
  weakImports: [],
  gnuStackSize,
});

describe("hintsFor: the lessons an artifact's imports point at, from each scenario's data", () => {
  test("threads without a PT_GNU_STACK size point at thread-stack; with one, they do not", () => {
    expect(hintsFor(facts(["pthread_create"]), scenarios).map((h) => h.scenario)).toEqual([
      "thread-stack",
    ]);
    expect(hintsFor(facts(["pthread_create"], 1 << 20), scenarios)).toEqual([]);
  });

  test("name lookups, locales, iconv and getopt each point at their scenario, naming the imports", () => {
    const hints = hintsFor(
      facts(["getaddrinfo", "strcoll", "iconv_open", "getopt_long", "printf"]),
      scenarios,
    );
    expect(hints.map((h) => h.scenario)).toEqual(["dns", "locale", "iconv", "getopt"]);
    expect(hints[0]?.text).toMatch(/^imports getaddrinfo: /);
  });

  test("a program that imports none of them gets no hint", () => {
    expect(hintsFor(facts(["printf", "exit"]), scenarios)).toEqual([]);
  });
});

describe("fixesFor", () => {
  test("a missing library on musl names the apk query for exactly that soname", () => {
    const prediction = {
      verdict: "missing-library" as const,
      message: "",
      reason: "",
      missingLibraries: ["libz.so.1"],
      missingVersions: [],
      missingSymbols: [],
      hostSymbols: null,
      resolved: {},
    };
    expect(fixesFor("missing-library", "musl", prediction)[0]).toMatch(/^apk add so:libz\.so\.1/);
  });

  test("fortified symbols lead with the rebuild without _FORTIFY_SOURCE; gcompat is only a try", () => {
    const prediction = {
      verdict: "missing-symbols" as const,
      message: "",
      reason: "",
      missingLibraries: [],
      missingVersions: [],
      missingSymbols: [{ group: "fortify" as const, symbols: ["__printf_chk"] }],
      hostSymbols: null,
      resolved: {},
    };
    const fixes = fixesFor("missing-symbols", "musl", prediction);
    expect(fixes[0]).toMatch(/_FORTIFY_SOURCE/);
    expect(fixes.at(-1)).toMatch(/cannot be known offline/);
    expect(fixesFor("runs", "musl", null)).toEqual([]);
  });
});
