import type { getContainerRuntimeClient } from "testcontainers";

/**
 * The Docker API client testcontainers already holds (dockerode). Typed through testcontainers so
 * the lab does not depend on dockerode's package directly.
 */
export type DockerClient = Awaited<
  ReturnType<typeof getContainerRuntimeClient>
>["container"]["dockerode"];
