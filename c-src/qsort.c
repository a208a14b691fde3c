/*
 * qsort: is the order of equal keys kept? (stability)
 *
 * Usage: qsort N [tiebreak]. The probe sorts N records whose keys repeat (key = i*7 mod 5, so
 * every key occurs about N/5 times, interleaved) by key alone, or by key then original index
 * with `tiebreak`, and prints how many adjacent records with equal keys came out in the wrong
 * order of input (`inversions`; 0 = input order kept), whether the result is sorted at all, the
 * first records as `key:index` (`head`) and a checksum of the whole order (`order_fnv`): what a
 * program that prints the sorted list would show.
 *
 * Why the libcs differ: C11 7.22.5.2 and POSIX qsort() promise no order for equal elements.
 * glibc's qsort (stdlib/msort.c) sorts with a merge sort into a temporary buffer, which is
 * stable, and falls back to an unstable sort only when the buffer cannot be had (glibc 2.36:
 * quicksort when the array exceeds a quarter of physical memory or malloc fails; since 2.39:
 * heapsort when malloc fails). Introsort replaced it on glibc's master in Oct 2023 (commit
 * 274a46c9b25a) and the merge sort came back before 2.39 was released (709fbd3ec359, "stdlib:
 * Reinstate stable mergesort implementation on qsort", Jan 2024) because programs relied on it:
 * no release shipped an unstable qsort for arrays of this size. musl's qsort is smoothsort
 * (src/stdlib/qsort.c), which is not stable.
 *
 * The keys are computed at run time from argv's N and the records sit in a malloc'd array, so
 * nothing is sorted at compile time; the comparator is called through qsort's function pointer
 * and cannot be inlined away. Output goes through fact() (printf with a format).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lab-probe.h"

#define KEY_SPREAD 5
#define KEY_STRIDE 7
#define HEAD_RECORDS 12
#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u
#define MAX_RECORDS 1000000

struct record {
  int key;
  int index;
};

static int by_key(const void *left, const void *right) {
  const struct record *a = left;
  const struct record *b = right;
  return (a->key > b->key) - (a->key < b->key);
}

/* The fix: equal keys are ordered by their original position, so the order is total. */
static int by_key_then_index(const void *left, const void *right) {
  const struct record *a = left;
  const struct record *b = right;
  int order = by_key(left, right);
  return order != 0 ? order : (a->index > b->index) - (a->index < b->index);
}

int main(int argc, char **argv) {
  long count = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
  int tiebreak = argc > 2 && strcmp(argv[2], "tiebreak") == 0;
  if (count < 1 || count > MAX_RECORDS) {
    fprintf(stderr, "usage: %s N [tiebreak] (1 <= N <= %d)\n", argv[0], MAX_RECORDS);
    return 2;
  }
  struct record *records = malloc((size_t)count * sizeof *records);
  if (records == NULL) {
    fprintf(stderr, "malloc of %ld records failed\n", count);
    return 1;
  }
  for (long i = 0; i < count; i++) {
    records[i].key = (int)(i * KEY_STRIDE % KEY_SPREAD);
    records[i].index = (int)i;
  }
  qsort(records, (size_t)count, sizeof *records, tiebreak ? by_key_then_index : by_key);

  long inversions = 0;
  long unsorted = 0;
  uint32_t hash = FNV_OFFSET;
  char head[HEAD_RECORDS * 16] = "";
  for (long i = 0; i < count; i++) {
    if (i > 0 && records[i - 1].key > records[i].key) unsorted++;
    if (i > 0 && records[i - 1].key == records[i].key && records[i - 1].index > records[i].index)
      inversions++;
    hash = (hash ^ (uint32_t)records[i].index) * FNV_PRIME;
    if (i < HEAD_RECORDS) {
      char one[16];
      snprintf(one, sizeof one, "%s%d:%d", i > 0 ? "," : "", records[i].key, records[i].index);
      strcat(head, one);
    }
  }
  fact("count", "%ld", count);
  fact("comparator", "%s", tiebreak ? "key-then-index" : "key");
  fact("sorted", "%s", unsorted == 0 ? "yes" : "no");
  fact("inversions", "%ld", inversions);
  fact("stable", "%s", inversions == 0 ? "yes" : "no");
  fact("head", "%s", head);
  fact("order_fnv", "%08x", hash);
  free(records);
  return EXIT_SUCCESS;
}
