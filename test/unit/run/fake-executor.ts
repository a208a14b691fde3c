import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ENVIRONMENTS } from "../../../lab/environments/index.js";
import type { Environment } from "../../../lab/environments/schema.js";
import type { Executor, StartedEnvironment } from "../../../lab/run/executor.js";
import { builderFor, isResolved, resolveImage } from "../../../lab/runtime/images.js";
import { REPO_ROOT } from "../../../lab/runtime/paths.js";
import type { PreparedEnvironment } from "../../../lab/runtime/prepare-images.js";
import type { BatchItem, ProbeRun } from "../../../lab/runtime/session.js";

/** Any real ELF file will do: the compile stage reads what it "compiled". */
const SOME_BINARY = readFileSync(join(REPO_ROOT, "test/fixtures/elf/hello-glibc-dynamic"));

/** What a probe run gives back, from its command line and the environment it ran in. */
export type Respond = (item: BatchItem, environmentId: string) => Partial<ProbeRun>;

/**
 * An executor with no Docker behind it: compiles fail for probes named `broken*.c`, and every probe
 * run answers what `respond` says. It records what it was asked to do.
 */
export class FakeExecutor implements Executor {
  readonly started: string[] = [];
  readonly batches: { environment: string; items: BatchItem[] }[] = [];
  readonly compiles: string[] = [];
  stopped = false;

  constructor(private readonly respond: Respond = () => ({})) {}

  async start(prepared: PreparedEnvironment): Promise<StartedEnvironment> {
    const { environment } = prepared;
    this.started.push(environment.id);
    const runOne = (item: BatchItem): ProbeRun => ({
      command: item.command,
      exitCode: 0,
      signal: null,
      stdout: "",
      stderr: "",
      durationMs: 5,
      timedOut: false,
      ...this.respond(item, environment.id),
    });
    return {
      environment,
      detected: {
        id: environment.id,
        description: environment.description,
        imageMode: prepared.resolution.mode,
        imageTag: "fake",
        imageId: prepared.imageId ?? "",
        libc: {
          family: environment.family,
          version: environment.family === "musl" ? "1.2.5" : "2.36",
        },
        distro: "fake",
        kernel: "fake",
        locales: null,
      },
      run: async (command) => {
        this.compiles.push(command);
        const broken = /\/broken[^ ]*\.c$/.test(command);
        return {
          command,
          exitCode: broken ? 1 : 0,
          signal: null,
          stdout: "",
          stderr: broken ? "broken.c:3:1: error: expected ';' before '}' token" : "",
          durationMs: 10,
          timedOut: false,
        };
      },
      runBatch: async (items) => {
        this.batches.push({ environment: environment.id, items });
        return items.map(runOne);
      },
      putFiles: async () => undefined,
      readFile: async () => SOME_BINARY,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

/** The environments as prepareImages would give them, without asking Docker for images. */
export async function fakePreparedEnvironments(
  environments: Environment[],
): Promise<Map<string, PreparedEnvironment>> {
  const prepared = new Map<string, PreparedEnvironment>();
  const add = async (environment: Environment, builderId: string | null) => {
    const resolution = await resolveImage(environment, "offline", async () => false);
    prepared.set(environment.id, {
      environment,
      resolution,
      builderId,
      imageId: isResolved(resolution) ? `sha256:fake-${environment.id}` : null,
    });
    return resolution;
  };
  for (const environment of environments) {
    if (!prepared.has(environment.id)) await add(environment, null);
  }
  for (const entry of [...prepared.values()]) {
    if (!isResolved(entry.resolution)) continue;
    const builder = builderFor(entry.resolution).environment;
    entry.builderId = builder.id;
    if (!prepared.has(builder.id)) await add(builder, null);
  }
  return prepared;
}

export function environment(id: string): Environment {
  const found = ENVIRONMENTS.get(id);
  if (!found) throw new Error(`no environment ${id}`);
  return found;
}
