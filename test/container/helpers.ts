import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getContainerRuntimeClient } from "testcontainers";
import type { CaseResult, RunResult } from "../../lab/run-result.js";
import { runLab } from "../../lab/run-lab.js";
import { loadScenarios } from "../../lab/scenarios/index.js";
import {
  LABEL_LAB,
  LABEL_OWNER_PID,
  LABEL_RUN,
  RUN_ID,
} from "../../lab/runtime/container-registry.js";

/** Containers of this test process's run still present in the engine (running or not). */
export async function countRunContainers(): Promise<number> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL_RUN}=${RUN_ID}`] },
  });
  return containers.length;
}

/** Ids of the lab containers whose owner is the process `pid` (a CLI a test started), alive or not. */
export async function containersOwnedBy(pid: number | undefined): Promise<string[]> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const all = await docker.listContainers({ all: true, filters: { label: [`${LABEL_LAB}=true`] } });
  return all.filter((c) => c.Labels[LABEL_OWNER_PID] === String(pid)).map((c) => c.Id);
}

/** Polls `check` until it holds; fails the test when it does not within `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Waits until the CLI started as `pid` has `count` containers of its own (default: any). Two
 * minutes: on a busy two-core machine the CLI's start and its image checks alone can take long.
 */
export function untilContainersOf(pid: number | undefined, count = 1): Promise<void> {
  return waitFor(async () => (await containersOwnedBy(pid)).length >= count, 120_000);
}

/** A CLI's stderr as it arrives, and a wait for a line of it. */
export function watchStderr(child: { stderr: NodeJS.ReadableStream | null }) {
  let text = "";
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return {
    text: () => text,
    until: (pattern: RegExp, timeoutMs = 120_000) =>
      waitFor(async () => pattern.test(text), timeoutMs),
  };
}

/** A finder for one case result on one environment; a missing one fails the test loudly. */
export function caseFinder(result: () => RunResult, scenarioId: string) {
  return (id: string, environment: string): CaseResult => {
    const scenario = result().scenarios.find((s) => s.id === scenarioId);
    const found = scenario?.cases.find((c) => c.id === id && c.environment === environment);
    if (!found) throw new Error(`no case ${scenarioId}/${id} on ${environment} in the report`);
    return found;
  };
}

/** One registered scenario, run for real on the default pair (its alsoOn environments join). */
export function runScenario(id: string): Promise<RunResult> {
  return runLab({
    scenarios: loadScenarios().filter((s) => s.id === id),
    environmentIds: ["glibc", "musl"],
    images: "auto",
    log: () => undefined,
  });
}

const DOCKER_SOCKET = "/var/run/docker.sock";

/**
 * A socket between a CLI and the real Docker engine that the test controls: `freeze()` makes it
 * an engine that stops answering (nothing more reaches it, nothing comes back, connections stay
 * open), `thaw()` delivers everything held back, in order, `close()` is an engine that went away.
 * The real daemon keeps serving the other tests all along.
 */
export class EngineProxy {
  readonly dir = mkdtempSync(join(tmpdir(), "musl-lab-engine-"));
  readonly path = join(this.dir, "docker.sock");
  /** For the CLI's environment: DOCKER_HOST pointing here, and no provisioning of its own. */
  readonly env = { DOCKER_HOST: `unix://${this.path}`, LAB_NO_PROVISION: "1" };
  private frozen = false;
  private readonly held: (() => void)[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((client) => {
    const upstream = createConnection(DOCKER_SOCKET);
    this.sockets.add(client).add(upstream);
    const forward = (to: Socket) => (chunk: Buffer) => {
      const send = () => to.write(chunk);
      if (this.frozen) this.held.push(send);
      else send();
    };
    client.on("data", forward(upstream));
    upstream.on("data", forward(client));
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });

  static async start(): Promise<EngineProxy> {
    const proxy = new EngineProxy();
    await new Promise<void>((resolve) => proxy.server.listen(proxy.path, resolve));
    return proxy;
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    for (const send of this.held.splice(0)) send();
  }

  close(): void {
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
    this.held.length = 0;
  }

  /** Closes it and removes its folder. */
  dispose(): void {
    this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Removes, on the real engine, what a CLI a test killed or starved could not. */
export async function removeContainersOf(pid: number | undefined): Promise<void> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const ids = await containersOwnedBy(pid);
  await Promise.all(
    ids.map((id) =>
      docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

/**
 * What a test made (folders, engine proxies, containers of a CLI it killed), undone after it:
 * register with `cleanups.push(...)`, and call `afterEach(runCleanups)` in the test file.
 */
export const cleanups: (() => Promise<void> | void)[] = [];

export async function runCleanups(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/** A temporary folder of the current test, removed after it. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
