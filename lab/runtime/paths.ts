import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository root: the nearest folder above this module whose package.json is musl-lab's.
 * Searched, not computed, because `npm run lab` runs a bundle from .cache/lab/ while tests run
 * the sources where they are.
 */
export const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && /"name":\s*"musl-lab"/.test(readFileSync(manifest, "utf8"))) {
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`musl-lab's package.json not found above ${start}`);
  }
}
export const C_SRC_DIR = join(REPO_ROOT, "c-src");
export const DOCKER_DIR = join(REPO_ROOT, "docker");

/**
 * Downloaded packages, rootfs tarballs and the dockerd log live outside the repository so a fresh
 * clone and `git clean` never lose them, and nothing generated is ever committed by accident.
 */
export function labCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env["LAB_CACHE_DIR"]) return resolve(env["LAB_CACHE_DIR"]);
  const xdg = env["XDG_CACHE_HOME"];
  return join(xdg ? xdg : join(homedir(), ".cache"), "musl-lab");
}
