import type { Readable } from "node:stream";
import { InfrastructureError, interruptionOf, isLabError, UsageError } from "../errors.js";
import {
  containerLabels,
  trackContainer,
  trackStart,
  untrackContainer,
} from "./container-registry.js";
import { withDeadline } from "./deadline.js";
import { engineUnusable } from "./docker-client.js";
import { configureTestcontainersEnv, engineSubject, type Log } from "./docker-engine.js";
import { IMAGE_QUERY_DEADLINE_MS } from "./images.js";
import { connectDocker } from "./prepare-images.js";
import { firstLine } from "./started-probe-container.js";

/**
 * Creating a container only writes its config (no start, no rootfs copy): well under a second;
 * removing one that never ran, the same. The export itself has no deadline of its own: it takes
 * as long as the reader needs (backpressure), and a dead engine ends its stream with an error.
 */
const CREATE_DEADLINE_MS = 60_000;
const EXPORT_START_DEADLINE_MS = 60_000;
const REMOVE_DEADLINE_MS = 30_000;

/** The `musl-lab.environment` label of these containers: they belong to no environment. */
const EXPORT_LABEL = "check-image";

/**
 * The command the container is created with. It is never started; but the engine refuses to
 * create a container with neither an entrypoint nor a command ("No command specified"), which is
 * what a `FROM scratch` image or one made by debootstrap has.
 */
const UNUSED_COMMAND = ["true"];

/** A local image's filesystem as a tar stream, and the container that stream comes from. */
export interface ImageExport {
  /** `docker export`: one flat tar of the whole filesystem, read as the engine sends it. */
  tar: Readable;
  /** Ends the stream and removes the container; call it whatever happened. Never throws. */
  remove(): Promise<void>;
}

/**
 * Streams the filesystem of the local image `image` (a tag or an id) without pulling it and
 * without unpacking it anywhere: a container is created from it and never started, registered
 * with the container registry (so Ctrl-C and crashes remove it like the lab's others), and
 * exported. The engine is ensured as for a run (prepareImages' connectDocker). A missing image
 * is a one-line UsageError; the engine failing is an InfrastructureError.
 */
export async function exportImage(
  image: string,
  options: { log: Log; signal?: AbortSignal | undefined },
): Promise<ImageExport> {
  const { log, signal } = options;
  configureTestcontainersEnv();
  const docker = await connectDocker(log, log);
  const deadline = (call: string, ms: number) => ({
    subject: engineSubject(),
    call,
    ms,
    log,
    onExpired: engineUnusable,
  });
  await withDeadline(
    () => docker.getImage(image).inspect(),
    deadline(`an inspect of image ${image}`, IMAGE_QUERY_DEADLINE_MS),
  ).catch((error: unknown) => {
    if (isLabError(error)) throw error;
    if ((error as { statusCode?: number }).statusCode === 404) {
      throw new UsageError(
        `image "${image}" is not present locally; musl-lab never pulls: docker pull ${image} (or docker load) first`,
      );
    }
    throw new InfrastructureError(`could not inspect image "${image}": ${firstLine(error)}`);
  });
  if (signal?.aborted) throw interruptionOf(signal);

  let removal: Promise<void> | null = null;
  let id = "";
  // One removal, shared by the registry (the way out) and remove() (the normal end).
  const removeContainer = () =>
    (removal ??= docker
      .getContainer(id)
      .remove({ force: true })
      .then(() => undefined));
  const created = await withDeadline(
    () =>
      trackStart(
        docker
          .createContainer({
            Image: image,
            Cmd: UNUSED_COMMAND,
            Labels: containerLabels(EXPORT_LABEL),
            NetworkDisabled: true,
          })
          .then((container) => {
            // Tracked inside the create, as a start is: no tick in which it is unknown.
            id = container.id;
            trackContainer(id, removeContainer);
            return container;
          }),
      ),
    deadline(`a container create from image ${image}`, CREATE_DEADLINE_MS),
  ).catch((error: unknown) => {
    if (isLabError(error)) throw error;
    throw new InfrastructureError(
      `could not create a container from image "${image}" to read its files: ${firstLine(error)}`,
    );
  });

  const remove = async (tar?: Readable) => {
    tar?.destroy();
    untrackContainer(id);
    // untrackContainer started removeContainer (the registry follows it and reports it as left
    // when it fails); this waits for the same request.
    await withDeadline(
      () => removeContainer(),
      deadline(`the removal of container ${id.slice(0, 12)}`, REMOVE_DEADLINE_MS),
    ).catch(() => undefined);
  };
  let tar: Readable;
  try {
    tar = (await withDeadline(
      () => created.export(),
      deadline(`an export of container ${id.slice(0, 12)}`, EXPORT_START_DEADLINE_MS),
    )) as Readable;
  } catch (error) {
    await remove();
    if (isLabError(error)) throw error;
    throw new InfrastructureError(
      `could not export the filesystem of image "${image}": ${firstLine(error)}`,
    );
  }
  const abort = () => tar.destroy(interruptionOf(signal as AbortSignal));
  signal?.addEventListener("abort", abort, { once: true });
  return {
    tar,
    remove: () => {
      signal?.removeEventListener("abort", abort);
      return remove(tar);
    },
  };
}
