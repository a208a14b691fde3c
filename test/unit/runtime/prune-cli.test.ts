import { afterEach, expect, test } from "vitest";
import { currentImageTags } from "../../../lab/runtime/prune-images.js";
import { labStderr, runCli } from "../../cli-runner.js";
import { answerInfo, json, startFakeEngine, type FakeEngine } from "../../fake-engine.js";

/**
 * `npm run lab -- prune` against a fake engine (the shared one holds other checkouts' images that
 * a test must never remove): one image of this checkout, one of an older recipe, one a container
 * uses, and someone else's.
 */
let engine: FakeEngine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

async function engineWithImages() {
  const [mine] = [...(await currentImageTags())].filter((tag) => tag.startsWith("musl-lab/glibc:"));
  const images = [
    { Id: "sha256:mine", RepoTags: [mine], Size: 382_000_000, Labels: {} },
    { Id: "sha256:old", RepoTags: ["musl-lab/glibc:offline-0123456789ab"], Size: 390_500_000 },
    { Id: "sha256:busy", RepoTags: ["musl-lab/musl:offline-0123456789ab"], Size: 2_800_000 },
    { Id: "sha256:other", RepoTags: ["ubuntu:24.04"], Size: 78_000_000 },
  ];
  const deleted: string[] = [];
  engine = await startFakeEngine((req, res) => {
    const url = new URL(req.url ?? "/", "http://engine");
    const path = url.pathname.replace(/^\/v[\d.]+/, "");
    if (path === "/info") return answerInfo(res);
    if (req.method === "GET" && path === "/images/json") return json(res, 200, images);
    if (req.method === "GET" && path === "/containers/json") {
      return json(res, 200, [{ Id: "c1", ImageID: "sha256:busy", Names: ["/a-lab-run"] }]);
    }
    if (req.method === "DELETE" && path.startsWith("/images/")) {
      const name = decodeURIComponent(path.slice("/images/".length));
      deleted.push(name);
      return json(res, 200, [{ Untagged: name }, { Deleted: "sha256:old" }]);
    }
    return json(res, 404, { message: `fake engine: no ${req.method} ${path}` });
  });
  return { mine: mine!, deleted, dockerHost: engine.dockerHost };
}

test("prune --dry-run says what would go and how much it frees, and removes nothing", async () => {
  const { deleted, dockerHost } = await engineWithImages();
  const result = await runCli(["prune", "--dry-run"], { DOCKER_HOST: dockerHost });
  expect(labStderr(String(result.stderr))).toBe("");
  expect(result.exitCode).toBe(0);
  expect(String(result.stdout)).toBe(
    [
      "would remove musl-lab/glibc:offline-0123456789ab (390.5 MB)",
      "kept musl-lab/musl:offline-0123456789ab: used by container a-lab-run",
      "would free 390.5 MB (1 image(s)); run `npm run lab -- prune` to remove them",
    ].join("\n"),
  );
  expect(deleted).toEqual([]);
}, 60_000);

test("prune removes only the image no recipe of this checkout uses and says what it freed", async () => {
  const { deleted, dockerHost } = await engineWithImages();
  const result = await runCli(["prune"], { DOCKER_HOST: dockerHost });
  expect(result.exitCode).toBe(0);
  expect(String(result.stdout)).toBe(
    [
      "removed musl-lab/glibc:offline-0123456789ab (390.5 MB)",
      "kept musl-lab/musl:offline-0123456789ab: used by container a-lab-run",
      "freed 390.5 MB (1 image(s)); kept this checkout's 1 image(s)",
    ].join("\n"),
  );
  expect(deleted).toEqual(["musl-lab/glibc:offline-0123456789ab"]);
}, 60_000);

test("prune takes no names", async () => {
  const result = await runCli(["prune", "glibc"]);
  expect(result.exitCode).toBe(2);
  expect(labStderr(String(result.stderr))).toBe(
    'musl-lab: prune takes no names (got "glibc"): npm run lab -- prune [--dry-run]',
  );
}, 60_000);
