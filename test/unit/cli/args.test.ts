import { describe, expect, test } from "vitest";
import { loadExercises } from "../../../lab/classroom/index.js";
import { HELP, parseCliArgs, parseCommandLine } from "../../../lab/cli/args.js";
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
      formats: ["json", "console"],
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
      'unknown scenario "nope"; known scenarios: hello, thread-stack, dns, locale, iconv, getopt, regex, malloc, qsort, printf, sysconf, headers, strerror',
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
      "json",
      "console",
      "html",
      "junit",
    ]);
    // The JSON report file is always written: naming it is accepted and changes nothing.
    expect(parse("--format", "json").formats).toEqual(["json"]);
    expect(parse("--format", "json,console").formats).toEqual(["json", "console"]);
    expect(parse("--junit", "out/junit.xml")).toMatchObject({
      formats: ["json", "console", "junit"],
      junitFile: "out/junit.xml",
    });
  });

  test("--json alone prints only the JSON; with file formats it still may", () => {
    expect(parse("--json").formats).toEqual(["json"]);
    expect(parse("--json", "--format", "html,junit").formats).toEqual(["json", "html", "junit"]);
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

describe("classroom commands", () => {
  const exercises = loadExercises(scenarios);
  const command = (...argv: string[]) => parseCommandLine(argv, scenarios, exercises);
  const commandError = (argv: string[]) => {
    try {
      command(...argv);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error(`no error for ${argv.join(" ")}`);
  };

  test("anything else is a lab run, parsed as before", () => {
    expect(command("hello", "--env", "musl")).toMatchObject({
      command: "run",
      environmentIds: ["musl"],
    });
    expect(command("--list").command).toBe("list");
  });

  test("explain SCENARIO", () => {
    const options = command("explain", "locale");
    expect(options.command).toBe("explain");
    expect(options.command === "explain" && options.scenario.id).toBe("locale");
    expect(command("explain", "--help").command).toBe("help");
  });

  test("explain mistakes are one-line usage errors", () => {
    expect(commandError(["explain", "nope"])).toBe(
      'unknown scenario "nope"; known scenarios: hello, thread-stack, dns, locale, iconv, getopt, regex, malloc, qsort, printf, sysconf, headers, strerror',
    );
    expect(commandError(["explain"])).toBe(
      "explain needs a scenario: npm run lab -- explain SCENARIO (one of hello, thread-stack, dns, locale, iconv, getopt, regex, malloc, qsort, printf, sysconf, headers, strerror)",
    );
    expect(commandError(["explain", "hello", "dns"])).toBe("explain takes one scenario, not 2");
    expect(commandError(["explain", "hello", "--env", "musl"])).toBe(
      "unknown option --env; see --help for the options",
    );
  });

  test("exercise: the list, one task, or a solution to check", () => {
    expect(command("exercise")).toMatchObject({ command: "exercise", exercise: null });
    const task = command("exercise", "worker-stack");
    expect(task).toMatchObject({ command: "exercise", solutionFile: null, format: "console" });
    expect(task.command === "exercise" && task.exercise?.name).toBe("worker-stack");
    expect(
      command(
        "exercise",
        "sort-names",
        "--solution",
        "my.c",
        "--format",
        "json",
        "--env",
        "glibc,musl-1.2.3",
        "--images",
        "offline",
      ),
    ).toMatchObject({
      solutionFile: "my.c",
      format: "json",
      environmentIds: ["glibc", "musl-1.2.3"],
      images: "offline",
    });
    expect(command("exercise", "sort-names", "--solution", "my.c")).toMatchObject({
      format: "console",
      environmentIds: ["glibc", "musl"],
      images: "auto",
    });
    expect(command("exercise", "sort-names", "--solution", "my.c", "--json")).toMatchObject({
      format: "json",
    });
  });

  test("exercise mistakes are one-line usage errors", () => {
    expect(commandError(["exercise", "nope"])).toBe(
      'unknown exercise "nope"; known exercises: run-on-alpine, worker-stack, lookup-errors, sort-names, ascii-slug, options-anywhere',
    );
    expect(commandError(["exercise", "--solution", "my.c"])).toBe(
      "--solution needs an exercise: npm run lab -- exercise NAME --solution FILE (one of run-on-alpine, worker-stack, lookup-errors, sort-names, ascii-slug, options-anywhere)",
    );
    expect(commandError(["exercise", "worker-stack", "--format", "json"])).toBe(
      "--format goes with --solution FILE: it is about checking a solution",
    );
    expect(commandError(["exercise", "worker-stack", "--solution", ""])).toBe(
      "--solution needs a path to your C file",
    );
    expect(
      commandError(["exercise", "worker-stack", "--solution", "a.c", "--format", "html"]),
    ).toBe('unknown format "html" for exercise checks; known formats: console, json');
    expect(
      commandError(["exercise", "worker-stack", "--solution", "a.c", "--format", "console,json"]),
    ).toBe("exercise checks print one view on stdout: --format console or --format json");
    expect(
      commandError(["exercise", "worker-stack", "--solution", "a.c", "--env", "solaris"]),
    ).toBe(
      'unknown environment "solaris"; known environments: glibc, musl, glibc-2.36, musl-1.2.3',
    );
    expect(commandError(["exercise", "worker-stack", "--baseline", "b.json"])).toBe(
      "unknown option --baseline; see --help for the options",
    );
    expect(commandError(["exercise", "a", "b"])).toBe("exercise takes one name, not 2");
  });

  test("--help documents the classroom commands", () => {
    expect(HELP).toMatch(/^ {7}npm run lab -- explain SCENARIO$/m);
    expect(HELP).toMatch(/exercise NAME --solution FILE/);
  });
});

describe("check", () => {
  const command = (...argv: string[]) => parseCommandLine(argv, scenarios, []);
  const error = (...argv: string[]) => {
    try {
      command(...argv);
    } catch (caught) {
      expect(caught).toBeInstanceOf(UsageError);
      return (caught as Error).message;
    }
    throw new Error(`no error for ${argv.join(" ")}`);
  };

  test("paths, the shared run options, and --version as the default confirming run", () => {
    expect(command("check", "a.out", "dist/", "--env", "musl", "--format", "junit")).toMatchObject({
      command: "check",
      paths: ["a.out", "dist/"],
      image: null,
      runArgs: ["--version"],
      environmentIds: ["musl"],
      formats: ["json", "junit"],
    });
  });

  test("--run is split on spaces (written --run=... when it starts with a dash); --no-run runs nothing", () => {
    expect(command("check", "x", "--run=--help -v")).toMatchObject({ runArgs: ["--help", "-v"] });
    expect(command("check", "x", "--run", "serve now")).toMatchObject({
      runArgs: ["serve", "now"],
    });
    expect(command("check", "--image", "app:1", "--no-run")).toMatchObject({
      paths: [],
      image: "app:1",
      runArgs: null,
    });
  });

  test("every mistake is one line", () => {
    expect(error("check")).toMatch(/^check needs something to check: /);
    expect(error("check", "x", "--image", "app:1")).toBe(
      "check takes paths or --image IMAGE, not both",
    );
    expect(error("check", "--image", " ")).toMatch(/^--image needs an image name/);
    expect(error("check", "x", "--run", "a", "--no-run")).toMatch(/choose one$/);
    expect(error("check", "x", "--env", "nope")).toMatch(/^unknown environment "nope"/);
    expect(error("check", "x", "--accept")).toMatch(/needs --baseline FILE$/);
  });

  test("--help documents check and its options", () => {
    expect(HELP).toMatch(/check PATH\.\.\. \| --image IMAGE/);
    for (const flag of ["--image IMAGE", "--run ARGS", "--no-run"]) expect(HELP).toContain(flag);
  });
});
