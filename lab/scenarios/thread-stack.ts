import type { z } from "zod";
import type { ScenarioSchema } from "./schema.js";

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

export const threadStack = {
  id: "thread-stack",
  title: "Thread stacks: a big local array crashes only on Alpine",
  summary: "default thread stack sizes measured, the crash sweep, the survival limit, three fixes",
  description:
    "A thread created without an explicit stack size gets the C library's default. glibc takes " +
    "it from RLIMIT_STACK (`ulimit -s`, 8 MiB in most containers); musl uses a fixed 128 KiB " +
    "(80 KiB before 1.1.21). A thread that puts a few hundred KiB on its stack therefore works on " +
    "Ubuntu and dies of SIGSEGV at the guard page on Alpine. The fixes: ask for a stack size in " +
    "code, link with -Wl,-z,stack-size=N (musl >= 1.1.21 reads it from PT_GNU_STACK), or move the " +
    "buffer to the heap.",
  sources: [
    "musl WHATSNEW 1.1.21: default thread stack 128k, PT_GNU_STACK sets it: https://git.musl-libc.org/cgit/musl/tree/WHATSNEW",
    "musl src/internal/pthread_impl.h (DEFAULT_STACK_SIZE) and ldso/dynlink.c (PT_GNU_STACK)",
    "musl wiki, Functional differences from glibc, 'Thread stack size': https://wiki.musl-libc.org/functional-differences-from-glibc.html",
    "glibc nptl/nptl-stack.c and sysdeps/nptl/pthread_early_init.h: default from RLIMIT_STACK",
    "memcached#286, cpython gh-148260 (fixed with -z stack-size), duckdb#25010",
  ],
  cases: [
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
  ],
  report: {
    tables: [
      {
        title: "Default thread stacks and the survival limit (KiB, measured)",
        after: "survival-limit",
        rows: [
          {
            label: "RLIMIT_STACK (ulimit -s)",
            case: "default-stack",
            key: "rlimit_stack_kib",
            unit: "KiB",
          },
          { label: "default thread stack", case: "default-stack", key: "stack_kib", unit: "KiB" },
          { label: "guard area", case: "default-stack", key: "guard_kib", unit: "KiB" },
          {
            label: "largest array that survives",
            case: "survival-limit",
            key: "limit",
            unit: "KiB",
          },
          {
            label: "smallest array that crashes",
            case: "survival-limit",
            key: "first_failure",
            unit: "KiB",
          },
          {
            label: "gap (stack - largest array)",
            case: "default-stack",
            key: "stack_kib",
            minus: { case: "survival-limit", key: "limit" },
            unit: "KiB",
          },
          { label: "probe runs of the search", case: "survival-limit", key: "runs" },
        ],
        note:
          "The gap is what the thread needs besides the array. glibc's reported size covers the " +
          "whole stack block, whose top holds the thread descriptor (struct pthread) and static " +
          "TLS (nptl/allocatestack.c), so a few KiB stay out of the array's reach. musl reports " +
          "only the room between the guard page and the TLS, a little more than 128 KiB because " +
          "the mapping is rounded to whole pages (src/thread/pthread_create.c); its gap is the " +
          "probe's frames, under 1 KiB and hidden by whole-KiB rounding. The guard pages lie " +
          "below the stack and are not counted: touching them is the SIGSEGV.",
      },
    ],
    claims: [],
    advice: [
      {
        text:
          "Give threads that need deep stacks an explicit size with pthread_attr_setstacksize: " +
          "it works the same on both libcs.",
        evidence: "fix-explicit-stack",
      },
      {
        text:
          `Cannot change the code? Link with -Wl,-z,stack-size=N: musl >= 1.1.21 uses it as the ` +
          "default thread stack. glibc ignores it and keeps following ulimit -s.",
        evidence: "fix-link-flag",
      },
      {
        text:
          "Raising ulimit -s is the glibc answer only: musl does not read it for threads, and a " +
          "glibc program started with a small limit crashes just the same.",
        evidence: "big-ulimit-on-musl",
      },
      {
        text:
          "Best of all, move big buffers to the heap (malloc) or make them static: then no " +
          "default stack size matters.",
      },
    ],
  },
  lesson: {
    concept: [
      "Every thread has its own stack: a fixed-size memory area for its local variables and " +
        "call frames. Unlike the main thread's stack, a thread's stack does not grow: it is " +
        "allocated once, at pthread_create, with a guard page below it. Writing past its end " +
        "touches the guard page and the kernel kills the process with SIGSEGV.",
      "How big that stack is, unless the program says otherwise, is the C library's choice: " +
        "POSIX leaves the default to the implementation. A program that keeps big arrays in " +
        "local variables of a thread therefore depends on a number it never chose.",
    ],
    whyTheyDiffer: [
      {
        text:
          "glibc sizes default thread stacks by RLIMIT_STACK (`ulimit -s`), usually 8 MiB, so " +
          "big local arrays just work there, until someone lowers the limit.",
        sources: [
          "glibc nptl/nptl-stack.c and sysdeps/nptl/pthread_early_init.h: default from RLIMIT_STACK",
        ],
      },
      {
        text:
          "musl uses a fixed 128 KiB (80 KiB before 1.1.21) to keep many threads cheap, and " +
          "never reads RLIMIT_STACK for threads. Since 1.1.21 a binary can raise the default " +
          "with the PT_GNU_STACK size the linker writes (-Wl,-z,stack-size=N).",
        sources: [
          "musl WHATSNEW 1.1.21: https://git.musl-libc.org/cgit/musl/tree/WHATSNEW",
          "musl wiki, Functional differences from glibc, 'Thread stack size': https://wiki.musl-libc.org/functional-differences-from-glibc.html",
          "musl src/internal/pthread_impl.h (DEFAULT_STACK_SIZE), ldso/dynlink.c (PT_GNU_STACK)",
        ],
      },
    ],
    diagnose: [
      {
        tool: "the exit status",
        command: "./app; echo $?",
        shows: "139 = 128 + 11: killed by SIGSEGV. Only on Alpine? Suspect the thread stack.",
      },
      {
        tool: "gdb",
        command: "gdb -batch -ex run -ex bt -ex 'info threads' ./app",
        shows:
          "The crash in a thread other than main, in a function with a big local array, at an " +
          "address just below the thread's stack (the guard page).",
      },
      {
        tool: "readelf -l",
        command: "readelf -lW ./app | grep GNU_STACK",
        shows:
          "The PT_GNU_STACK segment; a MemSiz other than 0 is the stack size asked for with " +
          "-z stack-size, which musl >= 1.1.21 uses as the default thread stack.",
      },
      {
        tool: "pthread_getattr_np",
        command: "npm run lab -- thread-stack   (case default-stack)",
        shows:
          "The stack a thread really got, measured per libc: musl ~130 KiB, glibc = ulimit -s.",
      },
    ],
    fixes: [
      {
        fix: "Ask for a stack size in code",
        how: "pthread_attr_setstacksize(&attr, size) before pthread_create.",
        whenToChoose:
          "When you own the code that creates the thread: explicit, portable, works on every libc " +
          "and under every ulimit.",
        provenBy: "fix-explicit-stack",
      },
      {
        fix: "Move big buffers off the stack",
        how: "malloc them (or make them static, for one thread) instead of local arrays.",
        whenToChoose:
          "The most robust fix: no stack size matters at all. Best when the buffer size is large " +
          "or depends on input.",
      },
      {
        fix: "Link with -Wl,-z,stack-size=N",
        how: "Add the linker flag; musl >= 1.1.21 takes the default thread stack from PT_GNU_STACK.",
        whenToChoose:
          "When you cannot change the code (threads made by a library), only for musl: glibc " +
          "ignores the flag for threads.",
        provenBy: "fix-link-flag",
      },
      {
        fix: "Raise ulimit -s",
        how: "ulimit -s 65536 before starting the program.",
        whenToChoose:
          "Never as the fix for Alpine: musl does not read it for threads. It only helps glibc.",
        provenBy: "big-ulimit-on-musl",
      },
    ],
    questions: [
      "A thread with a 512 KiB local array works on Ubuntu and dies of SIGSEGV on Alpine. What " +
        "default differs, and what is it on each libc?",
      "Why does raising `ulimit -s` not help on Alpine, and when does it break glibc too?",
      "You cannot change the code that creates the threads. Which fix remains, and on which " +
        "libc does it work?",
    ],
  },
} satisfies z.input<typeof ScenarioSchema>;
