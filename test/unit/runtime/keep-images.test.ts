import { PassThrough } from "node:stream";
import { expect, test } from "vitest";
import { ENVIRONMENTS } from "../../../lab/environments/index.js";
import type { Environment } from "../../../lab/environments/schema.js";
import type { DockerClient } from "../../../lab/runtime/docker-client.js";
import { ensureImage, resolveImage, type ResolvedImage } from "../../../lab/runtime/images.js";
import { planPrune } from "../../../lab/runtime/prune-images.js";

const OTHER_CHECKOUT = "musl-lab/glibc:registry-000000000000";

/**
 * Just enough of dockerode for one Dockerfile build: an engine holding another checkout's image
 * of the same environment and mode. `progress: false` is an engine that goes silent mid-build.
 */
function fakeEngine(image: ResolvedImage, progress = true) {
  const removed: string[] = [];
  let built = false;
  const docker = {
    getImage: (name: string) => ({
      inspect: async () => {
        if (name === image.tag && built) return { Id: "sha256:new" };
        throw Object.assign(new Error(`no such image: ${name}`), { statusCode: 404 });
      },
      remove: async () => {
        removed.push(name);
        return [];
      },
    }),
    listImages: async () => [
      { Id: "sha256:old", RepoTags: [OTHER_CHECKOUT], Size: 400_000_000, Labels: {} },
      ...(built ? [{ Id: "sha256:new", RepoTags: [image.tag], Size: 1, Labels: {} }] : []),
    ],
    buildImage: async () => new PassThrough(),
    modem: {
      followProgress: (
        _stream: unknown,
        onFinished: (error: Error | null, events: unknown[]) => void,
        onProgress: (event: { stream?: string }) => void,
      ) => {
        if (!progress) return;
        onProgress({ stream: "Step 1/1 : FROM ubuntu:24.04\n" });
        built = true;
        onFinished(null, []);
      },
    },
  };
  return { docker: docker as unknown as DockerClient, removed };
}

async function registryGlibc(): Promise<ResolvedImage> {
  const glibc = ENVIRONMENTS.get("glibc") as Environment;
  return (await resolveImage(glibc, "registry", async () => true)) as ResolvedImage;
}

test("a build for a changed recipe keeps the image another checkout may still use, and says so", async () => {
  const image = await registryGlibc();
  const { docker, removed } = fakeEngine(image);
  const lines: string[] = [];
  const result = await ensureImage(docker, image, (line) => lines.push(line));
  expect(result).toEqual({ built: true, imageId: "sha256:new" });
  expect(removed).toEqual([]);
  expect(lines).toContain(
    "image glibc: 1 older musl-lab/glibc image(s) kept (400.0 MB); `npm run lab -- prune` removes the images this checkout does not use",
  );
});

test("a build whose engine goes silent ends with one line once nothing came for the silence deadline", async () => {
  const image = await registryGlibc();
  const { docker } = fakeEngine(image, false);
  await expect(
    ensureImage(docker, image, () => undefined, { buildSilenceMs: 300 }),
  ).rejects.toThrow(
    /^the Docker engine at \S+ sent nothing for 0\.3 s during the build of musl-lab\/glibc:registry-[0-9a-f]{12}$/,
  );
});

test("prune removes images of no current recipe, untags stale tags of a kept image, and never touches one a container uses", () => {
  const current = new Set([
    "musl-lab/glibc:offline-aaaaaaaaaaaa",
    "musl-lab/musl:offline-bbbbbbbbbbbb",
  ]);
  const plan = planPrune(
    [
      { Id: "sha256:cur", RepoTags: ["musl-lab/glibc:offline-aaaaaaaaaaaa"], Size: 380e6 },
      { Id: "sha256:old", RepoTags: ["musl-lab/glibc:offline-111111111111"], Size: 390e6 },
      {
        Id: "sha256:both",
        RepoTags: ["musl-lab/musl:offline-bbbbbbbbbbbb", "musl-lab/musl:offline-222222222222"],
        Size: 3e6,
      },
      { Id: "sha256:busy", RepoTags: ["musl-lab/musl:offline-333333333333"], Size: 3e6 },
      { Id: "sha256:dangling", RepoTags: [], Labels: { "musl-lab.recipe-hash": "x" }, Size: 5e6 },
      { Id: "sha256:theirs", RepoTags: ["ubuntu:24.04"], Size: 80e6 },
      { Id: "sha256:untagged-other", RepoTags: ["<none>:<none>"], Labels: null, Size: 1e6 },
    ],
    [{ Id: "c1", ImageID: "sha256:busy", Names: ["/musl-lab-run"] }],
    current,
  );
  expect(plan).toEqual({
    remove: [
      { tags: ["musl-lab/glibc:offline-111111111111"], imageId: "sha256:old", bytes: 390e6 },
      { tags: [], imageId: "sha256:dangling", bytes: 5e6 },
    ],
    untag: [{ tags: ["musl-lab/musl:offline-222222222222"], imageId: "sha256:both", bytes: 0 }],
    inUse: [
      {
        tags: ["musl-lab/musl:offline-333333333333"],
        imageId: "sha256:busy",
        bytes: 3e6,
        containers: ["musl-lab-run"],
      },
    ],
    current: ["musl-lab/glibc:offline-aaaaaaaaaaaa", "musl-lab/musl:offline-bbbbbbbbbbbb"],
  });
});
