import type { z } from "zod";
import type { CaseSchema } from "../schema.js";

/** Array sizes of every sweep: around musl's 128 KiB default and well past it. */
const SWEEP = { values: [64, 128, 256, 512, 1024], unit: "KiB" };
/** Fix 1 and fix 2 give threads this much: enough for the largest size of the sweep. */
const FIX_STACK_KIB = 2048;
/** A small `ulimit -s` that makes glibc's default thread stack smaller than the sweep's top. */
const SMALL_ULIMIT_KIB = 256;
/** musl's default is 128 KiB; the reported size adds TLS and the thread's own structures. */
const MUSL_DEFAULT_KIB = { min: 128, max: 140 };

const SURVIVED = "^survived=yes$";

/**
 * The default sweep on glibc under a small `ulimit -s`: what fits in RLIMIT_STACK survives, the
 * rest crashes, and the thread's stack is RLIMIT_STACK whatever the binary asked for.
 */
function underSmallUlimit(whyItCrashes: string) {
  return {
    check: {
      kind: "run" as const,
      on: "glibc" as const,
      args: ["{value}", "default"],
      limits: { stackKib: SMALL_ULIMIT_KIB },
    },
    sweep: SWEEP,
    expect: [
      {
        when: { value: { max: SMALL_ULIMIT_KIB - 1 } },
        result: "success" as const,
        stdout: [SURVIVED],
        measurements: { stack_kib: { sameAs: "rlimit_stack_kib" } },
        because: `Fits in the ${SMALL_ULIMIT_KIB} KiB that RLIMIT_STACK gives each thread.`,
      },
      { result: "failure" as const, signal: "SIGSEGV", because: whyItCrashes },
    ],
  };
}

/** The cases of thread-stack, in the order they run and the reports show them. */
export const cases: z.input<typeof CaseSchema>[] = [
  {
    id: "default-sweep",
    title: "A thread with an N KiB local array, default attributes",
    role: "demonstration",
    build: { probe: "thread-stack.c", for: "native", link: "dynamic" },
    check: { kind: "run", on: "every", args: ["{value}", "default"] },
    sweep: SWEEP,
    expect: [
      {
        when: { family: "musl", value: { max: 128 } },
        result: "success",
        stdout: [SURVIVED],
        because: "The array still fits in musl's 128 KiB default stack.",
      },
      {
        when: { family: "musl" },
        result: "failure",
        signal: "SIGSEGV",
        because:
          "The array is larger than musl's 128 KiB default thread stack: the first write " +
          "below it hits the guard page and the kernel sends SIGSEGV.",
      },
      {
        when: { family: "glibc" },
        result: "success",
        stdout: [SURVIVED],
        because: "glibc's default thread stack is RLIMIT_STACK, 8 MiB here: plenty.",
      },
    ],
  },
  {
    id: "default-stack",
    title: "The default thread stack, as the thread sees it",
    role: "baseline",
    build: { probe: "thread-stack.c", for: "native", link: "dynamic" },
    check: { kind: "run", on: "every", args: ["0", "default"] },
    expect: [
      {
        when: { family: "musl", version: ">=1.1.21" },
        result: "success",
        measurements: { stack_kib: MUSL_DEFAULT_KIB },
        because:
          "musl gives every thread a fixed 128 KiB unless told otherwise. pthread_getattr_np " +
          "reports the room between the guard page and the thread's TLS, a little more than " +
          "128 KiB because the mapping (stack + TLS) is rounded up to whole pages.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { stack_kib: { min: 80, max: 90 } },
        because: "musl before 1.1.21 gave threads 80 KiB.",
      },
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { stack_kib: { sameAs: "rlimit_stack_kib" } },
        because: "glibc sizes default thread stacks by RLIMIT_STACK (`ulimit -s`).",
      },
    ],
  },
  {
    id: "survival-limit",
    title: "The largest array a default thread survives (bisection over separate runs)",
    role: "diagnosis",
    build: { probe: "thread-stack.c", for: "native", link: "dynamic" },
    check: {
      kind: "search",
      on: "every",
      args: ["{value}", "default"],
      // The probe prints the stack its thread got: the array cannot be much larger.
      search: { from: 64, max: 65_536, resolution: 1, unit: "KiB", hintKey: "stack_kib" },
    },
    expect: [
      {
        when: { family: "musl", version: ">=1.1.21" },
        result: "success",
        measurements: { limit: { min: 96, max: 140 }, failure: "SIGSEGV" },
        because:
          "The limit meets the reported stack size to the KiB: musl reports exactly the room " +
          "between the guard page and the thread's TLS, and the probe's own frames fit in the " +
          "fraction of a KiB that whole-KiB rounding hides.",
      },
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { limit: { min: 1024 }, failure: "SIGSEGV" },
        because:
          "A few KiB under RLIMIT_STACK survive on glibc: the size it reports includes the " +
          "thread descriptor and static TLS at the top of the stack mapping.",
      },
    ],
    note:
      "Each try is its own process: a crash ends one run, never the search. The limit is a " +
      "measurement, not a constant: it moves with the libc version, the probe's frame and TLS.",
  },
  {
    id: "fix-explicit-stack",
    title: `Fix 1, code: pthread_attr_setstacksize(${FIX_STACK_KIB} KiB)`,
    role: "fix",
    build: { probe: "thread-stack.c", for: "native", link: "dynamic" },
    check: { kind: "run", on: "every", args: ["{value}", `explicit=${FIX_STACK_KIB}`] },
    sweep: SWEEP,
    expect: [
      {
        result: "success",
        stdout: [SURVIVED],
        measurements: { stack_kib: { min: FIX_STACK_KIB } },
        because: "An explicit stack size is honoured by both libcs, whatever their default.",
      },
    ],
  },
  {
    id: "fix-link-flag",
    title: `Fix 2, no code change: linked with -Wl,-z,stack-size=${FIX_STACK_KIB * 1024}`,
    role: "fix",
    build: {
      probe: "thread-stack.c",
      for: "musl",
      link: "dynamic",
      flags: [`-Wl,-z,stack-size=${FIX_STACK_KIB * 1024}`],
    },
    check: { kind: "run", on: "musl", args: ["{value}", "default"] },
    sweep: SWEEP,
    expect: [
      {
        when: { family: "musl", version: ">=1.1.21" },
        result: "success",
        stdout: [SURVIVED],
        measurements: { stack_kib: { min: FIX_STACK_KIB } },
        because:
          "musl >= 1.1.21 takes the default thread stack size from the PT_GNU_STACK header, " +
          "which the linker flag sets (`readelf -l` shows it as the segment's MemSiz).",
      },
    ],
  },
  {
    id: "link-flag-in-glibc-binary",
    title: "Did the link flag reach the glibc binary? (the lab's ELF reader)",
    role: "diagnosis",
    build: {
      probe: "thread-stack.c",
      for: "glibc",
      link: "dynamic",
      flags: [`-Wl,-z,stack-size=${FIX_STACK_KIB * 1024}`],
    },
    check: { kind: "elf" },
    expect: [
      {
        result: "success",
        measurements: { gnu_stack_size: String(FIX_STACK_KIB * 1024) },
        because:
          "The linker wrote the size into PT_GNU_STACK (`readelf -l` shows it as MemSiz), so " +
          "when glibc's threads below still crash, it is glibc ignoring the header, not a flag " +
          "that never arrived.",
      },
    ],
  },
  {
    id: "link-flag-on-glibc",
    title: `The same link flag on glibc, with ulimit -s ${SMALL_ULIMIT_KIB}`,
    role: "demonstration",
    build: {
      probe: "thread-stack.c",
      for: "glibc",
      link: "dynamic",
      flags: [`-Wl,-z,stack-size=${FIX_STACK_KIB * 1024}`],
    },
    ...underSmallUlimit(
      "glibc ignores PT_GNU_STACK's size for threads: the stack still follows `ulimit -s`, " +
        "so the flag that fixes musl does nothing here.",
    ),
  },
  {
    id: "glibc-small-ulimit",
    title: `glibc's side: default attributes under ulimit -s ${SMALL_ULIMIT_KIB}`,
    role: "demonstration",
    build: { probe: "thread-stack.c", for: "glibc", link: "dynamic" },
    ...underSmallUlimit(
      "glibc's default thread stack is RLIMIT_STACK: with `ulimit -s 256` glibc crashes " +
        "exactly like musl does, just at a different size.",
    ),
  },
  {
    id: "big-ulimit-on-musl",
    title: "musl's side: a large ulimit -s does not help threads",
    role: "demonstration",
    build: { probe: "thread-stack.c", for: "musl", link: "dynamic" },
    check: {
      kind: "run",
      on: "musl",
      args: ["256", "default"],
      limits: { stackKib: 65_536 },
    },
    expect: [
      {
        when: { family: "musl", version: ">=1.1.21" },
        result: "failure",
        signal: "SIGSEGV",
        measurements: { rlimit_stack_kib: "65536", stack_kib: MUSL_DEFAULT_KIB },
        because:
          "musl never reads RLIMIT_STACK for threads: raising `ulimit -s` (the usual glibc " +
          "advice) leaves the 128 KiB default, and the 256 KiB array still crashes.",
      },
    ],
  },
];
