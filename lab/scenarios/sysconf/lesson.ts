import type { z } from "zod";
import type { LessonSchema } from "../schema.js";

/** What `explain` teaches; each point cites the scenario's sources by key. */
export const lesson = {
  concept: [
    "sysconf(name) is POSIX's way to ask the C library about the system at run time: how many " +
      "CPUs (_SC_NPROCESSORS_ONLN online, _SC_NPROCESSORS_CONF configured), how long a command " +
      "line may be (_SC_ARG_MAX), how many files may be open (_SC_OPEN_MAX). The standard names " +
      "the questions; each libc decides where the answers come from.",
    "A process's CPU affinity mask is the set of CPUs the kernel may run it on. `taskset -c 0` " +
      "sets it with sched_setaffinity, and `docker run --cpuset-cpus=0` sets the same mask " +
      "(through the cpuset cgroup) for every process of the container. The lab's probe pins " +
      "itself with sched_setaffinity: the mechanism --cpuset-cpus uses, without a taskset " +
      "binary. A CPU quota (`--cpus=1`) is a different thing: it limits time, not CPUs, and " +
      "leaves the mask alone.",
  ],
  whyTheyDiffer: [
    {
      text:
        "musl answers both CPU counts by asking the kernel for the affinity mask and counting " +
        "its bits, so a pinned process (or a container with --cpuset-cpus) sees the CPUs it may " +
        "use. glibc answers _SC_NPROCESSORS_ONLN from /sys/devices/system/cpu/online and _CONF " +
        "from the CPUs /sys/devices/system/cpu lists: the machine's CPUs, the same inside a container " +
        "as outside. glibc 2.34 switched to the mask and went back after breakage.",
      sources: [
        "musl-sysconf-source",
        "glibc-getsysstats-source",
        "glibc-bz-28310",
        "docker-cpuset",
      ],
    },
    {
      text:
        "get_nprocs() and get_nprocs_conf() are GNU extensions that musl provides as well, " +
        "as plain sysconf calls: they follow each libc's sysconf answer.",
      sources: ["musl-sysconf-source", "glibc-getsysstats-source"],
    },
    {
      text:
        "POSIX leaves a too-short gethostname buffer unspecified. glibc copies what fits, " +
        "without a NUL, and fails with ENAMETOOLONG; musl copies what fits, writes a NUL in " +
        "the last byte and returns 0.",
      sources: ["posix-gethostname", "glibc-sysconf-source", "musl-gethostname-source"],
    },
    {
      text:
        "_SC_ARG_MAX: glibc mirrors the kernel's rule for argv plus environ (a quarter of " +
        "RLIMIT_STACK, capped at 6 MiB, at least 128 KiB); musl returns the constant ARG_MAX, " +
        "131072, whatever the limit.",
      sources: ["glibc-sysconf-source", "musl-sysconf-source"],
    },
  ],
  diagnose: [
    {
      tool: "nproc and getconf",
      command: "taskset -c 0 nproc; taskset -c 0 getconf _NPROCESSORS_ONLN",
      shows:
        "coreutils' nproc counts the affinity mask (1); getconf asks the libc's sysconf, which " +
        "on glibc says the machine's count (2 on a 2-CPU machine, measured in the trixie image). " +
        "In a --cpuset-cpus container without taskset, the same.",
    },
    {
      tool: "the mask itself",
      command: "grep Cpus_allowed_list /proc/self/status; cat /sys/fs/cgroup/cpu.max",
      shows:
        "The CPUs the process may run on, and the cgroup's CPU quota ('max 100000' is none), " +
        "which no CPU count shows.",
    },
    {
      tool: "nm",
      command: "nm -D --undefined-only ./prog | grep -E 'sysconf|get_nprocs|sched_getaffinity'",
      shows: "Whether a binary asks sysconf or get_nprocs for its CPU count, or the mask.",
    },
    {
      tool: "a tiny probe",
      command: "npm run lab -- sysconf",
      shows: "Each count before and after pinning, gethostname's answer and _SC_ARG_MAX, per libc.",
    },
  ],
  fixes: [
    {
      fix: "Count the affinity mask",
      how:
        "cpu_set_t set; sched_getaffinity(0, sizeof set, &set); CPU_COUNT(&set): the number of " +
        "CPUs this process may run on, on every libc.",
      whenToChoose:
        "Sizing thread pools and parallel builds: it follows taskset and --cpuset-cpus alike " +
        "(more than 1024 CPUs need CPU_ALLOC).",
      provenBy: "pool-from-affinity",
    },
    {
      fix: "Honour the CPU quota as well",
      how:
        "Read /sys/fs/cgroup/cpu.max (quota and period) and take the smaller of quota/period, " +
        "rounded up, and the mask count; or let the user set the pool size.",
      whenToChoose:
        "Containers started with --cpus or Kubernetes CPU limits, which no libc call reports.",
    },
    {
      fix: "Check gethostname and size its buffer",
      how:
        "char name[HOST_NAME_MAX + 1]; if (gethostname(name, sizeof name) != 0) handle it; " +
        "name[sizeof name - 1] = 0;",
      whenToChoose: "Always: the buffer then never truncates, and both libcs agree.",
    },
  ],
  questions: [
    "The same C server, sizing its pool from sysconf(_SC_NPROCESSORS_ONLN), is built on Alpine " +
      "and on Debian and run with --cpuset-cpus=0 on a 64-CPU host. One starts 1 worker, the " +
      "other 64. Which is which, and why?",
    "Why does `nproc` print 1 under `taskset -c 0` while `getconf _NPROCESSORS_ONLN` prints " +
      "the machine's count on glibc?",
    "gethostname(buf, 4) returned 0 on Alpine. What does buf hold, and what would glibc have " +
      "done with the same call?",
  ],
} satisfies z.input<typeof LessonSchema>;
