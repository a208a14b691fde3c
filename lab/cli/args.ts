import { parseArgs } from "node:util";
import {
  defaultEnvironmentIds,
  ENVIRONMENTS,
  selectableEnvironmentIds,
} from "../environments/index.js";
import { UsageError } from "../errors.js";
import type { ImagesOption } from "../runtime/images.js";
import type { Scenario } from "../scenarios/schema.js";

export interface CliOptions {
  command: "run" | "list" | "help";
  scenarios: Scenario[];
  environmentIds: string[];
  images: ImagesOption;
  json: boolean;
  outputDir: string | null;
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
  --output-dir DIR       where the JSON reports go (default: reports/)
  -h, --help             show this help

Environment variables:
  LAB_NO_PROVISION=1     never install or start Docker; fail with instructions instead
  LAB_CACHE_DIR=DIR      package cache, rootfs work files, dockerd log (default ~/.cache/musl-lab)
  NO_COLOR=1             no colours (also off when stdout is not a terminal)

Exit status: 0 everything as predicted, 1 unexpected results, 2 usage/configuration/infrastructure
errors, 130/143 interrupted.`;

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
  if (values.list && (positionals.length > 0 || values.json)) {
    throw new UsageError("--list takes no scenario names and no --json");
  }

  return {
    command: values.help ? "help" : values.list ? "list" : "run",
    scenarios: chosen,
    environmentIds,
    images: images as ImagesOption,
    json: values.json ?? false,
    outputDir: values["output-dir"] ?? null,
  };
}
