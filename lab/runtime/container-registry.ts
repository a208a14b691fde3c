import { hostname } from "node:os";
import { dockerClient, type DockerClient as Dockerode } from "./docker-client.js";
import type { Log } from "./docker-engine.js";

/** Every container the lab starts carries these, so leftovers can be found after a crash. */
export const LABEL_LAB = "musl-lab";
export const LABEL_RUN = "musl-lab.run";
export const LABEL_OWNER_PID = "musl-lab.owner-pid";
export const LABEL_OWNER_HOST = "musl-lab.owner-host";
export const LABEL_ENVIRONMENT = "musl-lab.environment";

export const RUN_ID = `${new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${process.pid}`;

export function containerLabels(environmentId: string): Record<string, string> {
  return {
    [LABEL_LAB]: "true",
    [LABEL_RUN]: RUN_ID,
    [LABEL_OWNER_PID]: String(process.pid),
    [LABEL_OWNER_HOST]: hostname(),
    [LABEL_ENVIRONMENT]: environmentId,
  };
}

/**
 * Ryuk is disabled (it is an image we cannot pull), so the lab itself tracks what it started and
 * removes it on every way out: normal end, error, SIGINT and SIGTERM.
 */
const live = new Map<string, () => Promise<void>>();
/** Container starts in flight: a Ctrl-C during `start()` must not leave that container behind. */
const starting = new Set<Promise<unknown>>();
const SETTLE_STARTS_TIMEOUT_MS = 10_000;

export function trackStart<T>(start: Promise<T>): Promise<T> {
  starting.add(start);
  const settle = () => starting.delete(start);
  start.then(settle, settle);
  return start;
}

export function trackContainer(id: string, remove: () => Promise<void>): void {
  live.set(id, remove);
}

export function untrackContainer(id: string): void {
  live.delete(id);
}

export function liveContainerCount(): number {
  return live.size;
}

/**
 * Removes every container this process started; never throws (it runs on the way out). Starts in
 * flight are waited for first, and then the engine is asked for anything labelled with this run
 * that tracking missed (a container created but not yet reported back to us).
 */
export async function removeAllContainers(): Promise<void> {
  if (starting.size > 0) {
    await Promise.race([
      Promise.allSettled(starting),
      new Promise((resolve) => setTimeout(resolve, SETTLE_STARTS_TIMEOUT_MS).unref()),
    ]);
  }
  const removals = [...live.entries()].map(async ([id, remove]) => {
    live.delete(id);
    await remove().catch(() => undefined);
  });
  await Promise.all(removals);
  try {
    const docker = await dockerClient();
    const missed = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL_RUN}=${RUN_ID}`] },
    });
    await forceRemove(docker, missed);
  } catch {
    // No engine to ask (it may be what failed); the tracked containers were handled above.
  }
}

/**
 * Containers of an earlier run that died without cleaning up (kill -9, a power cut): labelled as
 * ours, from this host, and owned by a process that no longer exists. Runs of other live processes
 * are left alone, so two labs can run side by side.
 */
export async function removeLeftoverContainers(docker: Dockerode, log: Log): Promise<number> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL_LAB}=true`, `${LABEL_OWNER_HOST}=${hostname()}`] },
  });
  const orphans = containers.filter((c) => !isAlive(Number(c.Labels[LABEL_OWNER_PID])));
  await forceRemove(docker, orphans);
  if (orphans.length > 0) {
    const runs = [...new Set(orphans.map((c) => c.Labels[LABEL_RUN]))].join(", ");
    log(`cleanup: removed ${orphans.length} leftover container(s) of crashed run(s) ${runs}`);
  }
  return orphans.length;
}

/** Kills and removes; a container already gone (or going) is no error on the way out. */
async function forceRemove(docker: Dockerode, containers: { Id: string }[]): Promise<void> {
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
