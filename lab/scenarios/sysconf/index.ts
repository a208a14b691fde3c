import type { z } from "zod";
import type { ScenarioSchema } from "../schema.js";
import { cases } from "./cases.js";
import { report } from "./report.js";
import { lesson } from "./lesson.js";

export const sysconf = {
  id: "sysconf",
  title: "sysconf: CPU counts under an affinity mask, gethostname's short buffer, ARG_MAX",
  summary: "CPU counts pinned to one CPU (sysconf, get_nprocs), gethostname truncation, ARG_MAX",
  description:
    "Pinned to one CPU (what taskset and docker run --cpuset-cpus do), musl's " +
    "sysconf(_SC_NPROCESSORS_ONLN) and _CONF say 1: musl counts the affinity mask. glibc keeps " +
    "saying how many CPUs the machine has, from /sys, so a thread pool sized from sysconf gets " +
    "one thread per host CPU in a container restricted to one. sched_getaffinity with CPU_COUNT " +
    "gives the mask on both. gethostname into a short buffer fails with ENAMETOOLONG and no NUL " +
    "on glibc, and truncates silently with a NUL on musl. _SC_ARG_MAX is a quarter of " +
    "RLIMIT_STACK on glibc (at most 6 MiB) and always 128 KiB on musl.",
  sources: {
    "musl-sysconf-source": {
      title:
        "musl src/conf/sysconf.c (_SC_NPROCESSORS_ONLN/_CONF: sched_getaffinity and a bit count; _SC_ARG_MAX: the constant ARG_MAX); musl's get_nprocs() and get_nprocs_conf() return what sysconf does",
      url: "https://git.musl-libc.org/cgit/musl/tree/src/conf/sysconf.c",
    },
    "glibc-getsysstats-source": {
      title:
        "glibc sysdeps/unix/sysv/linux/getsysstats.c (get_nprocs: /sys/devices/system/cpu/online, then /proc/stat, then sched_getaffinity; get_nprocs_conf: the cpuN entries of /sys/devices/system/cpu)",
      url: "https://sourceware.org/git/?p=glibc.git;a=blob;f=sysdeps/unix/sysv/linux/getsysstats.c",
    },
    "glibc-bz-28310": {
      title:
        "glibc BZ #28310: glibc 2.34 made get_nprocs count the affinity mask; reverted to /sys for 2.35 and backported",
      url: "https://sourceware.org/bugzilla/show_bug.cgi?id=28310",
    },
    "glibc-sysconf-source": {
      title:
        "glibc sysdeps/unix/sysv/linux/sysconf.c (_SC_ARG_MAX: RLIMIT_STACK / 4, capped at 3/4 of _STK_LIM, at least ARG_MAX) and sysdeps/posix/gethostname.c (ENAMETOOLONG)",
    },
    "musl-gethostname-source": {
      title: "musl src/unistd/gethostname.c (copies what fits, NUL in the last byte, returns 0)",
      url: "https://git.musl-libc.org/cgit/musl/tree/src/unistd/gethostname.c",
    },
    "posix-gethostname": {
      title:
        "POSIX gethostname: 'If the buffer is too short, it is unspecified whether the returned name is truncated'",
      url: "https://pubs.opengroup.org/onlinepubs/9799919799/functions/gethostname.html",
    },
    "docker-cpuset": {
      title:
        "Docker run reference, --cpuset-cpus (the CPUs a container may use) vs --cpus (a CFS quota)",
      url: "https://docs.docker.com/engine/containers/resource_constraints/#cpu",
    },
  },
  cases,
  report,
  lesson,
  // Not `sysconf`: nearly every program imports it, and a hint on everything is no hint.
  checkHint: {
    imports: ["get_nprocs", "get_nprocs_conf"],
    text: "it counts CPUs with get_nprocs: under taskset or --cpuset-cpus glibc counts the whole machine while musl counts the affinity mask (sysconf(_SC_NPROCESSORS_ONLN) likewise); sched_getaffinity with CPU_COUNT gives the mask on both",
  },
} satisfies z.input<typeof ScenarioSchema>;
