import type { z } from "zod";
import type { CaseSchema } from "../schema.js";

const PROBE = { probe: "sysconf.c", for: "native", link: "dynamic" } as const;

/** The counts the probe prints before and after pinning itself to one CPU. */
export const COUNTS = ["affinity", "onln", "conf", "get_nprocs", "get_nprocs_conf"] as const;

/** The cases of sysconf, in the order they run and the reports show them. */
export const cases: z.input<typeof CaseSchema>[] = [
  {
    id: "nprocs-pinned",
    title: "Pinned to one CPU: what _SC_NPROCESSORS_ONLN/_CONF and get_nprocs() count",
    role: "demonstration",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["cpus"], alsoOn: ["musl-1.2.3", "glibc-2.36"] },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: {
          "before.onln": { min: 1 },
          "pinned.affinity": "1",
          "pinned.onln": { sameAs: "before.onln" },
          "pinned.conf": { sameAs: "before.conf" },
          "pinned.get_nprocs": { sameAs: "before.get_nprocs" },
          "pinned.get_nprocs_conf": { sameAs: "before.get_nprocs_conf" },
        },
        because:
          "glibc counts the machine, not the mask: _SC_NPROCESSORS_ONLN is get_nprocs(), read " +
          "from /sys/devices/system/cpu/online, and _SC_NPROCESSORS_CONF is get_nprocs_conf(), " +
          "from the cpuN entries of /sys/devices/system/cpu (sysdeps/unix/sysv/linux/getsysstats.c). After " +
          "sched_setaffinity to one CPU both still say what they said before; only " +
          "sched_getaffinity says 1. Measured alike on glibc 2.36 and 2.41.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: {
          "before.onln": { sameAs: "before.affinity" },
          "pinned.affinity": "1",
          "pinned.onln": "1",
          "pinned.conf": "1",
          "pinned.get_nprocs": "1",
          "pinned.get_nprocs_conf": "1",
        },
        because:
          "musl answers _SC_NPROCESSORS_ONLN and _SC_NPROCESSORS_CONF alike with the number of " +
          "CPUs in the affinity mask (src/conf/sysconf.c: the sched_getaffinity syscall and a " +
          "bit count), and its get_nprocs()/get_nprocs_conf() are sysconf calls: all four say 1 " +
          "once the process is pinned. musl has get_nprocs too: it is a GNU extension, not a " +
          "glibc-only symbol. Measured alike on musl 1.2.3 and 1.2.5.",
      },
    ],
    note:
      "The probe pins itself with sched_setaffinity(0, ...), the call `taskset -c 0` makes. " +
      "`docker run --cpuset-cpus=1` sets the same mask for every process of the container " +
      "(measured outside the lab: glibc then reports affinity 1 and _SC_NPROCESSORS_ONLN 2, musl " +
      "1 and 1). The lab's own containers are not restricted, so 'before' is the machine's count.",
  },
  {
    id: "pool-from-affinity",
    title: "The fix: size a thread pool from sched_getaffinity (CPU_COUNT), pinned to one CPU",
    role: "fix",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["pool"] },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { "pool.affinity": "1", "pool.threads": { sameAs: "pool.affinity" } },
        because:
          "CPU_COUNT of the sched_getaffinity mask is what the process may run on: 1 after " +
          "pinning, so the pool starts one thread instead of one per CPU of the machine.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { "pool.affinity": "1", "pool.threads": { sameAs: "pool.affinity" } },
        because:
          "The same call gives the same answer on musl (where sysconf would have said 1 as " +
          "well): one sizing rule, one pool size on both libcs.",
      },
    ],
    note:
      "The mask is not the whole story: a CPU quota (`docker run --cpus=1`, cgroup cpu.max) " +
      "leaves the mask alone, so neither the mask nor sysconf sees it (measured: affinity 2 " +
      "under --cpus=1). Runtimes that honour quotas read cpu.max themselves.",
  },
  {
    id: "hostname-short",
    title: "gethostname into a 4-byte buffer (the container's name has 12 characters)",
    role: "demonstration",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["hostname"], alsoOn: ["musl-1.2.3", "glibc-2.36"] },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: {
          "hostname.length": { min: 5 },
          "short.rc": "-1",
          "short.errno": "ENAMETOOLONG",
          "short.bytes": { pattern: "^[^\\\\]{4}$" },
          "short.terminated": "no",
        },
        because:
          "glibc copies the first 4 bytes of the name, without a terminating NUL, and fails " +
          "with ENAMETOOLONG (sysdeps/posix/gethostname.c): a caller that ignores the -1 reads " +
          "an unterminated string. Measured alike on glibc 2.36 and 2.41.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: {
          "hostname.length": { min: 5 },
          "short.rc": "0",
          "short.errno": "0",
          "short.bytes": { pattern: "^[^\\\\]{3}\\\\0$" },
          "short.terminated": "yes",
        },
        because:
          "musl copies what fits, puts a NUL in the last byte and returns 0 " +
          "(src/unistd/gethostname.c): the name is silently cut to 3 characters, with no error " +
          "to notice. POSIX leaves truncation unspecified. Measured alike on musl 1.2.3 and 1.2.5.",
      },
    ],
  },
  {
    id: "arg-max",
    title: "_SC_ARG_MAX at RLIMIT_STACK 8 MiB and 64 MiB; _SC_OPEN_MAX at RLIMIT_NOFILE 256",
    role: "demonstration",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["limits"] },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: {
          arg_max_8m: "2097152",
          arg_max_64m: "6291456",
          open_max_256: "256",
        },
        because:
          "glibc computes _SC_ARG_MAX as the kernel limits argv plus environ: a quarter of " +
          "RLIMIT_STACK (2 MiB at 8 MiB), capped at 3/4 of the kernel's 8 MiB stack default " +
          "(6 MiB at 64 MiB), at least 128 KiB (sysdeps/unix/sysv/linux/sysconf.c). " +
          "_SC_OPEN_MAX is RLIMIT_NOFILE's soft limit.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: {
          arg_max_8m: "131072",
          arg_max_64m: "131072",
          open_max_256: "256",
        },
        because:
          "musl answers the constant ARG_MAX from <limits.h>, 131072, whatever RLIMIT_STACK " +
          "says (src/conf/sysconf.c): 16 times less than glibc at the default 8 MiB stack, so " +
          "tools that size command lines from it (xargs-like batching) make more, smaller " +
          "batches. _SC_OPEN_MAX follows RLIMIT_NOFILE as on glibc.",
      },
    ],
    note:
      "The probe raises the soft RLIMIT_STACK itself (the lab's `ulimit -s` sets the hard limit " +
      "too). _SC_PAGESIZE (4096) and _SC_CLK_TCK (100) were measured alike on both libcs and " +
      "are not part of the scenario.",
  },
];
