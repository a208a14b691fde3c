import type { z } from "zod";
import type { ReportSpecSchema } from "../schema.js";
import { COUNTS } from "./cases.js";

const LABELS: Record<(typeof COUNTS)[number], string> = {
  affinity: "sched_getaffinity (CPU_COUNT)",
  onln: "sysconf(_SC_NPROCESSORS_ONLN)",
  conf: "sysconf(_SC_NPROCESSORS_CONF)",
  get_nprocs: "get_nprocs()",
  get_nprocs_conf: "get_nprocs_conf()",
};

/** What the reports show beyond the case list: tables, claims, advice. */
export const report = {
  tables: [
    {
      title: "CPU counts, before and after sched_setaffinity to one CPU",
      rows: (["before", "pinned"] as const).flatMap((when) =>
        COUNTS.map((count) => ({
          label: `${when}: ${LABELS[count]}`,
          case: "nprocs-pinned",
          key: `${when}.${count}`,
        })),
      ),
      note:
        "'before' is this machine's count (the lab does not restrict its containers); 'pinned' " +
        "is after the probe's own sched_setaffinity, the mask `taskset` and `--cpuset-cpus` " +
        "set. glibc keeps counting the machine, musl counts the mask.",
    },
    {
      title: "gethostname into a 4-byte buffer",
      rows: [
        { label: "hostname length", case: "hostname-short", key: "hostname.length" },
        { label: "return value", case: "hostname-short", key: "short.rc" },
        { label: "errno", case: "hostname-short", key: "short.errno" },
        { label: "buffer (\\0 = NUL)", case: "hostname-short", key: "short.bytes" },
        { label: "NUL-terminated", case: "hostname-short", key: "short.terminated" },
      ],
    },
    {
      title: "Limits sysconf derives from resource limits",
      rows: [
        {
          label: "_SC_ARG_MAX, RLIMIT_STACK 8 MiB",
          case: "arg-max",
          key: "arg_max_8m",
          unit: "bytes",
        },
        {
          label: "_SC_ARG_MAX, RLIMIT_STACK 64 MiB",
          case: "arg-max",
          key: "arg_max_64m",
          unit: "bytes",
        },
        { label: "_SC_OPEN_MAX, RLIMIT_NOFILE 256", case: "arg-max", key: "open_max_256" },
      ],
    },
  ],
  claims: [
    {
      claim: "sysconf(_SC_NPROCESSORS_ONLN) counts the CPUs a pinned process may use",
      case: "nprocs-pinned",
      key: "pinned.onln",
      holdsWhen: "1",
      unit: "after pinning to one CPU",
    },
    {
      claim: "get_nprocs() is glibc-only",
      family: "musl",
      case: "nprocs-pinned",
      key: "pinned.get_nprocs",
      holdsWhen: "absent",
    },
    {
      claim: "gethostname fails when the buffer is too short",
      case: "hostname-short",
      key: "short.rc",
      holdsWhen: "-1",
    },
    {
      claim: "_SC_ARG_MAX grows with ulimit -s",
      case: "arg-max",
      key: "arg_max_64m",
      holdsWhen: { min: 2_097_153 },
      unit: "bytes at RLIMIT_STACK 64 MiB",
    },
  ],
  advice: [
    {
      text:
        "Size thread pools from sched_getaffinity (CPU_COUNT), as `nproc` does, not from " +
        "sysconf(_SC_NPROCESSORS_ONLN): under taskset or --cpuset-cpus glibc's sysconf counts " +
        "the whole machine. A CPU quota (--cpus) is not in the mask: read cpu.max for that.",
      evidence: "pool-from-affinity",
    },
    {
      text:
        "Give gethostname a buffer of HOST_NAME_MAX + 1 bytes and terminate it yourself: on " +
        "musl a short buffer truncates silently, on glibc it fails and leaves no NUL.",
      measured: { case: "hostname-short", key: "short.rc" },
    },
    {
      text:
        "Do not batch command lines to _SC_ARG_MAX alone: musl says 128 KiB whatever the " +
        "stack limit, glibc a quarter of it (at most 6 MiB); leave room for the environment.",
      measured: { case: "arg-max", key: "arg_max_8m", unit: "bytes" },
    },
  ],
  tolerances: [
    {
      pattern: "short.bytes",
      tolerance: { kind: "ignore" },
      why: "the start of the container's hostname, a new container id on every run",
    },
    {
      pattern: "before.*",
      tolerance: { kind: "ignore" },
      why: "the machine's CPU count: a baseline from another machine must not flag it",
    },
  ],
} satisfies z.input<typeof ReportSpecSchema>;
