/*
 * headers-obstack.c: obstacks from <obstack.h>, glibc's stack-like allocator.
 *
 * Why the libcs differ: obstacks are glibc's (glibc manual "Obstacks", also in gnulib and
 * libiberty); musl has no <obstack.h> ("fatal error: obstack.h: No such file or directory"):
 * on Alpine the musl-obstack package provides it (-lobstack). Facts: obstack.copy=hello.
 */
#include "lab-probe.h"
#include <obstack.h>
#include <stdlib.h>
#define obstack_chunk_alloc malloc
#define obstack_chunk_free free

int main(void) {
  struct obstack pool;
  obstack_init(&pool);
  char *copy = obstack_copy0(&pool, "hello", 5);
  fact("obstack.copy", "%s", copy);
  obstack_free(&pool, NULL);
  return 0;
}
