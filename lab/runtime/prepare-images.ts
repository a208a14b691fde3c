import type { Environment } from "../environments/schema.js";
import { removeLeftoverContainers } from "./container-registry.js";
import type { DockerClient } from "./docker-client.js";
import { configureTestcontainersEnv, ensureDockerEngine, type Log } from "./docker-engine.js";
import {
  builderFor,
  ensureImage,
  isResolved,
  resolveImage,
  type ImageResolution,
  type ImagesOption,
} from "./images.js";

export interface PreparedImages {
  docker: DockerClient;
  /** Host-side actions taken (provisioning, leftover cleanup, image builds), one line each. */
  setup: string[];
  /** Every environment involved, with its image or the reason it has none in this mode. */
  resolutions: Map<string, ImageResolution>;
  /** Environment id -> id of the environment whose container compiles its probes. */
  builderOf: Map<string, string>;
  imageIds: Map<string, string>;
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
  await ensureDockerEngine(record);
  const { getContainerRuntimeClient } = await import("testcontainers");
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  await removeLeftoverContainers(docker, record);

  const hasLocalImage = (name: string) =>
    docker
      .getImage(name)
      .inspect()
      .then(() => true)
      .catch(() => false);
  const resolutions = new Map<string, ImageResolution>();
  for (const environment of environments) {
    if (!resolutions.has(environment.id)) {
      resolutions.set(environment.id, await resolveImage(environment, images, hasLocalImage));
    }
  }
  const builderOf = new Map<string, string>();
  for (const resolution of [...resolutions.values()]) {
    if (!isResolved(resolution)) continue;
    const builder = builderFor(resolution);
    builderOf.set(resolution.environment.id, builder.environment.id);
    if (!resolutions.has(builder.environment.id)) {
      // A builder is resolved in the mode of the environment it builds for: offline musl
      // binaries come from the offline glibc image of the same Debian suite.
      resolutions.set(
        builder.environment.id,
        await resolveImage(builder.environment, builder.mode, hasLocalImage),
      );
    }
  }

  const imageIds = new Map<string, string>();
  await Promise.all(
    [...resolutions.values()].filter(isResolved).map(async (image) => {
      const { imageId, built } = await ensureImage(docker, image, log);
      if (built) setup.push(`built image ${image.tag}`);
      imageIds.set(image.environment.id, imageId);
    }),
  );
  return { docker, setup, resolutions, builderOf, imageIds };
}
