import type { getContainerRuntimeClient } from "testcontainers";
import { InfrastructureError, isLabError } from "../errors.js";
import { withDeadline } from "./deadline.js";
import { dockerEndpoint, engineSubject, type DockerEndpoint, type Log } from "./docker-engine.js";

/**
 * The Docker API client testcontainers already holds (dockerode). Typed through testcontainers so
 * the lab does not depend on dockerode's package directly.
 */
export type DockerClient = Awaited<
  ReturnType<typeof getContainerRuntimeClient>
>["container"]["dockerode"];

/**
 * testcontainers asks /info, the compose version and the host's addresses before it hands out a
 * client: seconds at worst, even on a busy host.
 */
export const RUNTIME_CLIENT_DEADLINE_MS = 30_000;

let client: Promise<DockerClient> | null = null;

/**
 * testcontainers' client, under a deadline. Asked once per process: a later caller (the clean-up
 * on the way out) gets the same client, or at once the same failure, instead of another wait on
 * an engine that already did not answer.
 */
export function dockerClient(log?: Log): Promise<DockerClient> {
  client ??= connect(log);
  return client;
}

/** Marks the engine as unusable for the rest of the process: every later dockerClient() fails so. */
export function engineUnusable(error: Error): void {
  client = Promise.reject(error);
  client.catch(() => undefined);
}

async function connect(log: Log | undefined): Promise<DockerClient> {
  const endpoint = dockerEndpoint();
  const subject = engineSubject(endpoint);
  const { getContainerRuntimeClient } = await import("testcontainers");
  const runtime = await withDeadline(
    () =>
      getContainerRuntimeClient().catch((error: unknown) => {
        throw new InfrastructureError(
          `testcontainers could not use ${subject}: ${error instanceof Error ? error.message : String(error)} (DEBUG=testcontainers* shows what it tried)`,
        );
      }),
    {
      subject,
      call: "testcontainers' connection checks (/info and more)",
      ms: RUNTIME_CLIENT_DEADLINE_MS,
      log,
    },
  ).catch((error: unknown) => {
    if (isLabError(error)) engineUnusable(error);
    throw error;
  });
  const docker = runtime.container.dockerode;
  const chosen = modemEndpoint(docker);
  if (!sameEndpoint(chosen, endpoint)) {
    // testcontainers moves on to the next engine it finds when the first one fails: the lab
    // would then build and run on an engine the user did not name.
    throw new InfrastructureError(
      `testcontainers connected to ${chosen.description} instead of ${endpoint.description}; unset TESTCONTAINERS_HOST / tc.host in ~/.testcontainers.properties, or point DOCKER_HOST at the engine to use`,
    );
  }
  return docker;
}

function modemEndpoint(docker: DockerClient): DockerEndpoint {
  const modem = docker.modem as { socketPath?: string; host?: string; port?: number | string };
  return modem.socketPath
    ? { description: `unix://${modem.socketPath}`, socketPath: modem.socketPath, explicit: true }
    : {
        description: `tcp://${modem.host}:${modem.port}`,
        host: modem.host,
        port: Number(modem.port),
        explicit: true,
      };
}

function sameEndpoint(a: DockerEndpoint, b: DockerEndpoint): boolean {
  return a.socketPath
    ? a.socketPath === b.socketPath
    : a.host === b.host && Number(a.port) === Number(b.port);
}
