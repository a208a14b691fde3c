import { createHash } from "node:crypto";
import { createReadStream, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { engineUnusable, type DockerClient as Dockerode } from "./docker-client.js";
import { ENVIRONMENTS } from "../environments/index.js";
import {
  isUnavailable,
  type Environment,
  type ImageMode,
  type OfflineRecipe,
  type Recipe,
  type RegistryRecipe,
} from "../environments/schema.js";
import { InfrastructureError, isLabError } from "../errors.js";
import { silenceDeadline, withDeadline } from "./deadline.js";
import { secondsSince } from "../seconds-since.js";
import { engineSubject, ensureHostCommands, tail, type Log } from "./docker-engine.js";
import { withHostLock } from "./host-lock.js";
import { DOCKER_DIR, labCacheDir } from "./paths.js";
import { makeFolders } from "../make-folders.js";

export type ImagesOption = "auto" | ImageMode;

/** Bump when the way images are made changes in a way the recipe files do not show. */
const RECIPE_FORMAT = 1;
const IMAGE_REPOSITORY_PREFIX = "musl-lab/";
/** Imported rootfs images have no config at all; exec needs a PATH to find `sh`. */
const IMPORT_CHANGES = ["ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];
const BUILD_LOG_TAIL_LINES = 30;
/** Inspecting or listing images answers in milliseconds; a busy engine within seconds. */
export const IMAGE_QUERY_DEADLINE_MS = 30_000;
/** Sending the (tiny) Dockerfile context and getting the build's first answer. */
const BUILD_START_DEADLINE_MS = 60_000;
/**
 * An import of a ~400 MB rootfs took ~3 s here and sends no progress until it is done: a deadline
 * on its total time, far above that, for the upload and for the answer alike.
 */
const IMPORT_DEADLINE_MS = 300_000;

export interface BuildDeadlines {
  /**
   * A Dockerfile build may take many minutes (a registry `apk add` of a toolchain), but every step
   * prints as it goes: the deadline is on silence, not on the build's total time.
   */
  buildSilenceMs: number;
}
export const BUILD_DEADLINES: BuildDeadlines = { buildSilenceMs: 300_000 };

export interface ResolvedImage {
  readonly environment: Environment;
  readonly mode: ImageMode;
  readonly recipe: Recipe;
  /** `musl-lab/<env>:<mode>-<hash of the recipe>`: a changed recipe is a new tag, never a stale hit. */
  readonly tag: string;
  readonly recipeHash: string;
}

export interface UnavailableImage {
  readonly environment: Environment;
  readonly mode: ImageMode;
  readonly unavailable: string;
}

export type ImageResolution = ResolvedImage | UnavailableImage;

export function isResolved(resolution: ImageResolution): resolution is ResolvedImage {
  return "tag" in resolution;
}

/**
 * Picks the recipe for an environment. `auto` prefers the registry recipe when every base image it
 * needs is already present locally (so nothing is pulled), and otherwise builds offline.
 */
export async function resolveImage(
  environment: Environment,
  option: ImagesOption,
  hasLocalImage: (name: string) => Promise<boolean>,
): Promise<ImageResolution> {
  let mode: ImageMode;
  if (option === "auto") {
    const registry = environment.recipes.registry;
    const present =
      !isUnavailable(registry) &&
      (await Promise.all(registry.baseImages.map(hasLocalImage))).every(Boolean);
    mode = present ? "registry" : "offline";
  } else {
    mode = option;
  }
  const recipe = environment.recipes[mode];
  if (isUnavailable(recipe)) return { environment, mode, unavailable: recipe.unavailable };
  const recipeHash = hashRecipe(environment, mode, recipe);
  return {
    environment,
    mode,
    recipe,
    recipeHash,
    tag: `${IMAGE_REPOSITORY_PREFIX}${environment.id}:${mode}-${recipeHash.slice(0, 12)}`,
  };
}

/** The environment a probe for `image` is compiled in: itself, or its builder in the same mode. */
export function builderFor(image: ResolvedImage): { environment: Environment; mode: ImageMode } {
  const compile = image.recipe.compile;
  if (compile.in === "self") return { environment: image.environment, mode: image.mode };
  const builder = ENVIRONMENTS.get(compile.builder);
  if (!builder) throw new InfrastructureError(`unknown builder environment "${compile.builder}"`);
  return { environment: builder, mode: image.mode };
}

export function hashRecipe(environment: Environment, mode: ImageMode, recipe: Recipe): string {
  const hash = createHash("sha256");
  // A different Debian mirror may serve different package versions: it is part of the recipe.
  const mirror = mode === "offline" ? (process.env["LAB_DEBIAN_MIRROR"] ?? null) : null;
  hash.update(JSON.stringify({ RECIPE_FORMAT, id: environment.id, mode, recipe, mirror }));
  for (const file of recipeFiles(recipe)) hash.update(readFileSync(join(DOCKER_DIR, file)));
  return hash.digest("hex");
}

function recipeFiles(recipe: Recipe): string[] {
  // The rootfs scripts source lib.sh (suites, traps, shared steps): a change there is a new recipe.
  return "dockerfile" in recipe
    ? [recipe.dockerfile]
    : [`offline/${recipe.rootfs}.sh`, "offline/lib.sh"];
}

/** Builds the image unless a tag with the same recipe hash exists; says what it does, per stage. */
export async function ensureImage(
  docker: Dockerode,
  image: ResolvedImage,
  log: Log,
  deadlines: BuildDeadlines = BUILD_DEADLINES,
): Promise<{ built: boolean; imageId: string }> {
  const existing = await inspectImage(docker, image.tag);
  if (existing) return { built: false, imageId: existing };
  // Two labs on one engine (two terminals, two checkouts) must not build one tag at once: the
  // second waits, then finds the image the first one built.
  const lockName = `image-${image.tag.replace(/[^A-Za-z0-9.-]/g, "_")}`;
  return withHostLock(lockName, `building ${image.tag}`, log, async () => {
    const builtMeanwhile = await inspectImage(docker, image.tag);
    if (builtMeanwhile) return { built: false, imageId: builtMeanwhile };
    return buildImage(docker, image, log, deadlines);
  });
}

async function buildImage(
  docker: Dockerode,
  image: ResolvedImage,
  log: Log,
  deadlines: BuildDeadlines,
): Promise<{ built: boolean; imageId: string }> {
  const started = Date.now();
  log(`image ${image.environment.id}: building ${image.tag} (${image.mode} recipe)`);
  if ("dockerfile" in image.recipe) {
    await buildFromDockerfile(docker, image, image.recipe, log, deadlines);
  } else {
    await buildFromRootfs(docker, image, image.recipe, log);
  }
  const imageId = await inspectImage(docker, image.tag);
  if (!imageId)
    throw new InfrastructureError(`image ${image.tag} is missing right after its build`);
  log(`image ${image.environment.id}: ready in ${secondsSince(started)}`);
  await mentionOlderImages(docker, image, log);
  return { built: true, imageId };
}

/**
 * A recipe change makes a new tag, and the image of the old recipe stays: another checkout on
 * this engine (a branch, a clone) may still be on that recipe, and removing it would make the two
 * rebuild and delete each other's ~400 MB images in turn. `npm run lab -- prune` removes the ones
 * this checkout does not use, on request; a build only says that there are some.
 */
async function mentionOlderImages(docker: Dockerode, image: ResolvedImage, log: Log) {
  const [repository] = image.tag.split(":");
  const images = await engineCall("a list of images", IMAGE_QUERY_DEADLINE_MS, () =>
    docker.listImages(),
  );
  const older = images.filter((i) =>
    (i.RepoTags ?? []).some((tag) => tag.startsWith(`${repository}:`) && tag !== image.tag),
  );
  if (older.length === 0) return;
  log(
    `image ${image.environment.id}: ${older.length} older ${repository} image(s) kept (${formatBytes(sum(older.map((i) => i.Size)))}); \`npm run lab -- prune\` removes the images this checkout does not use`,
  );
}

async function inspectImage(docker: Dockerode, tag: string): Promise<string | null> {
  try {
    const info = await engineCall(`an inspect of image ${tag}`, IMAGE_QUERY_DEADLINE_MS, () =>
      docker.getImage(tag).inspect(),
    );
    return info.Id;
  } catch (error) {
    if (isLabError(error)) throw error;
    return null;
  }
}

/** One engine call under a deadline, named in the message if the engine does not answer. */
function engineCall<T>(call: string, ms: number, work: () => Promise<T>) {
  // Once the engine left a call unanswered, the clean-up on the way out does not wait on it again.
  return withDeadline(() => work(), {
    subject: engineSubject(),
    call,
    ms,
    onExpired: engineUnusable,
  });
}

/**
 * Follows a build's or an import's progress stream; rejects when the engine sends nothing for
 * `silenceMs` (a build's steps legitimately take minutes, but each one prints as it goes).
 */
function followProgress<T>(
  docker: Dockerode,
  stream: NodeJS.ReadableStream,
  call: string,
  silenceMs: number,
  onFinished: (error: Error | null, events: T[]) => Error | null,
  onProgress: (event: T) => void = () => undefined,
): Promise<void> {
  const silence = silenceDeadline({
    subject: engineSubject(),
    call,
    ms: silenceMs,
    onExpired: engineUnusable,
  });
  const done = new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: T[]) => {
        const failed = onFinished(error, events);
        if (failed) reject(failed);
        else resolve();
      },
      (event: T) => {
        silence.touch();
        onProgress(event);
      },
    );
  });
  return Promise.race([done, silence.expired])
    .catch((error: unknown) => {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw error;
    })
    .finally(silence.clear);
}

async function buildFromDockerfile(
  docker: Dockerode,
  image: ResolvedImage,
  recipe: RegistryRecipe,
  log: Log,
  deadlines: BuildDeadlines,
): Promise<void> {
  const contextDir = join(DOCKER_DIR, "registry");
  const dockerfile = recipe.dockerfile.replace(/^registry\//, "");
  const stream = await engineCall(`a build of ${image.tag}`, BUILD_START_DEADLINE_MS, () =>
    docker.buildImage(
      { context: contextDir, src: [dockerfile] },
      { t: image.tag, dockerfile, labels: { "musl-lab.recipe-hash": image.recipeHash }, rm: true },
    ),
  );
  const output: string[] = [];
  const stages = stageLog(image, log);
  await followProgress<{ stream?: string; error?: string }>(
    docker,
    stream,
    `the build of ${image.tag}`,
    deadlines.buildSilenceMs,
    (error, events) => {
      const failed = error?.message ?? events.find((e) => e.error)?.error;
      if (failed) {
        return new InfrastructureError(
          `building ${image.tag} from docker/${recipe.dockerfile} failed: ${failed.trim()}`,
          tail(output.join(""), BUILD_LOG_TAIL_LINES),
        );
      }
      stages.finish();
      return null;
    },
    (event) => {
      if (!event.stream) return;
      output.push(event.stream);
      const step = /^Step (\d+\/\d+) : (.*)/.exec(event.stream.trim());
      if (step) stages.start(`step ${step[1]} ${truncate(step[2] ?? "", 70)}`);
    },
  );
}

async function buildFromRootfs(
  docker: Dockerode,
  image: ResolvedImage,
  recipe: OfflineRecipe,
  log: Log,
): Promise<void> {
  if (recipe.rootfs === "glibc-rootfs") {
    await ensureHostCommands([{ command: "debootstrap", debianPackage: "debootstrap" }], log);
  }
  const cacheDir = labCacheDir();
  const workDir = join(cacheDir, "rootfs");
  makeFolders(workDir);
  // The pid keeps two concurrent lab runs from writing the same tarball.
  const tarball = join(
    workDir,
    `${image.environment.id}-${image.recipeHash.slice(0, 12)}-${process.pid}.tar`,
  );
  const script = join(DOCKER_DIR, "offline", `${recipe.rootfs}.sh`);
  const flags = recipe.libc6Compat ? ["--libc6-compat"] : [];
  const subprocess = execa("bash", [script, ...flags, recipe.suite, tarball, cacheDir], {
    reject: false,
  });
  const stderr: string[] = [];
  subprocess.stderr?.on("data", (chunk: Buffer) => {
    stderr.push(chunk.toString());
    if (stderr.length > 2_000) stderr.splice(0, 1_000);
  });
  const stages = stageLog(image, log);
  for await (const line of subprocess.iterable({ from: "stdout" })) {
    const match = /^stage: (.*)/.exec(String(line));
    if (!match?.[1]) continue;
    // The scripts end with `stage: done TARBALL SIZE`: a result, not a stage of its own.
    const done = /^done \S+ (.*)$/.exec(match[1]);
    if (done) {
      stages.finish();
      log(`image ${image.environment.id}: rootfs tarball ready (${done[1]})`);
    } else {
      stages.start(match[1]);
    }
  }
  const result = await subprocess;
  if (result.exitCode !== 0) {
    rmSync(tarball, { force: true });
    throw new InfrastructureError(
      `building ${image.tag}: docker/offline/${recipe.rootfs}.sh ${[...flags, recipe.suite].join(" ")} failed with exit code ${result.exitCode}` +
        (stages.current ? ` during "${stages.current}"` : ""),
      tail(stderr.join(""), BUILD_LOG_TAIL_LINES),
    );
  }
  stages.finish();
  const importStarted = Date.now();
  try {
    const [repo, tag] = image.tag.split(":") as [string, string];
    const stream = await engineCall(`an import of ${image.tag}`, IMPORT_DEADLINE_MS, () =>
      docker.importImage(createReadStream(tarball), {
        repo,
        tag,
        changes: [...IMPORT_CHANGES, `LABEL musl-lab.recipe-hash=${image.recipeHash}`],
      }),
    );
    await followProgress<{ error?: string }>(
      docker,
      stream,
      `the import of ${image.tag}`,
      IMPORT_DEADLINE_MS,
      (error, events) => {
        const failed = error?.message ?? events.find((e) => e.error)?.error;
        return failed ? new InfrastructureError(`importing ${image.tag} failed: ${failed}`) : null;
      },
    );
  } finally {
    // The package cache stays (a rebuild then downloads nothing); the tarball is re-made from it.
    rmSync(tarball, { force: true });
  }
  log(`image ${image.environment.id}: import into Docker (${secondsSince(importStarted)})`);
}

/**
 * One progress line per finished stage with its elapsed time, so a long build is never a silent
 * minute and the slow stage is visible.
 */
function stageLog(image: ResolvedImage, log: Log) {
  let stage: { name: string; started: number } | null = null;
  return {
    get current(): string | null {
      return stage?.name ?? null;
    },
    start(name: string) {
      this.finish();
      log(`image ${image.environment.id}: ${name} …`);
      stage = { name, started: Date.now() };
    },
    finish() {
      if (stage)
        log(`image ${image.environment.id}: ${stage.name} done (${secondsSince(stage.started)})`);
      stage = null;
    },
  };
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** Sizes as `docker images` shows them: decimal units. */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000_000) return `${Math.round(bytes / 1_000)} kB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
