/*
 * malloc.c: what malloc(0), realloc(p, 0) and malloc_usable_size answer, and which of glibc's
 * malloc extensions (mallinfo, mallinfo2, malloc_trim, malloc_stats, mallopt, malloc_info) the
 * running libc has.
 *
 * Why the libcs differ: C leaves malloc(0) implementation-defined (C17 7.22.3: NULL or a unique
 * pointer) and realloc(p, 0) implementation-defined too; C23 (N3096 7.24.3.7) made realloc with
 * size zero undefined. glibc's realloc frees the block and returns NULL when the size is zero
 * (malloc/malloc.c, REALLOC_ZERO_BYTES_FREES; glibc manual "Changing the Size of a Block").
 * musl's mallocng treats 0 as the smallest size (src/malloc/mallocng/realloc.c): a small block
 * is resized in place and the same pointer comes back. malloc_usable_size exists on both, but
 * glibc answers with the chunk's size (16-byte granules minus the 8-byte header: 24, 40, 56 ...),
 * musl with the size that was asked for (src/malloc/mallocng/malloc_usable_size.c returns the
 * nominal size). The mallinfo/malloc_trim family is ptmalloc's own API: musl's <malloc.h>
 * declares only malloc_usable_size besides the standard functions, so code that calls them does
 * not build on musl (gcc 14: "error: implicit declaration of function 'malloc_trim'"; gcc 12:
 * a warning, then "undefined reference to `malloc_trim'"). The probe cannot show a failed build
 * as an outcome, so it asks the dynamic linker at run time: dlsym(RTLD_DEFAULT, name).
 * Sources: musl wiki "Functional differences from glibc"
 * https://wiki.musl-libc.org/functional-differences-from-glibc.html ; musl src/malloc/mallocng/;
 * glibc manual "Memory Allocation",
 * https://sourceware.org/glibc/manual/latest/html_node/Memory-Allocation.html ;
 * real case: greenbone/gvm-libs#284 (malloc_trim on Alpine), fixed by #668 with #ifdef __GLIBC__.
 *
 * Beware the compiler: GCC knows malloc, realloc and free. It may drop a malloc/free pair whose
 * pointer is never used, fold `p != NULL` or `p == q` for two fresh allocations, and fold a
 * constant size. So every size is read through a volatile object, every pointer is stored to a
 * volatile slot and printed, and comparisons are made on those stored values. Built with -O2.
 *
 * Modes and facts printed (key=value):
 *   zero       malloc(0) twice: null (yes/no), distinct (yes/no), usable size; free(NULL) is fine.
 *   realloc0   p = malloc(16) then realloc(p, 0): null (yes/no), same pointer as p (yes/no),
 *              errno; and realloc(NULL, 0) (which is malloc(0) on both).
 *   usable     malloc_usable_size(malloc(n)) for n = 0, 1, 8, 24, 25, 100, 1000, 4096, 100000.
 *   glibc-api  dlsym(RTLD_DEFAULT, name) for each glibc-only malloc function: yes/no.
 *   portable   the fix: realloc through a wrapper that frees and returns NULL for size 0, and
 *              malloc_trim only under #ifdef __GLIBC__. Prints the same facts on both libcs,
 *              except trim, which says whether the guarded call was compiled in.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lab-probe.h"

static volatile size_t ZERO = 0;
static volatile size_t SMALL = 16;
/* Pointers land here so GCC cannot reason about where they came from. */
static void *volatile SLOT_A;
static void *volatile SLOT_B;

static const char *yes_no(int condition) { return condition ? "yes" : "no"; }

static int mode_zero(void) {
  SLOT_A = malloc(ZERO);
  SLOT_B = malloc(ZERO);
  void *first = SLOT_A;
  void *second = SLOT_B;
  fact("malloc0.null", "%s", yes_no(first == NULL));
  fact("malloc0.distinct", "%s", yes_no((uintptr_t)first != (uintptr_t)second));
  fact("malloc0.usable", "%zu", malloc_usable_size(first));
  free(first);
  free(second);
  free(NULL);
  fact("free_null", "ok");
  return EXIT_SUCCESS;
}

static int mode_realloc0(void) {
  SLOT_A = malloc(SMALL);
  void *before = SLOT_A;
  /* The address as a number in a volatile, taken before realloc: the old pointer is never used
   * again (GCC's -Wuse-after-free follows a plain copy). */
  volatile uintptr_t before_address = (uintptr_t)before;
  memset(before, 'x', SMALL);
  errno = 0;
  SLOT_B = realloc(before, ZERO);
  int error = errno;
  void *after = SLOT_B;
  fact("realloc0.null", "%s", yes_no(after == NULL));
  fact("realloc0.same_pointer", "%s", yes_no((uintptr_t)after == before_address));
  fact("realloc0.errno", "%s", error == 0 ? "0" : strerror(error));
  if (after != NULL) {
    fact("realloc0.usable", "%zu", malloc_usable_size(after));
    free(after);
  }
  SLOT_A = realloc(NULL, ZERO);
  fact("realloc_null0.null", "%s", yes_no(SLOT_A == NULL));
  free(SLOT_A);
  return EXIT_SUCCESS;
}

static volatile size_t SIZES[] = {0, 1, 8, 24, 25, 100, 1000, 4096, 100000};

static int mode_usable(void) {
  for (size_t i = 0; i < sizeof SIZES / sizeof SIZES[0]; i++) {
    char key[32];
    size_t size = SIZES[i];
    SLOT_A = malloc(size);
    snprintf(key, sizeof key, "usable.%zu", size);
    fact(key, "%zu", malloc_usable_size(SLOT_A));
    free(SLOT_A);
  }
  return EXIT_SUCCESS;
}

static const char *const GLIBC_ONLY[] = {
    "mallinfo", "mallinfo2", "malloc_trim", "malloc_stats", "mallopt", "malloc_info",
};

static int mode_glibc_api(void) {
  for (size_t i = 0; i < sizeof GLIBC_ONLY / sizeof GLIBC_ONLY[0]; i++) {
    char key[32];
    snprintf(key, sizeof key, "has.%s", GLIBC_ONLY[i]);
    fact(key, "%s", yes_no(dlsym(RTLD_DEFAULT, GLIBC_ONLY[i]) != NULL));
  }
  /* The portable one, as a control: present on both. */
  fact("has.malloc_usable_size", "%s", yes_no(dlsym(RTLD_DEFAULT, "malloc_usable_size") != NULL));
  return EXIT_SUCCESS;
}

/* realloc with one meaning everywhere: size 0 frees and answers NULL, as glibc does. */
static void *portable_realloc(void *block, size_t size) {
  if (size == 0) {
    free(block);
    return NULL;
  }
  return realloc(block, size);
}

static int mode_portable(void) {
  SLOT_A = malloc(SMALL);
  memset(SLOT_A, 'x', SMALL);
  SLOT_B = portable_realloc(SLOT_A, ZERO);
  fact("realloc0.null", "%s", yes_no(SLOT_B == NULL));
  SLOT_A = portable_realloc(NULL, SMALL);
  fact("grow_from_null.null", "%s", yes_no(SLOT_A == NULL));
  free(SLOT_A);
#ifdef __GLIBC__
  malloc_trim(0);
  fact("trim", "called");
#else
  fact("trim", "not-compiled");
#endif
  return EXIT_SUCCESS;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "zero") == 0) return mode_zero();
  if (strcmp(mode, "realloc0") == 0) return mode_realloc0();
  if (strcmp(mode, "usable") == 0) return mode_usable();
  if (strcmp(mode, "glibc-api") == 0) return mode_glibc_api();
  if (strcmp(mode, "portable") == 0) return mode_portable();
  fprintf(stderr, "usage: %s zero|realloc0|usable|glibc-api|portable\n", argv[0]);
  return 2;
}
