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

/** Waits until the CLI started as `pid` has a container of its own (at most a minute). */
export function untilContainersOf(pid: number | undefined): Promise<void> {
  return waitFor(async () => (await containersOwnedBy(pid)).length > 0, 60_000);
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
