import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeFolders } from "../make-folders.js";
import { labCacheDir } from "../runtime/paths.js";
import {
  CONTENTS_FORMAT,
  loadContents,
  storeContents,
  type ImageContents,
} from "./image-contents.js";

/**
 * The index of an image is a function of its bytes, so it is kept by image id: reading a 380 MB
 * image takes seconds, its index a few milliseconds. A new image (a changed recipe) has a new id.
 */
export class ContentsCache {
  private readonly dir = join(labCacheDir(), "image-contents");

  get(imageId: string): ImageContents | null {
    try {
      return loadContents(JSON.parse(readFileSync(this.file(imageId), "utf8")));
    } catch {
      // Missing, half-written by a crashed run of an older version, unreadable: rebuilt.
      return null;
    }
  }

  /** Whole or not at all (temporary file + rename); a failure to store only costs the next run time. */
  put(imageId: string, contents: ImageContents): void {
    const target = this.file(imageId);
    const temporary = `${target}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      makeFolders(this.dir);
      writeFileSync(temporary, JSON.stringify(storeContents(contents)));
      renameSync(temporary, target);
    } catch {
      rmSync(temporary, { force: true });
    }
  }

  private file(imageId: string): string {
    // The index format is in the name: a reader that learns more starts a new index.
    return join(this.dir, `${imageId.replace(/[^\w.-]/g, "_")}.v${CONTENTS_FORMAT}.json`);
  }
}
