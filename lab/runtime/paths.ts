import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
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
 * Where HOME is no existing folder (`HOME=/nonexistent`, as services and CI users often have),
 * nothing is made there, least of all as root: the cache goes to the lab's own git-ignored
 * .cache/ folder, beside the bundled CLI. XDG_CACHE_HOME counts only when absolute, as the XDG
 * Base Directory specification says.
 */
export function labCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env["LAB_CACHE_DIR"]) return resolve(env["LAB_CACHE_DIR"]);
  const xdg = env["XDG_CACHE_HOME"];
  if (xdg && isAbsolute(xdg)) return join(xdg, "musl-lab");
  const home = env["HOME"] || homedir();
  return isFolder(home) ? join(home, ".cache", "musl-lab") : join(REPO_ROOT, ".cache", "musl-lab");
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
