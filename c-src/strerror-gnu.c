/*
 * strerror-gnu.c: GNU-style strerror_r, `char *s = strerror_r(errnum, buf, len)`.
 *
 * Why the libcs differ: glibc has two strerror_r: the XSI one (int, fills buf) and, under
 * _GNU_SOURCE, the GNU one that returns a char * (maybe a static string, buf untouched). musl
 * has only the XSI one, whatever the feature-test macros (src/string/strerror_r.c). So GNU-style
 * code assigns an int to a pointer: gcc 14 refuses it ("initialization of 'char *' from 'int'
 * makes pointer from integer without a cast [-Wint-conversion]" is an error), gcc 12 only warns,
 * and the program then holds (char *)0: a crash waiting in the next printf. Real case:
 * h2o/h2o#3109, fixed by #3118 (choose the XSI form on musl).
 * Facts: gnu.null=yes|no (the pointer came back NULL), gnu.text=... (when not NULL).
 */
#define _GNU_SOURCE
#include "lab-probe.h"
#include <errno.h>
#include <string.h>

int main(void) {
  char buf[128] = "";
  char *s = strerror_r(ENOENT, buf, sizeof buf);
  fact("gnu.null", "%s", s == NULL ? "yes" : "no");
  if (s != NULL) fact("gnu.text", "%s", s);
  return 0;
}
