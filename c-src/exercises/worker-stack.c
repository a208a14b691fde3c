/*
 * Exercise worker-stack (scenario thread-stack): a worker thread that crashes on Alpine.
 *
 * The worker checksums data in blocks of 512 KiB, and it keeps each block in a local array, on
 * its own thread's stack. A thread created with default attributes gets the C library's default
 * stack: glibc takes it from RLIMIT_STACK (`ulimit -s`, usually 8 MiB), musl gives every thread
 * a fixed 128 KiB. So this program works on Ubuntu and dies of SIGSEGV on Alpine. It also dies
 * on Ubuntu when someone starts it with `ulimit -s 256`.
 *
 * TODO: make the worker survive on both C libraries, whatever `ulimit -s` says, without changing
 * what it computes: the blocks stay 512 KiB and the program still prints `checksum=0x...` (the
 * same value as now on Ubuntu) and exits with status 0. Only this file may change, not the build
 * flags.
 *
 * Try it:   npm run lab -- exercise worker-stack --solution path/to/your-copy.c
 * Read:     npm run lab -- explain thread-stack
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BLOCK_BYTES (512 * 1024)
#define BLOCKS 4

/* Fills one block the way the real program reads its input, and folds it into the checksum. */
static uint32_t checksum_block(volatile unsigned char *block, unsigned index, uint32_t hash) {
  for (size_t i = 0; i < BLOCK_BYTES; i++) block[i] = (unsigned char)(i * 31u + index * 7u);
  for (size_t i = 0; i < BLOCK_BYTES; i++) hash = (hash ^ block[i]) * 16777619u; /* FNV-1a */
  return hash;
}

static void *worker(void *result) {
  unsigned char block[BLOCK_BYTES]; /* 512 KiB on this thread's stack */
  uint32_t hash = 2166136261u;
  for (unsigned index = 0; index < BLOCKS; index++) hash = checksum_block(block, index, hash);
  *(uint32_t *)result = hash;
  return NULL;
}

int main(void) {
  pthread_t thread;
  uint32_t checksum = 0;
  if (pthread_create(&thread, NULL, worker, &checksum) != 0) {
    fprintf(stderr, "cannot start the worker\n");
    return EXIT_FAILURE;
  }
  pthread_join(thread, NULL);
  printf("checksum=0x%08x\n", (unsigned)checksum);
  return EXIT_SUCCESS;
}
