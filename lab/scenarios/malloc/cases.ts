import type { z } from "zod";
import type { CaseSchema } from "../schema.js";

const PROBE = { probe: "malloc.c", for: "native", link: "dynamic" } as const;

/** The sizes the probe asks malloc_usable_size about, in the order it prints them. */
export const USABLE_SIZES = [0, 1, 8, 24, 25, 100, 1000, 4096, 100_000] as const;

/**
 * glibc's answers (2.36 and 2.41 alike): the chunk minus its 8-byte header, chunks in 16-byte
 * steps from 32 bytes; large blocks are mmapped pages.
 */
const GLIBC_USABLE: Record<(typeof USABLE_SIZES)[number], string> = {
  0: "24",
  1: "24",
  8: "24",
  24: "24",
  25: "40",
  100: "104",
  1000: "1000",
  4096: "4104",
  100_000: "100008",
};

/** The glibc-only malloc functions the probe looks up with dlsym(RTLD_DEFAULT, name). */
export const GLIBC_ONLY = [
  "mallinfo",
  "mallinfo2",
  "malloc_trim",
  "malloc_stats",
  "mallopt",
  "malloc_info",
] as const;

const everywhere = (value: string) =>
  Object.fromEntries(GLIBC_ONLY.map((name) => [`has.${name}`, value]));

/** The cases of malloc, in the order they run and the reports show them. */
export const cases: z.input<typeof CaseSchema>[] = [
  {
    id: "malloc-zero",
    title: "malloc(0) twice: NULL or a unique pointer, and its usable size",
    role: "demonstration",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["zero"] },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { "malloc0.null": "no", "malloc0.distinct": "yes", "malloc0.usable": "24" },
        because:
          "glibc gives malloc(0) the smallest chunk (32 bytes, 24 of them usable): a unique, " +
          "non-NULL pointer that may even be written to.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { "malloc0.null": "no", "malloc0.distinct": "yes", "malloc0.usable": "0" },
        because:
          "musl's mallocng also returns a unique non-NULL pointer for malloc(0), but it " +
          "remembers the size asked for: malloc_usable_size says 0.",
      },
    ],
  },
  {
    id: "realloc-zero",
    title: "realloc(p, 0) of a 16-byte block: freed, or still a block?",
    role: "demonstration",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["realloc0"], alsoOn: ["musl-1.2.3", "glibc-2.36"] },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: {
          "realloc0.null": "yes",
          "realloc0.errno": "0",
          "realloc_null0.null": "no",
        },
        because:
          "glibc frees the block and returns NULL, without setting errno " +
          "(malloc/malloc.c, REALLOC_ZERO_BYTES_FREES). realloc(NULL, 0) is malloc(0): a pointer.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: {
          "realloc0.null": "no",
          "realloc0.same_pointer": "yes",
          "realloc0.usable": "0",
          "realloc_null0.null": "no",
        },
        because:
          "musl's mallocng treats 0 as a size like any other (src/malloc/mallocng/realloc.c): " +
          "the small block is shrunk in place and the same pointer comes back, still allocated. " +
          "Code that takes NULL to mean 'freed' leaks it; code that frees it again on glibc " +
          "double-frees. Measured alike on musl 1.2.3 and 1.2.5.",
      },
    ],
  },
  {
    id: "usable-size",
    title: "malloc_usable_size(malloc(n)) for n from 0 to 100000",
    role: "demonstration",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["usable"] },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: Object.fromEntries(USABLE_SIZES.map((n) => [`usable.${n}`, GLIBC_USABLE[n]])),
        because:
          "glibc reports the chunk's real capacity: requests are rounded up to 16-byte chunks " +
          "(24 usable bytes at least), so 25 bytes give 40 and 4096 give 4104.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: Object.fromEntries(USABLE_SIZES.map((n) => [`usable.${n}`, String(n)])),
        because:
          "musl's malloc_usable_size returns the nominal size, the one asked for " +
          "(src/malloc/mallocng/malloc_usable_size.c): the slack of the slot is not offered.",
      },
    ],
  },
  {
    id: "glibc-malloc-api",
    title: "mallinfo, mallinfo2, malloc_trim, malloc_stats, mallopt, malloc_info: present?",
    role: "diagnosis",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["glibc-api"], alsoOn: ["musl-1.2.3", "glibc-2.36"] },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { ...everywhere("yes"), "has.malloc_usable_size": "yes" },
        because:
          "These are ptmalloc's introspection and tuning calls, part of glibc (mallinfo2 since " +
          "2.33, so 2.36 has it too).",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { ...everywhere("no"), "has.malloc_usable_size": "yes" },
        because:
          "musl has none of them: its <malloc.h> declares only malloc_usable_size besides the " +
          "standard functions. A program calling malloc_trim does not even build on musl (gcc " +
          "14: \"error: implicit declaration of function 'malloc_trim'\"), which is why this " +
          "probe asks dlsym at run time instead.",
      },
    ],
  },
  {
    id: "portable-fix",
    title: "The fix: realloc through a size-0 wrapper, malloc_trim under #ifdef __GLIBC__",
    role: "fix",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["portable"] },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { "realloc0.null": "yes", "grow_from_null.null": "no", trim: "called" },
        because:
          "The wrapper frees and returns NULL for size 0 itself, so realloc(p, 0) never reaches " +
          "the libc; on glibc the guarded malloc_trim is compiled in and called.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: {
          "realloc0.null": "yes",
          "grow_from_null.null": "no",
          trim: "not-compiled",
        },
        because:
          "The same source builds on musl (the #ifdef drops malloc_trim, as gvm-libs#668 did) " +
          "and the wrapper gives realloc(p, 0) glibc's meaning: freed, NULL.",
      },
    ],
    note:
      "musl has no malloc_trim to call: mallocng unmaps a group of slots once all of them are " +
      "free (src/malloc/mallocng/free.c). Dropping the call changes what the code does, not " +
      "its results (memory use was not measured here).",
  },
];
