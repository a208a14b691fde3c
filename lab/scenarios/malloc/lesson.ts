import type { z } from "zod";
import type { LessonSchema } from "../schema.js";

/** What `explain` teaches; each point cites the scenario's sources by key. */
export const lesson = {
  concept: [
    "malloc, calloc, realloc and free are the C standard's allocator: the standard fixes what " +
      "they promise, the C library decides how. glibc's allocator is ptmalloc (arenas of " +
      "chunks with a size header); musl's, since 1.2.1, is mallocng (groups of equal slots with " +
      "out-of-band metadata).",
    "The corner cases are left to the implementation: malloc(0) may return NULL or a unique " +
      "pointer, and realloc(p, 0) was implementation-defined until C23 made it undefined. " +
      "Beyond the standard, each allocator has its own extras: malloc_usable_size on both, and " +
      "on glibc a whole family for statistics and tuning (mallinfo, mallinfo2, malloc_stats, " +
      "malloc_info, mallopt, malloc_trim).",
  ],
  whyTheyDiffer: [
    {
      text:
        "realloc(p, 0): glibc frees the block and returns NULL (REALLOC_ZERO_BYTES_FREES); musl " +
        "treats 0 as a size like any other: a small block is shrunk in place and the same pointer comes back, still allocated. Both are " +
        "allowed by C17, and C23 gave up on the call altogether.",
      sources: ["c-standard-realloc", "glibc-malloc-source", "musl-mallocng-source"],
    },
    {
      text:
        "malloc_usable_size: glibc reports the chunk's real capacity (rounded up to 16 bytes, " +
        "24 at least), musl the nominal size that was asked for, so musl never invites a program " +
        "to write into slack.",
      sources: ["glibc-manual-malloc", "musl-mallocng-source"],
    },
    {
      text:
        "mallinfo, malloc_trim and the rest describe and tune ptmalloc's arenas; mallocng has " +
        "no arenas to describe and returns free groups itself, so musl does not provide them. " +
        'A call to one is a build failure on musl: gcc 14 says "error: implicit declaration ' +
        "of function 'malloc_trim' [-Wimplicit-function-declaration]\"; gcc 12 only warns and " +
        'the link fails with "undefined reference to `malloc_trim\'" (measured with musl-gcc ' +
        "on Debian trixie and bookworm).",
      sources: ["musl-functional-differences", "musl-mallocng-source", "gvm-libs-malloc-trim"],
    },
  ],
  diagnose: [
    {
      tool: "the compiler",
      command: "musl-gcc -Wall -c file.c",
      shows:
        "An implicit declaration of malloc_trim (or mallinfo, mallopt, ...) names every " +
        "glibc-only allocator call; on Alpine, `gcc` is musl's already.",
    },
    {
      tool: "grep",
      command: "grep -rnE 'realloc\\([^,]+, *0\\)|malloc_(trim|stats|info)|mallinfo|mallopt' src/",
      shows:
        "Calls whose meaning depends on the libc: realloc to size 0 (a literal one; a computed " +
        "size needs reading the code) and the glibc extensions.",
    },
    {
      tool: "nm",
      command: "nm -D --undefined-only ./prog | grep -E 'malloc_trim|mallinfo|mallopt'",
      shows: "Which glibc-only allocator symbols a glibc-built binary needs.",
    },
    {
      tool: "a tiny probe",
      command: "npm run lab -- malloc",
      shows: "What malloc(0), realloc(p, 0) and malloc_usable_size answer per libc, side by side.",
    },
  ],
  fixes: [
    {
      fix: "Never realloc to size 0",
      how:
        "Call free(p) and set p = NULL yourself, or route every realloc through a wrapper that " +
        "does that for size 0.",
      whenToChoose: "Always: it is the only spelling with one meaning on every libc and under C23.",
      provenBy: "portable-fix",
    },
    {
      fix: "Guard glibc's extensions",
      how:
        "#ifdef __GLIBC__ around malloc_trim/mallinfo2/mallopt (and their #include <malloc.h>), " +
        "or a configure check (AC_CHECK_FUNCS([malloc_trim])) and #ifdef HAVE_MALLOC_TRIM.",
      whenToChoose:
        "When the call is an optimisation (returning memory, tuning) that musl does not need; " +
        "a configure check also covers other libcs that have it.",
      provenBy: "portable-fix",
    },
    {
      fix: "Bring your own allocator",
      how: "Link jemalloc or mimalloc, which carry their own statistics and trim calls.",
      whenToChoose:
        "When the program really depends on allocator statistics or tuning on every libc; " +
        "it adds a dependency and changes memory behaviour.",
    },
  ],
  questions: [
    "realloc(p, 0) returned a non-NULL pointer on Alpine. Is p freed? What happens if the code " +
      "then frees it, and what if it does not?",
    "Why does malloc_usable_size(malloc(25)) give 40 on glibc and 25 on musl, and why should a " +
      "program not care?",
    "A project guards malloc_trim with #ifdef __linux__ and fails to build on Alpine. Which " +
      "guard is right, and why does musl not need the call?",
  ],
} satisfies z.input<typeof LessonSchema>;
