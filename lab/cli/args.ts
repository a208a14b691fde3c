import { parseArgs } from "node:util";
import {
  defaultEnvironmentIds,
  ENVIRONMENTS,
  selectableEnvironmentIds,
} from "../environments/index.js";
import type { Exercise } from "../classroom/schema.js";
import { VERDICT_FORMATS, type VerdictFormat } from "../classroom/verdict-views.js";
import { INTERRUPT_EXIT_STATUS, UsageError } from "../errors.js";
import { FORMATS, type Format } from "../report/reporters.js";
import type { ImagesOption } from "../runtime/images.js";
import type { Scenario } from "../scenarios/schema.js";

export interface CliOptions {
  command: "run" | "list" | "help";
  scenarios: Scenario[];
  environmentIds: string[];
  images: ImagesOption;
  /** `--json`: the JSON report on stdout (progress stays on stderr). */
  json: boolean;
  outputDir: string | null;
  /** Views to produce, "json" (the report file, always written) first. */
  formats: Format[];
  /** `--junit FILE`: where the JUnit XML goes instead of the output directory. */
  junitFile: string | null;
  /** `--baseline FILE`: the saved report this run is compared with. */
  baselineFile: string | null;
  /** `--accept`: this run becomes the baseline; regressions do not fail it. */
  accept: boolean;
}

/** `npm run lab -- explain SCENARIO`: the scenario's lesson; nothing runs. */
export interface ExplainOptions {
  command: "explain";
  scenario: Scenario;
}

/** `npm run lab -- exercise [NAME [--solution FILE ...]]`. */
export interface ExerciseOptions {
  command: "exercise";
  /** The exercise named, or null to list them all. */
  exercise: Exercise | null;
  /** `--solution FILE`: the student's file to check, as given; null shows the task. */
  solutionFile: string | null;
  /** How the verdict is shown: the box (default) or JSON on stdout. */
  format: VerdictFormat;
  environmentIds: string[];
  images: ImagesOption;
}

/** `npm run lab -- prune [--dry-run]`: removes the musl-lab images this checkout does not use. */
export interface PruneOptions {
  command: "prune";
  /** Only say what would go and how much it frees. */
  dryRun: boolean;
}

/** `npm run lab -- check ...`: will these ELF files run in each environment? */
export interface CheckCommand extends Omit<CliOptions, "command" | "scenarios"> {
  command: "check";
  /** Files, folders and archives, as given (relative to where the command was typed). */
  paths: string[];
  /** `--image IMAGE`: a local image to scan instead. */
  image: string | null;
  /** What a confirming run passes an executable (`--run`, split on spaces); null with --no-run. */
  runArgs: string[] | null;
}

export type CommandLine =
  CliOptions | ExplainOptions | ExerciseOptions | PruneOptions | CheckCommand;

const IMAGES_CHOICES = ["auto", "registry", "offline"] as const;

export const HELP = `Usage: npm run lab -- [scenario ...] [options]
       npm run lab -- explain SCENARIO
       npm run lab -- exercise [NAME [--solution FILE] [--format console|json] [--env ...]]
       npm run lab -- prune [--dry-run]
       npm run lab -- check PATH... | --image IMAGE [--run ARGS | --no-run] [options]

Runs C probes in glibc and musl containers and reports, per case, what happened and why.
With no scenario named, every scenario runs.

Classroom:
  explain SCENARIO       print the scenario's lesson (concept, why the libcs differ, how to
                         diagnose, fixes, review questions); runs nothing
  exercise               list the exercises
  exercise NAME          show the task and its starter file (c-src/exercises/)
  exercise NAME --solution FILE
                         build FILE in every environment, run the exercise's checks and give a
                         verdict per check with a hint for each failure; exit status 0 only
                         when every check passes. Takes --env, --images and --format
                         console|json (or --json): the verdict as JSON on stdout

Your own programs:
  check PATH...          will these programs and libraries run in each environment? Files,
                         folders (recursed) and archives (.tar, .tar.gz/.tgz, .whl/.zip, read
                         inside, never unpacked to disk); each ELF file is predicted from its
                         bytes and the environment image's contents, then really started there,
                         contained like a probe. Exit status 0 only when every artifact runs
                         everywhere. Takes --env, --images and the report options below
  check --image IMAGE    every ELF file inside a local Docker image (never pulled)
  --run ARGS             what a confirming run passes an executable, split on spaces (default:
                         --version; write --run='--help -v' when ARGS starts with a dash);
                         shared objects are loaded by a dlopen probe instead
  --no-run               stop after the prediction: no artifact is started (the environments'
                         containers still start, to detect their libc)

Images:
  prune [--dry-run]      remove the musl-lab images this checkout does not use (older recipes,
                         other branches and clones on this engine) and say how much space that
                         freed; never one a container uses. A changed recipe builds a new image
                         and keeps the old one until then. --dry-run: only say what would go

Options:
  --list                 list the scenarios with a one-line summary and exit
  --env ID[,ID...]       environments to run in (default: ${defaultEnvironmentIds().join(",")});
                         known: ${selectableEnvironmentIds().join(", ")}
  --images MODE          auto (default): registry images when their base images are already
                         present locally, offline ones otherwise; registry: build from docker/
                         Dockerfiles (needs a registry or the base images); offline: build from
                         Debian packages only
  --json                 print the JSON report on stdout instead of the boxes
  --format LIST          views to produce, comma separated, repeatable: console (the boxes,
                         default), junit, html; the JSON report file is always written, so
                         json is accepted but changes nothing
  --output-dir DIR       where the reports go (default: reports/): <start time>.json and
                         latest.json, likewise .junit.xml and .html for those formats
  --junit FILE           write the JUnit XML to FILE (implies --format junit); a regular
                         file (a symlink is followed), not a device or FIFO
  --baseline FILE        compare with a saved JSON report: changed outcomes and vanished cases
                         are regressions (exit status 1); new cases and moved measurements
                         are listed
  --accept               with --baseline: write this run as the new baseline (cases of
                         scenarios and environments it did not run are kept); regressions
                         do not fail the run
                         Relative paths are taken from where you typed the command.
  -h, --help             show this help

Environment variables:
  LAB_NO_PROVISION=1     never install or start Docker; fail with instructions instead
  LAB_CACHE_DIR=DIR      package cache, compiled probes, dockerd log (default ~/.cache/musl-lab,
                         or .cache/musl-lab in the lab's folder when HOME does not exist)
  NO_COLOR=1             no colours (also off when stdout is not a terminal)
  FORCE_COLOR=0|1        colours off (0, false) or on (1, 2, 3, true), terminal or not

Exit status: 0 everything as predicted (exercise: every check passed; check: every artifact
runs in every environment), 1 unexpected results, regressions since the baseline (exercise: a
check failed or the file did not compile; check: an artifact does not run somewhere),
2 usage/configuration/infrastructure errors or output that could not be written,
${Object.entries(INTERRUPT_EXIT_STATUS)
  .map(([signal, status]) => `${status} ${signal}`)
  .join(", ")} (interrupted; containers removed first).`;

/**
 * argv -> what to do: a classroom command when `explain` or `exercise` comes first, otherwise a
 * lab run (parseCliArgs). Every mistake is a one-line UsageError.
 */
export function parseCommandLine(
  argv: string[],
  scenarios: Scenario[],
  exercises: Exercise[],
): CommandLine {
  const [first, ...rest] = argv;
  if (first === "explain") return parseExplainArgs(rest, scenarios);
  if (first === "exercise") return parseExerciseArgs(rest, exercises);
  if (first === "prune") return parsePruneArgs(rest, scenarios);
  if (first === "check") return parseCheckArgs(rest, scenarios);
  return parseCliArgs(argv, scenarios);
}

function parseExplainArgs(argv: string[], scenarios: Scenario[]): ExplainOptions | CliOptions {
  const { values, positionals } = withUsageErrors(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { help: { type: "boolean", short: "h" } },
    }),
  );
  if (values.help) return parseCliArgs(["--help"], scenarios);
  const known = scenarios.map((s) => s.id).join(", ");
  const [name, ...more] = positionals;
  if (name === undefined) {
    throw new UsageError(
      `explain needs a scenario: npm run lab -- explain SCENARIO (one of ${known})`,
    );
  }
  if (more.length > 0)
    throw new UsageError(`explain takes one scenario, not ${positionals.length}`);
  const scenario = scenarios.find((s) => s.id === name);
  if (!scenario) throw new UsageError(`unknown scenario "${name}"; known scenarios: ${known}`);
  return { command: "explain", scenario };
}

function parseExerciseArgs(argv: string[], exercises: Exercise[]): ExerciseOptions | CliOptions {
  const { values, positionals } = withUsageErrors(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        solution: { type: "string" },
        format: { type: "string", multiple: true },
        json: { type: "boolean" },
        env: { type: "string", multiple: true },
        images: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }),
  );
  if (values.help) return parseCliArgs(["--help"], []);
  const known = exercises.map((e) => e.name).join(", ");
  const [name, ...more] = positionals;
  if (more.length > 0) throw new UsageError(`exercise takes one name, not ${positionals.length}`);
  const exercise = name === undefined ? null : exercises.find((e) => e.name === name);
  if (exercise === undefined) {
    throw new UsageError(`unknown exercise "${name}"; known exercises: ${known}`);
  }
  const runFlags = (["solution", "format", "json", "env", "images"] as const).filter(
    (flag) => values[flag] !== undefined,
  );
  if (exercise === null && runFlags.length > 0) {
    throw new UsageError(
      `--${runFlags[0]} needs an exercise: npm run lab -- exercise NAME --solution FILE (one of ${known})`,
    );
  }
  if (values.solution === undefined && runFlags.length > 0) {
    throw new UsageError(
      `--${runFlags[0]} goes with --solution FILE: it is about checking a solution`,
    );
  }
  if (values.solution !== undefined && values.solution.trim() === "") {
    throw new UsageError("--solution needs a path to your C file");
  }
  const formats = commaList([...(values.format ?? []), ...(values.json ? ["json"] : [])]);
  for (const format of formats) {
    if (!(VERDICT_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(
        `unknown format "${format}" for exercise checks; known formats: ${VERDICT_FORMATS.join(", ")}`,
      );
    }
  }
  if (formats.length > 1) {
    throw new UsageError(
      "exercise checks print one view on stdout: --format console or --format json",
    );
  }
  return {
    command: "exercise",
    exercise,
    solutionFile: values.solution ?? null,
    format: (formats[0] as VerdictFormat | undefined) ?? "console",
    environmentIds: parseEnvironmentIds(values.env),
    images: parseImages(values.images),
  };
}

function parsePruneArgs(argv: string[], scenarios: Scenario[]): PruneOptions | CliOptions {
  const { values, positionals } = withUsageErrors(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { "dry-run": { type: "boolean" }, help: { type: "boolean", short: "h" } },
    }),
  );
  if (values.help) return parseCliArgs(["--help"], scenarios);
  if (positionals.length > 0) {
    throw new UsageError(
      `prune takes no names (got "${positionals[0]}"): npm run lab -- prune [--dry-run]`,
    );
  }
  return { command: "prune", dryRun: values["dry-run"] ?? false };
}

/** Runs node:util's parseArgs, its errors turned into the lab's one-line usage errors. */
function withUsageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw usageErrorOf(error);
  }
}

function usageErrorOf(error: unknown): UsageError {
  const message = (error as Error).message.split("\n")[0] ?? "";
  const flag = /'(-[^']*)'/.exec(message)?.[1];
  return new UsageError(
    flag && /Unknown option/.test(message)
      ? `unknown option ${flag}; see --help for the options`
      : `${message.replace(/\.$/, "")}; see --help`,
  );
}

/** The options a scenario run and `check` share: environments, images and the reports. */
const RUN_OPTIONS = {
  env: { type: "string", multiple: true },
  images: { type: "string" },
  json: { type: "boolean" },
  "output-dir": { type: "string" },
  format: { type: "string", multiple: true },
  junit: { type: "string" },
  baseline: { type: "string" },
  accept: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

type RunValues = {
  env?: string[];
  images?: string;
  json?: boolean;
  "output-dir"?: string;
  format?: string[];
  junit?: string;
  baseline?: string;
  accept?: boolean;
};

type ReportOptions = Omit<CliOptions, "command" | "scenarios">;

/** The shared options, checked: every mistake a one-line UsageError naming the valid choices. */
function reportOptionsOf(values: RunValues): ReportOptions {
  for (const flag of ["output-dir", "junit", "baseline"] as const) {
    if (values[flag] !== undefined && values[flag].trim() === "") {
      throw new UsageError(`--${flag} needs a path`);
    }
  }
  const formats = parseFormats(values.format, values.json ?? false, values.junit !== undefined);
  if (values.accept && values.baseline === undefined) {
    throw new UsageError("--accept writes the new baseline: it needs --baseline FILE");
  }
  return {
    environmentIds: parseEnvironmentIds(values.env),
    images: parseImages(values.images),
    json: values.json ?? false,
    outputDir: values["output-dir"] ?? null,
    formats,
    junitFile: values.junit ?? null,
    baselineFile: values.baseline ?? null,
    accept: values.accept ?? false,
  };
}

/** argv -> options; every mistake is a one-line UsageError naming the valid choices. */
export function parseCliArgs(argv: string[], scenarios: Scenario[]): CliOptions {
  const { values, positionals } = withUsageErrors(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { list: { type: "boolean" }, ...RUN_OPTIONS },
    }),
  );

  const known = scenarios.map((s) => s.id);
  const unknown = positionals.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown scenario ${unknown.map((n) => `"${n}"`).join(", ")}; known scenarios: ${known.join(", ")}`,
    );
  }
  const chosen =
    positionals.length > 0 ? scenarios.filter((s) => positionals.includes(s.id)) : scenarios;
  if (values.list) {
    const extra = [
      ...(positionals.length > 0 ? ["scenario names"] : []),
      ...(["json", "format", "junit", "baseline", "accept", "output-dir"] as const)
        .filter((flag) => values[flag] !== undefined)
        .map((flag) => `--${flag}`),
    ];
    if (extra.length > 0) throw new UsageError(`--list takes no ${extra.join(", ")}`);
  }
  return {
    command: values.help ? "help" : values.list ? "list" : "run",
    scenarios: chosen,
    ...reportOptionsOf(values),
  };
}

/** The arguments a confirming run passes an executable unless `--run` says otherwise. */
export const DEFAULT_RUN_ARGS = ["--version"];

/** `npm run lab -- check PATH... | --image IMAGE [--run 'ARGS' | --no-run] [run options]`. */
function parseCheckArgs(argv: string[], scenarios: Scenario[]): CheckCommand | CliOptions {
  const { values, positionals } = withUsageErrors(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        image: { type: "string" },
        run: { type: "string" },
        "no-run": { type: "boolean" },
        ...RUN_OPTIONS,
      },
    }),
  );
  if (values.help) return parseCliArgs(["--help"], scenarios);
  if (values.image !== undefined && values.image.trim() === "") {
    throw new UsageError("--image needs an image name (docker images lists the local ones)");
  }
  if (values.image !== undefined && positionals.length > 0) {
    throw new UsageError("check takes paths or --image IMAGE, not both");
  }
  if (values.image === undefined && positionals.length === 0) {
    throw new UsageError(
      "check needs something to check: npm run lab -- check PATH... (files, folders, .tar/.tgz/.whl/.zip) or check --image IMAGE",
    );
  }
  if (positionals.some((p) => p === "")) throw new UsageError("check: an empty path");
  if (values.run !== undefined && values["no-run"]) {
    throw new UsageError(
      "--run says what a confirming run passes; --no-run runs nothing: choose one",
    );
  }
  return {
    command: "check",
    paths: positionals,
    image: values.image ?? null,
    runArgs: values["no-run"]
      ? null
      : values.run !== undefined
        ? values.run.split(/\s+/).filter(Boolean)
        : DEFAULT_RUN_ARGS,
    ...reportOptionsOf(values),
  };
}

/** `--env glibc-2.36,musl --env musl` -> the ids, each once, in order; the default pair without. */
function parseEnvironmentIds(given: string[] | undefined): string[] {
  const environmentIds = given ? commaList(given) : defaultEnvironmentIds();
  const selectable = selectableEnvironmentIds();
  for (const id of environmentIds) {
    if (!selectable.includes(id)) {
      const variantOf = ENVIRONMENTS.get(id)?.variant?.of;
      throw new UsageError(
        variantOf
          ? `environment "${id}" is not selected directly: it joins runs that include "${variantOf}"`
          : `unknown environment "${id}"; known environments: ${selectable.join(", ")}`,
      );
    }
  }
  if (environmentIds.length === 0) throw new UsageError("--env names no environment");
  return environmentIds;
}

function parseImages(given: string | undefined): ImagesOption {
  const images = given ?? "auto";
  if (!(IMAGES_CHOICES as readonly string[]).includes(images)) {
    throw new UsageError(`--images must be one of ${IMAGES_CHOICES.join(", ")}, not "${images}"`);
  }
  return images as ImagesOption;
}

/**
 * `--format console,html --format junit` -> the views, in the order given. The default is the
 * boxes, or nothing but the JSON on stdout with `--json`; `--junit FILE` asks for junit too.
 * The JSON report file is always written, first (it is what baselines and pipelines read): `json`
 * heads every list, so naming it is accepted and changes nothing.
 */
function parseFormats(given: string[] | undefined, json: boolean, junitFile: boolean): Format[] {
  const names = given && commaList(given);
  if (names && names.length === 0) throw new UsageError("--format names no format");
  for (const name of names ?? []) {
    if (!(FORMATS as readonly string[]).includes(name)) {
      throw new UsageError(`unknown format "${name}"; known formats: ${FORMATS.join(", ")}`);
    }
  }
  const formats = new Set<Format>([
    "json",
    ...((names as Format[] | undefined) ?? (json ? [] : ["console" as const])),
  ]);
  if (json && formats.has("console")) {
    throw new UsageError(
      "--json puts the JSON report on stdout, where --format console puts the boxes: choose one",
    );
  }
  if (junitFile) formats.add("junit");
  return [...formats];
}

/** `--env a,b --env b` -> `a`, `b`: every flag that takes a list takes commas and repeats. */
function commaList(given: string[]): string[] {
  return [
    ...new Set(
      given
        .flatMap((v) => v.split(","))
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
}
