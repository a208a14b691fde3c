import { getContainerRuntimeClient } from "testcontainers";
import { LABEL_RUN, RUN_ID } from "../../lab/runtime/container-registry.js";

/** Containers of this test process's run still present in the engine (running or not). */
export async function countRunContainers(): Promise<number> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL_RUN}=${RUN_ID}`] },
  });
  return containers.length;
}
