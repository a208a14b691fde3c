/*
 * thread-stack: does a thread with a large local array survive?
 *
 * Why glibc and musl differ here: a thread created without an explicit stack size gets the
 * library's default. musl's is a fixed 128 KiB (DEFAULT_STACK_SIZE in src/internal/pthread_impl.h
 * since musl 1.1.21; 80 KiB before), and musl >= 1.1.21 raises it to the PT_GNU_STACK size when the
 * program is linked with `-Wl,-z,stack-size=N`. glibc takes its default from RLIMIT_STACK (`ulimit
 * -s`, usually 8 MiB; nptl-stack.c / __pthread_initialize_minimal), so the same code that runs
 * fine on Ubuntu overflows its stack on Alpine and dies of SIGSEGV at the guard page.
 * Sources: musl WHATSNEW (1.1.21: "increased default thread stack size to 128k", "default thread
 * stack size can be set via PT_GNU_STACK"); musl src/thread/pthread_create.c (__default_stacksize);
 * glibc nptl/nptl-stack.c and sysdeps/nptl/pthread_early_init.h (RLIMIT_STACK); memcached#286,
 * cpython gh-148260, duckdb#25010.
 *
 * Usage: thread-stack KIB [default|explicit=KIB]
 *   KIB             size of the array the thread puts on its stack (0: touch nothing, only report)
 *   default         pthread_create with NULL attributes: the library's default stack (the default)
 *   explicit=KIB    pthread_attr_setstacksize(KIB * 1024) first: the code fix
 *
 * Beware the compiler: an array that is only written can be dropped, and one whose size is known
 * can be shrunk. The array's size comes from argv (a VLA), every page of it is written through a
 * volatile pointer and one byte is read back, so the whole array must exist on the stack. Pages are
 * touched from the frame downward, one page at a time, as a deep buffer fills: the first write that
 * leaves the stack lands in the guard page and faults, instead of jumping past it.
 *
 * Facts printed (a crash is not reported by the probe: the harness sees the signal):
 *   requested_kib   the array size
 *   attr            default | explicit
 *   rlimit_stack_kib  RLIMIT_STACK's soft limit (`ulimit -s`), or `unlimited`
 *   stack_kib       the stack the thread really got (pthread_getattr_np + pthread_attr_getstack)
 *   guard_kib       its guard area
 *   touched_kib     how much of the array was written (all of it when the thread survived)
 *   survived        yes, after pthread_join: the thread came back
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "lab-probe.h"

#define PAGE 4096

static size_t requested_bytes;

/* Kept out of line so the array lives in this frame, not in one merged into the caller's. */
static __attribute__((noinline)) unsigned char use_stack(size_t bytes) {
  if (bytes == 0) return 0;
  unsigned char buffer[bytes];
  volatile unsigned char *p = buffer;
  for (size_t offset = bytes; offset > 0;) {
    offset = offset > PAGE ? offset - PAGE : 0;
    p[offset] = (unsigned char)offset;
  }
  p[bytes - 1] = 1;
  return p[bytes / 2];
}

static void *worker(void *unused) {
  (void)unused;
  pthread_attr_t attr;
  size_t stack = 0, guard = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void *address;
    pthread_attr_getstack(&attr, &address, &stack);
    pthread_attr_getguardsize(&attr, &guard);
    pthread_attr_destroy(&attr);
  }
  fact("stack_kib", "%zu", stack / 1024);
  fact("guard_kib", "%zu", guard / 1024);
  volatile unsigned char sink = use_stack(requested_bytes);
  (void)sink;
  fact("touched_kib", "%zu", requested_bytes / 1024);
  return NULL;
}

static int usage(void) {
  fprintf(stderr, "usage: thread-stack KIB [default|explicit=KIB]\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) return usage();
  char *end;
  unsigned long kib = strtoul(argv[1], &end, 10);
  if (*end != '\0') return usage();
  requested_bytes = kib * 1024;

  pthread_attr_t attr;
  pthread_attr_t *attributes = NULL;
  const char *mode = argc == 3 ? argv[2] : "default";
  if (strncmp(mode, "explicit=", 9) == 0) {
    unsigned long stack_kib = strtoul(mode + 9, &end, 10);
    if (*end != '\0' || stack_kib == 0) return usage();
    pthread_attr_init(&attr);
    int error = pthread_attr_setstacksize(&attr, stack_kib * 1024);
    if (error != 0) {
      fprintf(stderr, "pthread_attr_setstacksize: %s\n", strerror(error));
      return 1;
    }
    attributes = &attr;
    fact("attr", "explicit");
  } else if (strcmp(mode, "default") == 0) {
    fact("attr", "default");
  } else {
    return usage();
  }
  fact("requested_kib", "%lu", kib);
  struct rlimit limit;
  if (getrlimit(RLIMIT_STACK, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    fact("rlimit_stack_kib", "%llu", (unsigned long long)limit.rlim_cur / 1024);
  } else {
    fact("rlimit_stack_kib", "unlimited");
  }

  pthread_t thread;
  int error = pthread_create(&thread, attributes, worker, NULL);
  if (error != 0) {
    fprintf(stderr, "pthread_create: %s\n", strerror(error));
    return 1;
  }
  pthread_join(thread, NULL);
  fact("survived", "yes");
  return EXIT_SUCCESS;
}
