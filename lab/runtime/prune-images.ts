import { ENVIRONMENTS } from "../environments/index.js";
import type { ImageMode } from "../environments/schema.js";
import { withDeadline } from "./deadline.js";
import { engineUnusable, type DockerClient } from "./docker-client.js";
import { configureTestcontainersEnv, engineSubject, type Log } from "./docker-engine.js";
import { IMAGE_QUERY_DEADLINE_MS, isResolved, resolveImage } from "./images.js";
import { connectToRunningEngine } from "./prepare-images.js";

const IMAGE_REPOSITORY_PREFIX = "musl-lab/";
/** The label every image the lab builds carries: it finds our images once their tag is gone. */
const RECIPE_LABEL = "musl-lab.recipe-hash";
/** Deleting a ~400 MB image's layers takes a few seconds; a busy disk, more. */
const IMAGE_REMOVE_DEADLINE_MS = 120_000;
const MODES: ImageMode[] = ["registry", "offline"];

/** What the engine lists, reduced to what pruning decides on. */
export interface ImageSummary {
  Id: string;
  RepoTags?: string[] | null;
  Labels?: Record<string, string> | null;
  Size: number;
}
export interface ContainerSummary {
  Id: string;
  ImageID: string;
  Names?: string[];
}

export interface PruneItem {
  /** The image's musl-lab tags this checkout does not use; empty for an untagged image. */
  tags: string[];
  imageId: string;
  /** What removing it frees: its size when the image goes, 0 when only tags go. */
  bytes: number;
}

export interface PrunePlan {
  /** Images none of whose tags this checkout uses, and no container uses: they go whole. */
  remove: PruneItem[];
  /** Stale tags of an image that keeps another tag: untagged, nothing freed. */
  untag: PruneItem[];
  /** Images this checkout does not use, kept because a container (of any run) uses them. */
  inUse: (PruneItem & { containers: string[] })[];
  /** This checkout's own images present on the engine. */
  current: string[];
}

export interface PruneResult extends PrunePlan {
  dryRun: boolean;
  /** Removals the engine refused (e.g. a container started meanwhile), with its reason. */
  failed: (PruneItem & { reason: string })[];
  freedBytes: number;
}

/**
 * Every tag this checkout would use, for every environment and both recipe modes: an image with
 * one of these is this checkout's own and stays, whichever mode the next run picks.
 */
export async function currentImageTags(): Promise<Set<string>> {
  const tags = new Set<string>();
  for (const environment of ENVIRONMENTS.values()) {
    for (const mode of MODES) {
      const resolution = await resolveImage(environment, mode, async () => false);
      if (isResolved(resolution)) tags.add(resolution.tag);
    }
  }
  return tags;
}

/**
 * Which musl-lab images may go: the ones whose tags are no current recipe of this checkout
 * (older recipes, other branches and clones), and images of ours left without a tag. An image a
 * container uses is never removed, running or not: Docker would refuse it, and a lab that runs
 * right now needs it.
 */
export function planPrune(
  images: ImageSummary[],
  containers: ContainerSummary[],
  current: Set<string>,
): PrunePlan {
  const plan: PrunePlan = { remove: [], untag: [], inUse: [], current: [] };
  for (const image of images) {
    const tags = (image.RepoTags ?? []).filter((tag) => tag !== "<none>:<none>");
    const ours = tags.filter((tag) => tag.startsWith(IMAGE_REPOSITORY_PREFIX));
    const untaggedOfOurs = tags.length === 0 && !!image.Labels?.[RECIPE_LABEL];
    if (ours.length === 0 && !untaggedOfOurs) continue;
    plan.current.push(...ours.filter((tag) => current.has(tag)));
    const stale = ours.filter((tag) => !current.has(tag));
    if (stale.length === 0 && !untaggedOfOurs) continue;
    const users = containers
      .filter((c) => c.ImageID === image.Id)
      .map((c) => c.Names?.[0]?.replace(/^\//, "") ?? c.Id.slice(0, 12));
    const item = { tags: stale, imageId: image.Id, bytes: image.Size };
    if (users.length > 0) plan.inUse.push({ ...item, containers: users });
    else if (stale.length === tags.length) plan.remove.push(item);
    else plan.untag.push({ ...item, bytes: 0 });
  }
  return plan;
}

/**
 * `npm run lab -- prune`: removes the musl-lab images this checkout does not use (or, with
 * `dryRun`, only says which and how much they free). Connects like a run does, but never
 * provisions an engine: with no engine there is nothing to prune.
 */
export async function pruneImages(options: { dryRun: boolean; log: Log }): Promise<PruneResult> {
  configureTestcontainersEnv();
  const docker = await connectToRunningEngine(options.log);
  const query = <T>(call: string, work: () => Promise<T>) =>
    withDeadline(work, {
      subject: engineSubject(),
      call,
      ms: IMAGE_QUERY_DEADLINE_MS,
      log: options.log,
      onExpired: engineUnusable,
    });
  const [images, containers] = await Promise.all([
    query("a list of images", () => docker.listImages()),
    query("a list of containers", () => docker.listContainers({ all: true })),
  ]);
  const plan = planPrune(images, containers, await currentImageTags());
  const result: PruneResult = { ...plan, dryRun: options.dryRun, failed: [], freedBytes: 0 };
  if (options.dryRun) {
    result.freedBytes = plan.remove.reduce((total, item) => total + item.bytes, 0);
    return result;
  }
  const removed: PruneItem[] = [];
  for (const item of [...plan.remove, ...plan.untag]) {
    try {
      await removeItem(docker, item);
      removed.push(item);
    } catch (error) {
      result.failed.push({ ...item, reason: firstLine(error) });
    }
  }
  result.remove = removed.filter((item) => plan.remove.includes(item));
  result.untag = removed.filter((item) => plan.untag.includes(item));
  result.freedBytes = result.remove.reduce((total, item) => total + item.bytes, 0);
  return result;
}

/** By tag, never forced: Docker then refuses what a container started meanwhile uses. */
async function removeItem(docker: DockerClient, item: PruneItem): Promise<void> {
  const names = item.tags.length > 0 ? item.tags : [item.imageId];
  for (const name of names) {
    await withDeadline(() => docker.getImage(name).remove(), {
      subject: engineSubject(),
      call: `the removal of image ${name}`,
      ms: IMAGE_REMOVE_DEADLINE_MS,
      onExpired: engineUnusable,
    });
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
