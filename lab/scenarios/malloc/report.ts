import type { z } from "zod";
import type { ReportSpecSchema } from "../schema.js";
import { GLIBC_ONLY, USABLE_SIZES } from "./cases.js";

/** What the reports show beyond the case list: tables, claims, advice. */
export const report = {
  tables: [
    {
      title: "malloc(0) and realloc(p, 0)",
      rows: [
        { label: "malloc(0) is NULL", case: "malloc-zero", key: "malloc0.null" },
        { label: "two malloc(0) are distinct", case: "malloc-zero", key: "malloc0.distinct" },
        {
          label: "malloc_usable_size(malloc(0))",
          case: "malloc-zero",
          key: "malloc0.usable",
          unit: "bytes",
        },
        { label: "realloc(p, 0) is NULL", case: "realloc-zero", key: "realloc0.null" },
        {
          label: "realloc(p, 0) is p again",
          case: "realloc-zero",
          key: "realloc0.same_pointer",
        },
        { label: "realloc(NULL, 0) is NULL", case: "realloc-zero", key: "realloc_null0.null" },
      ],
    },
    {
      title: "malloc_usable_size(malloc(n)), bytes",
      rows: USABLE_SIZES.map((n) => ({
        label: `n = ${n}`,
        case: "usable-size",
        key: `usable.${n}`,
      })),
      note:
        "glibc answers with the chunk's capacity (16-byte steps, at least 24); musl with the " +
        "size asked for. Code that writes up to the usable size is correct on both, but sizes " +
        "it from glibc's slack at its peril.",
    },
    {
      title: "glibc's malloc extensions (dlsym at run time)",
      rows: [...GLIBC_ONLY, "malloc_usable_size"].map((name) => ({
        label: name,
        case: "glibc-malloc-api",
        key: `has.${name}`,
      })),
    },
  ],
  claims: [
    {
      claim: "malloc(0) returns NULL",
      case: "malloc-zero",
      key: "malloc0.null",
      holdsWhen: "yes",
    },
    {
      claim: "realloc(p, 0) frees p and returns NULL",
      case: "realloc-zero",
      key: "realloc0.null",
      holdsWhen: "yes",
    },
    {
      claim: "malloc_usable_size returns the size that was asked for",
      case: "usable-size",
      key: "usable.25",
      holdsWhen: "25",
      unit: "bytes for malloc(25)",
    },
    {
      claim: "malloc_trim exists wherever malloc.h does",
      case: "glibc-malloc-api",
      key: "has.malloc_trim",
      holdsWhen: "yes",
    },
  ],
  advice: [
    {
      text:
        "Never call realloc(p, 0): free(p) when you mean to free, and realloc to a size of at " +
        "least 1 otherwise. Its result means 'freed' on glibc and 'still allocated' on musl, " +
        "and C23 made it undefined.",
      measured: { case: "realloc-zero", key: "realloc0.null" },
    },
    {
      text:
        "Guard glibc's malloc extensions with #ifdef __GLIBC__ (or a configure check for " +
        "malloc_trim), not #ifdef __linux__: musl is Linux too, and has none of them.",
      evidence: "portable-fix",
    },
    {
      text:
        "Do not size buffers from malloc_usable_size: ask for what you need. On musl it gives " +
        "no slack at all.",
      measured: { case: "usable-size", key: "usable.25", unit: "bytes for malloc(25)" },
    },
  ],
} satisfies z.input<typeof ReportSpecSchema>;
