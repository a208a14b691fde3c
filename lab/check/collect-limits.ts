/**
 * The bounds of one collection. Every number a file or an archive could push up (its size, its
 * entry count, what it expands to) has a limit here, so no input the user points `check` at can
 * make the lab read without end or hold more than one ELF file in memory.
 */
export interface CollectLimits {
  /** An ELF file larger than this is skipped with the reason and never read whole. */
  maxElfBytes: number;
  /** Entries (of any type) one archive may have before the walk stops: a tar or zip bomb. */
  maxArchiveEntries: number;
  /** Uncompressed bytes one archive may expand to before the walk stops: a gzip or zip bomb. */
  maxArchiveBytes: number;
}

/**
 * 256 MiB: the largest shared libraries people ship (libxul, CUDA's, a static Go binary with
 * debug info) stay well below; a larger "ELF" is a core dump or a disk image in disguise.
 */
export const MAX_ELF_BYTES = 256 * 1024 * 1024;
/** npm packages and wheels hold hundreds to a few thousand files; 100,000 is a bomb. */
export const MAX_ARCHIVE_ENTRIES = 100_000;
/** 4 GiB: the largest wheels (torch with CUDA) expand to about 2.5 GiB. */
export const MAX_ARCHIVE_BYTES = 4 * 1024 * 1024 * 1024;

/** The limits for files and archives a user names (`check PATH...`). */
export const DEFAULT_LIMITS: CollectLimits = {
  maxElfBytes: MAX_ELF_BYTES,
  maxArchiveEntries: MAX_ARCHIVE_ENTRIES,
  maxArchiveBytes: MAX_ARCHIVE_BYTES,
};

/**
 * An image's filesystem is one tar from the local engine, not a download: a Debian image with
 * build tools has ~30,000 entries, large CUDA or desktop images a few hundred thousand and
 * 10-20 GiB. The bounds are there so a corrupt stream still ends, not to refuse big images.
 */
export const MAX_IMAGE_ENTRIES = 2_000_000;
/** 64 GiB of files in one image. */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024 * 1024;

/** The limits for `check --image IMAGE` and for the lab reading its own images. */
export const IMAGE_LIMITS: CollectLimits = {
  maxElfBytes: MAX_ELF_BYTES,
  maxArchiveEntries: MAX_IMAGE_ENTRIES,
  maxArchiveBytes: MAX_IMAGE_BYTES,
};

/** `256 MiB`, `4 GiB`, `1000 bytes`: a limit as the one-line messages name it. */
export function describeBytes(bytes: number): string {
  const units: [number, string][] = [
    [1024 ** 3, "GiB"],
    [1024 ** 2, "MiB"],
    [1024, "KiB"],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}
