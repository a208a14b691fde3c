import type { z } from "zod";
import type { ScenarioSchema } from "../schema.js";
import { cases } from "./cases.js";
import { report } from "./report.js";
import { lesson } from "./lesson.js";

export const malloc = {
  id: "malloc",
  title: "malloc: realloc(p, 0), usable sizes and glibc's malloc extensions",
  summary: "malloc(0), realloc(p, 0), malloc_usable_size and mallinfo/malloc_trim per libc",
  description:
    "C leaves malloc(0) and realloc(p, 0) to the implementation (C23 made realloc(p, 0) " +
    "undefined). Both libcs give malloc(0) a unique pointer, but realloc(p, 0) frees and returns " +
    "NULL on glibc while musl shrinks the block in place and returns the same pointer. " +
    "malloc_usable_size exists on both and answers differently: glibc the chunk's capacity, " +
    "musl the size asked for. glibc's malloc_trim, mallinfo(2), malloc_stats, mallopt and " +
    "malloc_info do not exist on musl at all: code that calls them does not build there.",
  sources: {
    "c-standard-realloc": {
      title:
        "C17 7.22.3 and 7.22.3.5 (size 0 is implementation-defined); C23 N3096 7.24.3.7 (realloc with size 0 is undefined)",
      url: "https://www.open-std.org/jtc1/sc22/wg14/www/docs/n3096.pdf",
    },
    "glibc-manual-malloc": {
      title:
        "glibc manual, 'Memory Allocation' (realloc, malloc_usable_size, mallinfo2, malloc_trim)",
      url: "https://sourceware.org/glibc/manual/latest/html_node/Memory-Allocation.html",
    },
    "glibc-malloc-source": {
      title:
        "glibc malloc/malloc.c: REALLOC_ZERO_BYTES_FREES (realloc(p, 0) frees, returns NULL), chunk sizes (MINSIZE 32, 16-byte alignment)",
    },
    "musl-mallocng-source": {
      title:
        "musl src/malloc/mallocng/realloc.c (size 0 shrinks in place), malloc_usable_size.c (nominal size), free.c; include/malloc.h",
    },
    "musl-functional-differences": {
      title: "musl wiki, Functional differences from glibc",
      url: "https://wiki.musl-libc.org/functional-differences-from-glibc.html",
    },
    "gvm-libs-malloc-trim": {
      title:
        "greenbone/gvm-libs#284 (malloc_trim breaks the build on Alpine), fixed by #668 with #ifdef __GLIBC__",
      url: "https://github.com/greenbone/gvm-libs/pull/668",
    },
  },
  cases,
  report,
  lesson,
  checkHint: {
    imports: [
      "malloc_trim",
      "mallinfo",
      "mallinfo2",
      "malloc_stats",
      "mallopt",
      "malloc_usable_size",
    ],
    text: "it uses glibc's malloc extensions: musl has none of mallinfo, malloc_trim, malloc_stats or mallopt, and malloc_usable_size returns exactly the size asked for",
  },
} satisfies z.input<typeof ScenarioSchema>;
