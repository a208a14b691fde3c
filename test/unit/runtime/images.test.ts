import { describe, expect, test } from "vitest";
import { ENVIRONMENTS } from "../../../lab/environments/index.js";
import type { Environment } from "../../../lab/environments/schema.js";
import {
  builderFor,
  hashRecipe,
  resolveImage,
  type ResolvedImage,
} from "../../../lab/runtime/images.js";

const env = (id: string) => ENVIRONMENTS.get(id) as Environment;
const present =
  (...names: string[]) =>
  async (name: string) =>
    names.includes(name);

describe("resolveImage", () => {
  test("auto picks the registry recipe only when its base images are already local", async () => {
    expect((await resolveImage(env("glibc"), "auto", present("ubuntu:24.04"))).mode).toBe(
      "registry",
    );
    expect((await resolveImage(env("glibc"), "auto", present())).mode).toBe("offline");
    expect((await resolveImage(env("musl"), "auto", present("ubuntu:24.04"))).mode).toBe("offline");
  });

  test("images are tagged by environment, mode and a hash of the recipe", async () => {
    const image = (await resolveImage(env("musl"), "offline", present())) as ResolvedImage;
    expect(image.tag).toMatch(/^musl-lab\/musl:offline-[0-9a-f]{12}$/);
    expect(image.tag.endsWith(image.recipeHash.slice(0, 12))).toBe(true);
    const again = (await resolveImage(env("musl"), "offline", present())) as ResolvedImage;
    expect(again.tag).toBe(image.tag);
  });

  test("the hash changes with the recipe, the suite and the Debian mirror", () => {
    const musl = env("musl");
    const recipe = musl.recipes.offline as Extract<
      Environment["recipes"]["offline"],
      { suite: string }
    >;
    const base = hashRecipe(musl, "offline", recipe);
    expect(hashRecipe(musl, "offline", { ...recipe, suite: "bookworm" })).not.toBe(base);
    process.env["LAB_DEBIAN_MIRROR"] = "http://127.0.0.1:9/debian";
    try {
      expect(hashRecipe(musl, "offline", recipe)).not.toBe(base);
    } finally {
      delete process.env["LAB_DEBIAN_MIRROR"];
    }
    expect(hashRecipe(musl, "offline", recipe)).toBe(base);
  });

  test("musl-compat is the musl runtime recipe plus the libc6-compat links: its own tag", async () => {
    const musl = (await resolveImage(env("musl"), "offline", present())) as ResolvedImage;
    const compat = (await resolveImage(env("musl-compat"), "offline", present())) as ResolvedImage;
    expect(compat.tag).toMatch(/^musl-lab\/musl-compat:offline-[0-9a-f]{12}$/);
    expect(compat.recipe).toMatchObject({ rootfs: "musl-rootfs", libc6Compat: true });
    expect(compat.recipeHash).not.toBe(musl.recipeHash);
    expect(builderFor(compat)).toMatchObject({ environment: { id: "glibc" }, mode: "offline" });
  });

  test("gcompat has no offline recipe: it resolves to the reason", async () => {
    const resolution = await resolveImage(env("musl-gcompat"), "offline", present());
    expect(resolution).toMatchObject({
      unavailable: expect.stringMatching(/gcompat is an Alpine package/),
    });
  });

  test("offline musl compiles in the offline glibc of its suite; Alpine compiles natively", async () => {
    const offline = (await resolveImage(env("musl-1.2.3"), "offline", present())) as ResolvedImage;
    expect(builderFor(offline)).toMatchObject({
      environment: { id: "glibc-2.36" },
      mode: "offline",
    });
    const alpine = (await resolveImage(env("musl"), "registry", present())) as ResolvedImage;
    expect(builderFor(alpine)).toMatchObject({ environment: { id: "musl" }, mode: "registry" });
  });
});
