import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Environment } from "../../../lab/environments/schema.js";
import type { Executor, StartedEnvironment } from "../../../lab/run/executor.js";
import { isResolved } from "../../../lab/runtime/images.js";
import { REPO_ROOT } from "../../../lab/runtime/paths.js";
import {
  resolveEnvironments,
  type PreparedEnvironment,
} from "../../../lab/runtime/prepare-images.js";
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

/** The environments as prepareImages gives them, offline images that Docker never saw. */
export async function fakePreparedEnvironments(
  environments: Environment[],
): Promise<Map<string, PreparedEnvironment>> {
  const prepared = await resolveEnvironments(environments, "offline", async () => false);
  for (const entry of prepared.values()) {
    if (isResolved(entry.resolution)) entry.imageId = `sha256:fake-${entry.environment.id}`;
  }
  return prepared;
}
