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
 * removes it on every way out: normal end, error and the signals.
 */
const live = new Map<string, () => Promise<void>>();
/** Removals asked for and not yet answered: an engine that stalls may never answer them. */
const removing = new Map<string, Promise<void>>();
/** Removals the engine failed (it went away, it refused): the container is there as far as we know. */
const failed = new Set<string>();
/** Container starts in flight: a Ctrl-C during `start()` must not leave that container behind. */
const starting = new Set<Promise<unknown>>();
/**
 * How long the way out waits for the engine, starts in flight included. Removing a container
 * takes well under a second here, a start under load a few: this only bounds an engine that does
 * not answer, whose containers are then named and left to the next run.
 */
export const CLEANUP_TIMEOUT_MS = 30_000;

export function trackStart<T>(start: Promise<T>): Promise<T> {
  starting.add(start);
  const settle = () => starting.delete(start);
  start.then(settle, settle);
  return start;
}

export function trackContainer(id: string, remove: () => Promise<void>): void {
  live.set(id, remove);
}

/**
 * The container's owner is removing it (a session's stop). The registry follows that removal
 * instead of forgetting the container: when the engine fails it or never answers, the container
 * is still reported as left. It is the same request, not a second one: testcontainers runs one
 * stop per container, and a concurrent stop waits for it and takes its result.
 */
export function untrackContainer(id: string): void {
  const remove = live.get(id);
  if (remove) startRemoval(id, remove);
}

/** What this process may have left in the engine, as far as it knows at this moment. */
export interface Leftovers {
  /** Containers not confirmed removed. */
  ids: string[];
  /** Starts not yet answered: containers the engine may hold whose ids we never learnt. */
  starting: number;
}

export function containersNotRemoved(): Leftovers {
  return {
    ids: [...new Set([...live.keys(), ...removing.keys(), ...failed])],
    starting: starting.size,
  };
}

/**
 * Removes every container this process started and returns what it could not remove within
 * `timeoutMs`; never throws (it runs on the way out). Starts in flight are waited for first, and
 * then the engine is asked for anything labelled with this run that tracking missed (a container
 * created but not yet reported back to us). Calls may overlap (the run's own `finally` and the
 * CLI's way out): a removal is asked for once and every caller waits for the same answer.
 */
export async function removeAllContainers(
  timeoutMs: number = CLEANUP_TIMEOUT_MS,
): Promise<Leftovers> {
  const deadline = Date.now() + timeoutMs;
  if (starting.size > 0) await until(deadline, Promise.allSettled(starting));
  for (const [id, remove] of live) startRemoval(id, remove);
  await until(deadline, removeUntracked());
  await until(deadline, Promise.allSettled(removing.values()));
  return containersNotRemoved();
}

function startRemoval(id: string, remove: () => Promise<void>): void {
  live.delete(id);
  if (removing.has(id)) return;
  failed.delete(id);
  const removal = remove()
    .then(
      () => undefined,
      (error: unknown) => {
        if (!isGone(error)) failed.add(id);
      },
    )
    .finally(() => removing.delete(id));
  removing.set(id, removal);
}

async function removeUntracked(): Promise<void> {
  try {
    const docker = await dockerClient();
    const labelled = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL_RUN}=${RUN_ID}`] },
    });
    for (const { Id } of labelled) {
      if (!removing.has(Id)) {
        startRemoval(Id, () => docker.getContainer(Id).remove({ force: true }));
      }
    }
  } catch {
    // No engine to ask (it may be what failed); the tracked containers were handled above.
  }
}

/** Waits for `work`, but not past `deadline`; the timer never keeps the process alive. */
async function until(deadline: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now())).unref();
  });
  await Promise.race([work.then(noop, noop), timeUp]);
  clearTimeout(timer);
}

const noop = () => undefined;

/**
 * Already gone (404) or being removed by another request (409): no leftover. A stop answered
 * 304 is the container already stopped, which testcontainers itself accepts.
 */
function isGone(error: unknown): boolean {
  const status = (error as { statusCode?: number } | null)?.statusCode;
  return status === 404 || status === 409;
}

/**
 * One line for a person: which containers are left and what becomes of them, or null when there
 * are none. Short ids, as `docker ps` shows them.
 */
export function describeLeftovers(left: Leftovers): string | null {
  const parts: string[] = [];
  if (left.ids.length > 0) {
    parts.push(
      `${left.ids.length} container(s) of this run could not be removed: ${left.ids.map((id) => id.slice(0, 12)).join(", ")}`,
    );
  }
  if (left.starting > 0) parts.push(`${left.starting} container start(s) were never answered`);
  if (parts.length === 0) return null;
  // The run label finds them all, also the ones whose start was never answered (no id known).
  return `${parts.join("; ")}; the next run removes them (or now: docker rm -f $(docker ps -aq --filter label=${LABEL_RUN}=${RUN_ID}))`;
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

/** Whether process `pid` exists on this host (another user's counts). */
export function isAlive(pid: number): boolean {
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
