/*
 * headers-error.c: error(3) from <error.h>, glibc's "program: message" reporter.
 *
 * Why the libcs differ: error() and error_at_line() are GNU extensions (glibc manual "Error
 * Messages"); musl has no <error.h> ("fatal error: error.h: No such file or directory"). The
 * portable replacement is fprintf(stderr, ...) or BSD err(3)/warn(3), which musl has in
 * <err.h> (-DLAB_PORTABLE uses warnx).
 * Facts: error.called=yes; the message goes to stderr.
 */
#include "lab-probe.h"
#ifndef LAB_PORTABLE
#include <error.h>
#else
#include <err.h>
#endif

int main(void) {
#ifndef LAB_PORTABLE
  error(0, 0, "a message through error(3)");
#else
  warnx("a message through warnx(3)");
#endif
  fact("error.called", "yes");
  return 0;
}
