import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";

/**
 * A new folder in the system temp directory (`<tmpdir>/<prefix>XXXXXX`), removed with all it holds
 * when the test that made it ends, passed or failed: unit runs leave nothing behind in /tmp. Call
 * it inside a test.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
