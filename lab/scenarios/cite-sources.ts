import type { Source } from "./schema.js";

/**
 * A scenario's sources as reports and lessons print them (`title: url`), in the order the
 * scenario declares them, or only those `keys` name (a lesson point's citations).
 */
export function citeSources(sources: Record<string, Source>, keys?: string[]): string[] {
  return (keys ?? Object.keys(sources)).flatMap((key) => {
    const source = sources[key];
    if (!source) return [];
    return [source.url ? `${source.title}: ${source.url}` : source.title];
  });
}
