/*
 * sysconf.c: what sysconf(_SC_NPROCESSORS_ONLN/_CONF), get_nprocs() and sched_getaffinity count
 * once the process is restricted to one CPU, what gethostname does with a buffer too short for
 * the name, and how _SC_ARG_MAX and _SC_OPEN_MAX follow the resource limits.
 *
 * Why the libcs differ: musl answers both _SC_NPROCESSORS_ONLN and _SC_NPROCESSORS_CONF with the
 * number of CPUs in the calling thread's affinity mask (src/conf/sysconf.c: a sched_getaffinity
 * syscall and a popcount). glibc answers _SC_NPROCESSORS_ONLN with get_nprocs(), which reads
 * /sys/devices/system/cpu/online (sysdeps/unix/sysv/linux/getsysstats.c; the affinity mask is
 * only its last fallback), and _SC_NPROCESSORS_CONF with get_nprocs_conf(), which counts the
 * cpuN entries of /sys/devices/system/cpu: the machine's CPUs, whatever the mask. glibc 2.34
 * briefly counted the mask and went back (BZ #28310). `taskset`, `docker run --cpuset-cpus` and a
 * cgroup's cpuset all act through this one mask, so the probe sets it itself with
 * sched_setaffinity(0, ...) to one CPU: no taskset binary needed, and musl's busybox image works.
 * gethostname: POSIX leaves truncation unspecified; glibc (sysdeps/posix/gethostname.c) copies
 * what fits and fails with ENAMETOOLONG, musl (src/unistd/gethostname.c) copies what fits,
 * terminates it and returns 0.
 * _SC_ARG_MAX: glibc (sysdeps/unix/sysv/linux/sysconf.c) follows the kernel's rule for argv plus
 * environ, a quarter of RLIMIT_STACK capped at 3/4 of 8 MiB and at least 128 KiB; musl answers
 * the constant ARG_MAX, 131072, whatever the limit.
 * get_nprocs and get_nprocs_conf are GNU extensions: the probe looks them up with
 * dlsym(RTLD_DEFAULT, ...) so their absence is a fact, not a build failure.
 *
 * Beware the compiler: nothing here is folded (every answer comes from a call at run time).
 * Built with -O2.
 *
 * Modes and facts printed (key=value):
 *   cpus      before.* and pinned.* for: affinity (CPU_COUNT of sched_getaffinity), onln, conf,
 *             get_nprocs, get_nprocs_conf (a number, or "absent"); pinned.cpu is the CPU kept.
 *   pool      the fix: pinned to one CPU, size a thread pool from sched_getaffinity, start that
 *             many threads; pool.threads, pool.affinity.
 *   hostname  the name's length, and gethostname into a 4-byte buffer: rc, errno, the bytes
 *             (printed escaped) and whether a NUL is among them.
 *   limits    _SC_ARG_MAX with the soft RLIMIT_STACK at 8 MiB and at 64 MiB (set by the probe);
 *             _SC_OPEN_MAX after setrlimit(RLIMIT_NOFILE) to 256. (_SC_PAGESIZE, 4096, and
 *             _SC_CLK_TCK, 100, were measured alike on both libcs and are not printed.)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lab-probe.h"

/* A buffer shorter than any container's hostname (Docker's default is 12 hex digits). */
#define SHORT_HOSTNAME 4
#define NOFILE_LIMIT 256
#define STACK_8_MIB ((rlim_t)8 * 1024 * 1024)
#define STACK_64_MIB ((rlim_t)64 * 1024 * 1024)

static int affinity_count(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
  return CPU_COUNT(&set);
}

static void gnu_count(const char *key, const char *name) {
  int (*function)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, name);
  if (function == NULL)
    fact(key, "absent");
  else
    fact(key, "%d", function());
}

static void report_counts(const char *prefix) {
  char key[64];
#define COUNT(suffix, format, value)                           \
  do {                                                         \
    snprintf(key, sizeof key, "%s.%s", prefix, suffix);        \
    fact(key, format, value);                                  \
  } while (0)
  COUNT("affinity", "%d", affinity_count());
  COUNT("onln", "%ld", sysconf(_SC_NPROCESSORS_ONLN));
  COUNT("conf", "%ld", sysconf(_SC_NPROCESSORS_CONF));
#undef COUNT
  snprintf(key, sizeof key, "%s.get_nprocs", prefix);
  gnu_count(key, "get_nprocs");
  snprintf(key, sizeof key, "%s.get_nprocs_conf", prefix);
  gnu_count(key, "get_nprocs_conf");
}

/* Restricts the process to the first CPU of its mask, as `taskset -c N` or --cpuset-cpus=N do. */
static int pin_to_one_cpu(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
  int cpu = 0;
  while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set)) cpu++;
  if (cpu == CPU_SETSIZE) return -1;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) return -1;
  return cpu;
}

static int mode_cpus(void) {
  report_counts("before");
  int cpu = pin_to_one_cpu();
  if (cpu < 0) {
    fact("pinned.error", "%s", strerror(errno));
    return EXIT_FAILURE;
  }
  fact("pinned.cpu", "%d", cpu);
  report_counts("pinned");
  return EXIT_SUCCESS;
}

static void *worker(void *arg) { return arg; }

/* The fix: a pool sized from the CPUs this process may run on, which every libc reports alike. */
static int mode_pool(void) {
  if (pin_to_one_cpu() < 0) return EXIT_FAILURE;
  int size = affinity_count();
  if (size < 1) size = 1;
  pthread_t threads[CPU_SETSIZE];
  int started = 0;
  for (int i = 0; i < size; i++)
    if (pthread_create(&threads[i], NULL, worker, NULL) == 0) started++;
  for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
  fact("pool.affinity", "%d", affinity_count());
  fact("pool.threads", "%d", started);
  return EXIT_SUCCESS;
}

/* strerrorname_np is glibc-only: the two names gethostname may set, spelled out. */
static const char *errno_name(int rc, int saved) {
  if (rc == 0) return "0";
  if (saved == ENAMETOOLONG) return "ENAMETOOLONG";
  if (saved == EINVAL) return "EINVAL";
  return "other";
}

static int mode_hostname(void) {
  char full[256] = {0};
  gethostname(full, sizeof full - 1);
  fact("hostname.length", "%zu", strlen(full));
  /* Filled with '#' so untouched bytes show; the volatile length keeps GCC from reasoning. */
  char buffer[SHORT_HOSTNAME + 1];
  memset(buffer, '#', sizeof buffer);
  volatile size_t length = SHORT_HOSTNAME;
  errno = 0;
  int rc = gethostname(buffer, length);
  int saved = errno;
  fact("short.rc", "%d", rc);
  fact("short.errno", "%s", errno_name(rc, saved));
  char shown[4 * SHORT_HOSTNAME + 1];
  size_t at = 0;
  int terminated = 0;
  for (size_t i = 0; i < SHORT_HOSTNAME; i++) {
    if (buffer[i] == '\0') {
      terminated = 1;
      at += (size_t)snprintf(shown + at, sizeof shown - at, "\\0");
    } else {
      shown[at++] = buffer[i];
      shown[at] = '\0';
    }
  }
  fact("short.bytes", "%s", shown);
  fact("short.terminated", "%s", terminated ? "yes" : "no");
  return EXIT_SUCCESS;
}

/* _SC_ARG_MAX with the soft RLIMIT_STACK set to `bytes` (below the hard limit, as any user may). */
static void arg_max_at(const char *key, rlim_t bytes) {
  struct rlimit stack;
  if (getrlimit(RLIMIT_STACK, &stack) != 0) return;
  if (stack.rlim_max != RLIM_INFINITY && stack.rlim_max < bytes) {
    fact(key, "hard-limit-too-low");
    return;
  }
  stack.rlim_cur = bytes;
  if (setrlimit(RLIMIT_STACK, &stack) == 0) fact(key, "%ld", sysconf(_SC_ARG_MAX));
}

static int mode_limits(void) {
  arg_max_at("arg_max_8m", STACK_8_MIB);
  arg_max_at("arg_max_64m", STACK_64_MIB);
  struct rlimit files = {NOFILE_LIMIT, NOFILE_LIMIT};
  if (setrlimit(RLIMIT_NOFILE, &files) == 0) fact("open_max_256", "%ld", sysconf(_SC_OPEN_MAX));
  return EXIT_SUCCESS;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "cpus") == 0) return mode_cpus();
  if (strcmp(mode, "pool") == 0) return mode_pool();
  if (strcmp(mode, "hostname") == 0) return mode_hostname();
  if (strcmp(mode, "limits") == 0) return mode_limits();
  fprintf(stderr, "usage: sysconf cpus|pool|hostname|limits (got \"%s\")\n", mode);
  return 2;
}
