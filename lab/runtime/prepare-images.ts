import { accessSync, constants } from "node:fs";
import type { Environment } from "../environments/schema.js";
import { InfrastructureError, isLabError } from "../errors.js";
import { removeLeftoverContainers } from "./container-registry.js";
import { withDeadline } from "./deadline.js";
import { dockerClient, engineUnusable, type DockerClient } from "./docker-client.js";
import {
  checkEngineApi,
  configureTestcontainersEnv,
  dockerEndpoint,
  engineSubject,
  ensureDockerEngine,
  pingDocker,
  type DockerEndpoint,
  type Log,
} from "./docker-engine.js";
import {
  builderFor,
  ensureImage,
  IMAGE_QUERY_DEADLINE_MS,
  isResolved,
  resolveImage,
  type ImageResolution,
  type ImagesOption,
} from "./images.js";
import { labCacheDir } from "./paths.js";
import { makeFolders } from "../make-folders.js";

/** Force-removing a few containers takes seconds; a busy engine, some more. */
const LEFTOVER_CLEANUP_DEADLINE_MS = 60_000;

/** One environment involved in a run, ready to start: its image and who compiles for it. */
export interface PreparedEnvironment {
  environment: Environment;
  /** Its image, or the reason it has none in this mode. */
  resolution: ImageResolution;
  /**
   * The environment whose container compiles its probes; null when it has no image, or when it is
   * involved only as another environment's builder.
   */
  builderId: string | null;
  /** Docker's id of its image; null when it has none. */
  imageId: string | null;
}

export interface PreparedImages {
  docker: DockerClient;
  /** Host-side actions taken (provisioning, leftover cleanup, image builds), one line each. */
  setup: string[];
  /** Every environment involved (builders too), by id, in the order they were first needed. */
  environments: Map<string, PreparedEnvironment>;
}

/**
 * Everything before the first container starts: a Docker engine (provisioned if need be), no
 * leftovers of crashed runs, and an image for each environment involved, built only when its
 * recipe hash has no image yet. Shared by the lab, the container tests' setup and the benchmark.
 */
export async function prepareImages(
  environments: Environment[],
  images: ImagesOption,
  log: Log,
): Promise<PreparedImages> {
  configureTestcontainersEnv();
  const setup: string[] = [];
  const record = (line: string) => {
    setup.push(line);
    log(line);
  };
  ensureCacheDir();
  const docker = await connectDocker(record, log);
  await withDeadline(() => removeLeftoverContainers(docker, record), {
    subject: engineSubject(),
    call: "the list and removal of leftover containers",
    ms: LEFTOVER_CLEANUP_DEADLINE_MS,
    log,
    onExpired: engineUnusable,
  });

  const hasLocalImage = (name: string) =>
    withDeadline(() => docker.getImage(name).inspect(), {
      subject: engineSubject(),
      call: `an inspect of image ${name}`,
      ms: IMAGE_QUERY_DEADLINE_MS,
      log,
      onExpired: engineUnusable,
    }).then(
      () => true,
      (error: unknown) => {
        if (isLabError(error)) throw error;
        return false;
      },
    );
  const prepared = await resolveEnvironments(environments, images, hasLocalImage);
  await Promise.all(
    [...prepared.values()].map(async (entry) => {
      if (!isResolved(entry.resolution)) return;
      const { imageId, built } = await ensureImage(docker, entry.resolution, log);
      if (built) setup.push(`built image ${entry.resolution.tag}`);
      entry.imageId = imageId;
    }),
  );
  return { docker, setup, environments: prepared };
}

/**
 * The image of each environment, or why it has none in this mode, and the builder of each: the
 * builders join the list, resolved in the mode of what they build for.
 */
export async function resolveEnvironments(
  environments: Environment[],
  images: ImagesOption,
  hasLocalImage: (name: string) => Promise<boolean>,
): Promise<Map<string, PreparedEnvironment>> {
  const prepared = new Map<string, PreparedEnvironment>();
  const add = async (environment: Environment, mode: ImagesOption) => {
    const resolution = await resolveImage(environment, mode, hasLocalImage);
    prepared.set(environment.id, { environment, resolution, builderId: null, imageId: null });
  };
  for (const environment of environments) {
    if (!prepared.has(environment.id)) await add(environment, images);
  }
  for (const entry of [...prepared.values()]) {
    if (!isResolved(entry.resolution)) continue;
    const builder = builderFor(entry.resolution);
    entry.builderId = builder.environment.id;
    // A builder is resolved in the mode of the environment it builds for: offline musl
    // binaries come from the offline glibc image of the same Debian suite.
    if (!prepared.has(builder.environment.id)) await add(builder.environment, builder.mode);
  }
  return prepared;
}

/**
 * An engine that answers, with the whole API (not only /_ping), and testcontainers' client for it;
 * provisioned if need be. Every call has a deadline: an engine that stops answering is one line.
 */
export async function connectDocker(record: Log, log: Log): Promise<DockerClient> {
  const { endpoint } = await ensureDockerEngine(record);
  return clientFor(endpoint, log);
}

/** Like connectDocker, for commands that only look after what exists: no engine is started. */
export async function connectToRunningEngine(log: Log): Promise<DockerClient> {
  const endpoint = dockerEndpoint();
  if (!(await pingDocker(endpoint))) {
    throw new InfrastructureError(
      `no Docker engine answers at ${endpoint.description}: there are no images to look after`,
    );
  }
  return clientFor(endpoint, log);
}

async function clientFor(endpoint: DockerEndpoint, log: Log): Promise<DockerClient> {
  try {
    await checkEngineApi(endpoint, log);
  } catch (error) {
    // The clean-up on the way out must not wait on this engine once more.
    if (isLabError(error)) engineUnusable(error);
    throw error;
  }
  return dockerClient(log);
}

/**
 * Package downloads, rootfs tarballs, compiled probes and the dockerd log all go here: a path
 * that is a file, or a folder the user may not write, is said once, up front, instead of as a
 * stack trace from whichever write meets it first.
 */
export function ensureCacheDir(): void {
  const dir = labCacheDir();
  const named = process.env["LAB_CACHE_DIR"]
    ? `LAB_CACHE_DIR=${process.env["LAB_CACHE_DIR"]}`
    : `the cache folder ${dir}`;
  try {
    makeFolders(dir);
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    const why =
      code === "ENOTDIR" || code === "EEXIST"
        ? "is not a folder (a file is in the way)"
        : code === "EACCES" || code === "EPERM"
          ? "cannot be written (permission denied)"
          : `cannot be used (${code || (error as Error).message})`;
    throw new InfrastructureError(`${named} ${why}: point LAB_CACHE_DIR at a folder you can write`);
  }
}
