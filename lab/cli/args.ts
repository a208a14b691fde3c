import { parseArgs } from "node:util";
import {
  defaultEnvironmentIds,
  ENVIRONMENTS,
  selectableEnvironmentIds,
} from "../environments/index.js";
import { UsageError } from "../errors.js";
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
  /** Views to produce besides the JSON report file, which is always written. */
  formats: Format[];
  /** `--junit FILE`: where the JUnit XML goes instead of the output directory. */
  junitFile: string | null;
  /** `--baseline FILE`: the saved report this run is compared with. */
  baselineFile: string | null;
  /** `--accept`: this run becomes the baseline; regressions do not fail it. */
  accept: boolean;
}

const IMAGES_CHOICES = ["auto", "registry", "offline"] as const;

export const HELP = `Usage: npm run lab -- [scenario ...] [options]

Runs C probes in glibc and musl containers and reports, per case, what happened and why.
With no scenario named, every scenario runs.

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
                         default), json, junit, html; the JSON report file is always written
  --output-dir DIR       where the reports go (default: reports/): <start time>.json and
                         latest.json, likewise .junit.xml and .html for those formats
  --junit FILE           write the JUnit XML to FILE (implies --format junit)
  --baseline FILE        compare with a saved JSON report: changed outcomes and vanished cases
                         are regressions (exit status 1); new cases and moved measurements
                         are listed
  --accept               with --baseline: write this run as the new baseline; regressions do
                         not fail the run
  -h, --help             show this help

Environment variables:
  LAB_NO_PROVISION=1     never install or start Docker; fail with instructions instead
  LAB_CACHE_DIR=DIR      package cache, rootfs work files, dockerd log (default ~/.cache/musl-lab)
  NO_COLOR=1             no colours (also off when stdout is not a terminal)

Exit status: 0 everything as predicted, 1 unexpected results or regressions since the baseline,
2 usage/configuration/infrastructure errors, 130/143 interrupted.`;

/** argv -> options; every mistake is a one-line UsageError naming the valid choices. */
export function parseCliArgs(argv: string[], scenarios: Scenario[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        list: { type: "boolean" },
        env: { type: "string", multiple: true },
        images: { type: "string" },
        json: { type: "boolean" },
        "output-dir": { type: "string" },
        format: { type: "string", multiple: true },
        junit: { type: "string" },
        baseline: { type: "string" },
        accept: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    const message = (error as Error).message.split("\n")[0] ?? "";
    const flag = /'(-[^']*)'/.exec(message)?.[1];
    throw new UsageError(
      flag && /Unknown option/.test(message)
        ? `unknown option ${flag}; see --help for the options`
        : `${message.replace(/\.$/, "")}; see --help`,
    );
  }
  const { values, positionals } = parsed;

  const known = scenarios.map((s) => s.id);
  const unknown = positionals.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown scenario ${unknown.map((n) => `"${n}"`).join(", ")}; known scenarios: ${known.join(", ")}`,
    );
  }
  const chosen =
    positionals.length > 0 ? scenarios.filter((s) => positionals.includes(s.id)) : scenarios;

  const environmentIds = values.env
    ? [
        ...new Set(
          values.env
            .flatMap((v) => v.split(","))
            .map((v) => v.trim())
            .filter(Boolean),
        ),
      ]
    : defaultEnvironmentIds();
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

  const images = values.images ?? "auto";
  if (!(IMAGES_CHOICES as readonly string[]).includes(images)) {
    throw new UsageError(`--images must be one of ${IMAGES_CHOICES.join(", ")}, not "${images}"`);
  }
  for (const flag of ["output-dir", "junit", "baseline"] as const) {
    if (values[flag] !== undefined && values[flag].trim() === "") {
      throw new UsageError(`--${flag} needs a path`);
    }
  }
  if (values.list) {
    const extra = [
      ...(positionals.length > 0 ? ["scenario names"] : []),
      ...(["json", "format", "junit", "baseline", "accept", "output-dir"] as const)
        .filter((flag) => values[flag] !== undefined)
        .map((flag) => `--${flag}`),
    ];
    if (extra.length > 0) throw new UsageError(`--list takes no ${extra.join(", ")}`);
  }
  const formats = parseFormats(values.format, values.json ?? false, values.junit !== undefined);
  if (values.accept && values.baseline === undefined) {
    throw new UsageError("--accept writes the new baseline: it needs --baseline FILE");
  }

  return {
    command: values.help ? "help" : values.list ? "list" : "run",
    scenarios: chosen,
    environmentIds,
    images: images as ImagesOption,
    json: values.json ?? false,
    outputDir: values["output-dir"] ?? null,
    formats,
    junitFile: values.junit ?? null,
    baselineFile: values.baseline ?? null,
    accept: values.accept ?? false,
  };
}

/**
 * `--format console,html --format junit` -> the views, in the order given. The default is the
 * boxes, or nothing but the JSON on stdout with `--json`; `--junit FILE` asks for junit too.
 */
function parseFormats(given: string[] | undefined, json: boolean, junitFile: boolean): Format[] {
  const names = given
    ?.flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  if (names && names.length === 0) throw new UsageError("--format names no format");
  for (const name of names ?? []) {
    if (!(FORMATS as readonly string[]).includes(name)) {
      throw new UsageError(`unknown format "${name}"; known formats: ${FORMATS.join(", ")}`);
    }
  }
  const formats = new Set((names as Format[] | undefined) ?? (json ? [] : ["console" as const]));
  if (json && formats.has("console")) {
    throw new UsageError(
      "--json puts the JSON report on stdout, where --format console puts the boxes: choose one",
    );
  }
  if (junitFile) formats.add("junit");
  return [...formats];
}
