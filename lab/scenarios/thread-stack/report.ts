import type { z } from "zod";
import type { ReportSpecSchema } from "../schema.js";

/** What the reports show beyond the case list: tables, claims, advice, charts, tolerances. */
export const report = {
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
  // The sweep is about these limits: the chart marks where each environment's arrays stop surviving.
  sweepMarkers: [
    {
      sweep: "default-sweep",
      label: "survives up to",
      legend: "measured survival limit",
      case: "survival-limit",
      key: "limit",
      style: "solid",
    },
    {
      sweep: "default-sweep",
      label: "default stack",
      legend: "default stack size",
      case: "default-stack",
      key: "stack_kib",
      style: "dashed",
    },
  ],
  tolerances: [
    {
      pattern: "limit",
      tolerance: { kind: "numeric", relative: 0.05, absolute: 0 },
      why: "survival limits (thread-stack) move by a few KiB with the loader's TLS and the kernel",
    },
    {
      pattern: "first_failure",
      tolerance: { kind: "numeric", relative: 0.05, absolute: 0 },
      why: "the first crashing size moves with the limit",
    },
    {
      pattern: "runs",
      tolerance: { kind: "ignore" },
      why: "how many probe runs the bisection took is bookkeeping",
    },
  ],
} satisfies z.input<typeof ReportSpecSchema>;
