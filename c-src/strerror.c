/*
 * strerror.c: the texts strerror(3) gives for 0, EOPNOTSUPP, EDEADLK, EILSEQ and an unknown
 * number, the text under a German locale, and the XSI strerror_r.
 *
 * Why the libcs differ: POSIX fixes the error numbers, not their messages. glibc's texts come
 * from its own table (string/_strerror.c, sysdeps errlist) and are translated through its
 * message catalogs (libc.mo) under LC_MESSAGES; unknown numbers read "Unknown error N". musl has
 * its own shorter table (src/errno/__strerror.h): other words for the same numbers, "No error
 * information" for 0 and for every unknown number, and no translations of its own. Code that
 * matches on message text breaks. strerror_r: with _POSIX_C_SOURCE (no _GNU_SOURCE) both give
 * the XSI form, int strerror_r(int, char *, size_t), which fills the buffer.
 * Sources: POSIX strerror; glibc manual "Error Messages"; musl src/errno/__strerror.h.
 * Modes (first argument): texts | translated | xsi. Facts: text.*, de.enoent, xsi.*.
 */
#define _POSIX_C_SOURCE 200809L
#include "lab-probe.h"
#include <errno.h>
#include <locale.h>
#include <string.h>

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "texts";
  if (strcmp(mode, "texts") == 0) {
    fact("text.0", "%s", strerror(0));
    fact("text.eopnotsupp", "%s", strerror(EOPNOTSUPP));
    fact("text.edeadlk", "%s", strerror(EDEADLK));
    fact("text.eilseq", "%s", strerror(EILSEQ));
    fact("text.unknown", "%s", strerror(12345));
    fact("same.eopnotsupp_enotsup", "%s", EOPNOTSUPP == ENOTSUP ? "yes" : "no");
  } else if (strcmp(mode, "translated") == 0) {
    fact("setlocale", "%s", setlocale(LC_ALL, "") ? "ok" : "refused");
    fact("de.enoent", "%s", strerror(ENOENT));
  } else {
    char buf[128] = "";
    int r = strerror_r(ENOENT, buf, sizeof buf);
    fact("xsi.result", "%d", r);
    fact("xsi.buffer", "%s", buf);
  }
  return 0;
}
