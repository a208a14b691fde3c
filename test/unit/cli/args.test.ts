import { describe, expect, test } from "vitest";
import { parseCliArgs } from "../../../lab/cli/args.js";
import { UsageError } from "../../../lab/errors.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";

const scenarios = loadScenarios();
const parse = (...argv: string[]) => parseCliArgs(argv, scenarios);
const usageError = (argv: string[]) => {
  try {
    parse(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`no error for ${argv.join(" ")}`);
};

describe("parseCliArgs", () => {
  test("no arguments: every scenario, default environments, auto images", () => {
    expect(parse()).toMatchObject({
      command: "run",
      environmentIds: ["glibc", "musl"],
      images: "auto",
      json: false,
      outputDir: null,
      formats: ["console"],
      junitFile: null,
      baselineFile: null,
      accept: false,
    });
    expect(parse().scenarios.map((s) => s.id)).toEqual(scenarios.map((s) => s.id));
  });

  test("scenario names, --env lists (comma and repeated), --images, --json, --output-dir", () => {
    const options = parse(
      "hello",
      "--env",
      "glibc-2.36,musl-1.2.3",
      "--env",
      "musl",
      "--images",
      "offline",
      "--json",
      "--output-dir",
      "/tmp/r",
    );
    expect(options.scenarios.map((s) => s.id)).toEqual(["hello"]);
    expect(options.environmentIds).toEqual(["glibc-2.36", "musl-1.2.3", "musl"]);
    expect(options).toMatchObject({ images: "offline", json: true, outputDir: "/tmp/r" });
  });

  test("--list and --help", () => {
    expect(parse("--list").command).toBe("list");
    expect(parse("-h").command).toBe("help");
  });

  test("each mistake is one line naming the valid choices", () => {
    expect(usageError(["nope"])).toBe(
      'unknown scenario "nope"; known scenarios: hello, thread-stack, dns, locale',
    );
    expect(usageError(["--frobnicate"])).toBe(
      "unknown option --frobnicate; see --help for the options",
    );
    expect(usageError(["--env", "solaris"])).toBe(
      'unknown environment "solaris"; known environments: glibc, musl, glibc-2.36, musl-1.2.3',
    );
    expect(usageError(["--env", "musl-gcompat"])).toMatch(/joins runs that include "musl"/);
    expect(usageError(["--images", "cloud"])).toBe(
      '--images must be one of auto, registry, offline, not "cloud"',
    );
    expect(usageError(["--env"])).toMatch(/--env/);
    expect(usageError(["--list", "hello"])).toBe("--list takes no scenario names");
    expect(usageError(["--list", "--json"])).toBe("--list takes no --json");
    for (const message of [usageError(["nope"]), usageError(["--env"])]) {
      expect(message).not.toContain("\n");
    }
  });
});

describe("report flags", () => {
  test("--format takes comma lists and repeats; --junit FILE implies junit", () => {
    expect(parse("--format", "console,html", "--format", "junit").formats).toEqual([
      "console",
      "html",
      "junit",
    ]);
    expect(parse("--format", "json").formats).toEqual(["json"]);
    expect(parse("--junit", "out/junit.xml")).toMatchObject({
      formats: ["console", "junit"],
      junitFile: "out/junit.xml",
    });
  });

  test("--json alone prints only the JSON; with file formats it still may", () => {
    expect(parse("--json").formats).toEqual([]);
    expect(parse("--json", "--format", "html,junit").formats).toEqual(["html", "junit"]);
  });

  test("--baseline and --accept", () => {
    expect(parse("--baseline", "base.json")).toMatchObject({
      baselineFile: "base.json",
      accept: false,
    });
    expect(parse("--baseline", "base.json", "--accept")).toMatchObject({ accept: true });
  });

  test("conflicting or empty report flags are one-line usage errors", () => {
    expect(usageError(["--format", "pdf"])).toBe(
      'unknown format "pdf"; known formats: console, json, junit, html',
    );
    expect(usageError(["--format", ","])).toBe("--format names no format");
    expect(usageError(["--json", "--format", "console"])).toBe(
      "--json puts the JSON report on stdout, where --format console puts the boxes: choose one",
    );
    expect(usageError(["--accept"])).toBe(
      "--accept writes the new baseline: it needs --baseline FILE",
    );
    expect(usageError(["--baseline", ""])).toBe("--baseline needs a path");
    expect(usageError(["--list", "--format", "html", "--baseline", "b.json"])).toBe(
      "--list takes no --format, --baseline",
    );
  });
});
