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
    expect(usageError(["--list", "hello"])).toBe("--list takes no scenario names and no --json");
    for (const message of [usageError(["nope"]), usageError(["--env"])]) {
      expect(message).not.toContain("\n");
    }
  });
});
