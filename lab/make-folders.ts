import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * `mkdir -p` that cannot spin: Node's own `mkdirSync(path, { recursive: true })` loops forever, in
 * native code and deaf to every signal but SIGKILL, where mkdir answers ENOENT although the parent
 * exists, as it does anywhere under /proc (`--output-dir /proc/x`, `LAB_CACHE_DIR=/proc/x`). Here
 * each missing folder is made once, top down, and the first refusal is thrown as it came (with its
 * `code`: ENOENT, EACCES, EROFS, ENOTDIR…).
 */
export function makeFolders(path: string): void {
  const missing: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    // Follows links: a link to a folder is a folder, a dangling one is missing (mkdir then says so).
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (stat?.isDirectory()) break;
    if (stat) {
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), {
        code: "ENOTDIR",
        path: dir,
      });
    }
    missing.push(dir);
    if (dirname(dir) === dir) break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (error) {
      // Made meanwhile by another lab: what was wanted is there.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || !statSync(folder).isDirectory()) {
        throw error;
      }
    }
  }
}
