import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { labCacheDir, REPO_ROOT } from "../../../lab/runtime/paths.js";

describe("labCacheDir", () => {
  test("LAB_CACHE_DIR wins; an absolute XDG_CACHE_HOME next; then ~/.cache", () => {
    expect(labCacheDir({ LAB_CACHE_DIR: "/srv/cache", HOME: "/tmp" })).toBe("/srv/cache");
    expect(labCacheDir({ XDG_CACHE_HOME: "/var/xdg", HOME: "/tmp" })).toBe("/var/xdg/musl-lab");
    expect(labCacheDir({ HOME: "/tmp" })).toBe("/tmp/.cache/musl-lab");
  });

  test("a HOME that does not exist is never created: the lab's own .cache/ takes the cache", () => {
    expect(labCacheDir({ HOME: "/nonexistent" })).toBe(join(REPO_ROOT, ".cache", "musl-lab"));
  });

  test("a relative XDG_CACHE_HOME is ignored, as the XDG specification says", () => {
    expect(labCacheDir({ XDG_CACHE_HOME: "rel/cache", HOME: "/tmp" })).toBe("/tmp/.cache/musl-lab");
  });
});
