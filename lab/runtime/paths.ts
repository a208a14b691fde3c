import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, found from this file so the lab works from any current directory. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
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
