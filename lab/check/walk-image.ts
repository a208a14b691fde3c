import { InfrastructureError, isLabError } from "../errors.js";
import type { Log } from "../runtime/docker-engine.js";
import { exportImage } from "../runtime/export-image.js";
import { IMAGE_LIMITS } from "./collect-limits.js";
import { walkTar, type ArchiveRecord, type WalkArchiveOptions } from "./walk-archive.js";

/** What walkImage needs: the tar walk's options (limits default to IMAGE_LIMITS) and a log. */
export type WalkImageOptions = Omit<WalkArchiveOptions, "limits"> &
  Partial<Pick<WalkArchiveOptions, "limits">> & { log: Log };

/**
 * Every entry of the local image `image`'s filesystem, in the order the engine exports them,
 * with what `want` asked of each file's bytes: the one walk behind `check --image` and behind
 * the checker reading the lab's own images (which paths exist, where symlinks point, the bytes
 * of a library). One entry's bytes are held at a time. The container the export needs is
 * removed when the loop ends, however it ends (a break, an error, Ctrl-C).
 */
export async function* walkImage(
  image: string,
  options: WalkImageOptions,
): AsyncGenerator<ArchiveRecord> {
  const exported = await exportImage(image, { log: options.log, signal: options.signal });
  try {
    yield* walkTar(exported.tar, { ...options, limits: options.limits ?? IMAGE_LIMITS });
  } catch (error) {
    if (isLabError(error)) throw error;
    // An ArchiveProblem (a tar that does not parse, a limit) or the engine's stream breaking off.
    const why = error instanceof Error ? error.message : String(error);
    throw new InfrastructureError(`reading the filesystem of image "${image}" failed: ${why}`);
  } finally {
    await exported.remove();
  }
}
