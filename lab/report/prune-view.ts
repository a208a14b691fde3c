import { formatBytes } from "../runtime/images.js";
import type { PruneResult } from "../runtime/prune-images.js";

/** `npm run lab -- prune`'s answer: one line per image, then what was (or would be) freed. */
export function renderPruneResult(result: PruneResult): string {
  const lines: string[] = [];
  const verb = (done: string, planned: string) => (result.dryRun ? planned : done);
  const names = (tags: string[], imageId: string) =>
    tags.length > 0 ? tags.join(", ") : `untagged musl-lab image ${shortId(imageId)}`;
  for (const item of result.remove) {
    lines.push(
      `${verb("removed", "would remove")} ${names(item.tags, item.imageId)} (${formatBytes(item.bytes)})`,
    );
  }
  for (const item of result.untag) {
    lines.push(
      `${verb("untagged", "would untag")} ${item.tags.join(", ")} (its image stays: this checkout uses it under another tag)`,
    );
  }
  for (const item of result.inUse) {
    lines.push(
      `kept ${names(item.tags, item.imageId)}: used by container ${item.containers.join(", ")}`,
    );
  }
  for (const item of result.failed) {
    lines.push(`kept ${names(item.tags, item.imageId)}: the engine refused (${item.reason})`);
  }
  const count = result.remove.length;
  if (count === 0 && result.untag.length === 0) {
    lines.push(
      `nothing to prune: ${result.current.length} musl-lab image(s) on this engine, all used by this checkout` +
        (result.inUse.length + result.failed.length > 0 ? " or by a container" : ""),
    );
  } else {
    lines.push(
      result.dryRun
        ? `would free ${formatBytes(result.freedBytes)} (${count} image(s)); run \`npm run lab -- prune\` to remove them`
        : `freed ${formatBytes(result.freedBytes)} (${count} image(s)); kept this checkout's ${result.current.length} image(s)`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function shortId(imageId: string): string {
  return imageId.replace(/^sha256:/, "").slice(0, 12);
}
