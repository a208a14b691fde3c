import { describe, expect, test } from "vitest";
import { ConfigurationError } from "../../../lab/errors.js";
import { citeSources } from "../../../lab/scenarios/cite-sources.js";
import { dns } from "../../../lab/scenarios/dns/index.js";
import { hello } from "../../../lab/scenarios/hello/index.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import { threadStack } from "../../../lab/scenarios/thread-stack/index.js";

/** The loader's verdict on `data`: the one line it fails with, or null when it loads. */
function refusal(data: unknown): string | null {
  try {
    loadScenarios([data]);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
}

const MARKER = threadStack.report.sweepMarkers[0]!;

describe("a scenario's report spec names what exists", () => {
  test("the registered scenarios' marks, timings and tolerances load", () => {
    const byId = new Map(loadScenarios().map((s) => [s.id, s]));
    expect(byId.get("thread-stack")?.report.sweepMarkers).toHaveLength(2);
    expect(byId.get("dns")?.report.timings?.key).toBe("total_ms");
    expect(byId.get("dns")?.report.tolerances?.length).toBeGreaterThan(0);
  });

  test("a sweep marker on a case that does not sweep is refused", () => {
    const data = {
      ...threadStack,
      report: { ...threadStack.report, sweepMarkers: [{ ...MARKER, sweep: "default-stack" }] },
    };
    expect(refusal(data)).toBe(
      'scenario thread-stack: the sweep marker "survives up to" names "default-stack", which is not a sweep case',
    );
  });

  test("a sweep marker reading an unknown case is refused", () => {
    const data = {
      ...threadStack,
      report: { ...threadStack.report, sweepMarkers: [{ ...MARKER, case: "no-such-case" }] },
    };
    expect(refusal(data)).toBe(
      'scenario thread-stack: the sweep marker "survives up to" names unknown case "no-such-case"',
    );
  });

  test("a sweep marker reading a measurement its case never reports is refused", () => {
    const data = {
      ...threadStack,
      report: { ...threadStack.report, sweepMarkers: [{ ...MARKER, key: "limt" }] },
    };
    expect(refusal(data)).toBe(
      'scenario thread-stack: the sweep marker "survives up to" names measurement "limt", which case survival-limit does not report',
    );
  });

  test("timing charts of a measurement no repeated case reports are refused", () => {
    const data = {
      ...dns,
      report: { ...dns.report, timings: { ...dns.report.timings, key: "elapsed_ms" } },
    };
    expect(refusal(data)).toBe(
      'scenario dns: the timing charts draw "elapsed_ms", which no repeated case reports',
    );
  });

  test("a tolerance pattern that is no measurement key is refused with its field", () => {
    const rule = { pattern: "Total MS", tolerance: { kind: "ignore" }, why: "x" };
    const data = { ...dns, report: { ...dns.report, tolerances: [rule] } };
    expect(refusal(data)).toMatch(/^scenario dns is invalid: report\.tolerances\.0\.pattern: /);
  });
});

describe("sources are declared once, by key", () => {
  test("a lesson citing an undeclared source is refused", () => {
    const [point, ...rest] = hello.lesson.whyTheyDiffer;
    const data = {
      ...hello,
      lesson: {
        ...hello.lesson,
        whyTheyDiffer: [{ ...point!, sources: ["musl-faq", "musl-manual"] }, ...rest],
      },
    };
    expect(refusal(data)).toBe('scenario hello: the lesson cites unknown source "musl-manual"');
  });

  test("a scenario without sources, or with a key that is not kebab-case, is refused", () => {
    expect(refusal({ ...hello, sources: {} })).toBe(
      "scenario hello is invalid: sources: a scenario rests on at least one source",
    );
    expect(refusal({ ...hello, sources: { "Musl FAQ": { title: "musl FAQ" } } })).toMatch(
      /^scenario hello is invalid: sources/,
    );
  });

  test("reports and lessons print a source as `title: url`, in the declared order", () => {
    const [scenario] = loadScenarios([hello]);
    const cited = citeSources(scenario!.sources);
    expect(cited[0]).toBe("System V ABI, AMD64 supplement, 'Program Interpreter' (PT_INTERP)");
    expect(cited[1]).toBe(
      "musl FAQ, 'Can I run glibc binaries on musl?': https://wiki.musl-libc.org/faq.html",
    );
    expect(citeSources(scenario!.sources, ["gcompat"])).toEqual([
      "gcompat: https://git.adelielinux.org/adelie/gcompat",
    ]);
  });

  test("no source is written out twice: the lesson cites keys, never the text", () => {
    for (const scenario of loadScenarios()) {
      const titles = Object.values(scenario.sources).map((s) => s.title);
      expect(new Set(titles).size).toBe(titles.length);
      for (const point of scenario.lesson?.whyTheyDiffer ?? []) {
        for (const key of point.sources) expect(scenario.sources).toHaveProperty([key]);
      }
    }
  });
});
