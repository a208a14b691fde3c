import type { z } from "zod";
import type { ScenarioSchema } from "../schema.js";
import { cases } from "./cases.js";
import { lesson } from "./lesson.js";
import { report } from "./report.js";

export const qsort = {
  id: "qsort",
  title: "qsort: equal keys keep their order on glibc, not on musl",
  summary: "qsort stability on equal keys: glibc's merge sort vs musl's smoothsort, and the fix",
  description:
    "Neither C nor POSIX promises that qsort keeps elements with equal keys in input order. " +
    "glibc's qsort is a merge sort and keeps it anyway (glibc 2.36 and 2.41 alike); musl's is " +
    "smoothsort, which does not. A program that sorts by one key and prints the result prints " +
    "another list on Alpine. Small arrays hide it: for this input musl keeps the order up to 8 " +
    "records and breaks it from 9.",
  sources: {
    "c11-qsort": {
      title:
        "C11 7.22.5.2 / POSIX qsort(): 'If two elements compare as equal, their order in the resulting sorted array is unspecified'",
      url: "https://pubs.opengroup.org/onlinepubs/9799919799/functions/qsort.html",
    },
    "musl-qsort": {
      title: "musl src/stdlib/qsort.c: smoothsort (Valentin Ochs), not stable",
    },
    "glibc-msort": {
      title:
        "glibc stdlib/msort.c (2.36) and stdlib/qsort.c (2.41): merge sort with a temporary buffer; an unstable fallback only when the buffer cannot be had",
    },
    "glibc-introsort-revert": {
      title:
        "glibc commit 709fbd3ec359, 'stdlib: Reinstate stable mergesort implementation on qsort' (2024-01-15), undoing the introsort of 274a46c9b25a (2023-10-31) before glibc 2.39 because programs expect stability",
      url: "https://sourceware.org/git/?p=glibc.git;a=commit;h=709fbd3ec3595f2d1076b4fec09a739327459288",
    },
    "gmt-stable-sort": {
      title:
        "GenericMappingTools/gmt#956: nearest-neighbour results differed between macOS and Linux because qsort is not stable",
      url: "https://github.com/GenericMappingTools/gmt/pull/956",
    },
    "zstd-stable-sort": {
      title: "facebook/zstd#1100: 'zstd requires a stable sort' (qsort unstable on OpenBSD)",
      url: "https://github.com/facebook/zstd/pull/1100",
    },
  },
  cases,
  report,
  lesson,
  checkHint: {
    imports: ["qsort"],
    text: "it sorts with qsort: equal keys keep their input order on glibc but not on musl; output that depends on it differs",
  },
} satisfies z.input<typeof ScenarioSchema>;
