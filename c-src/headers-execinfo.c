/*
 * headers-execinfo.c: backtrace(3) from <execinfo.h>, which glibc has and musl does not.
 *
 * Why the libcs differ: backtrace, backtrace_symbols and backtrace_symbols_fd are a glibc
 * extension (glibc manual "Backtraces"); musl ships no <execinfo.h> at all (musl wiki,
 * "Functional differences from glibc"), so code that includes it does not build there:
 * "fatal error: execinfo.h: No such file or directory". Alpine's libexecinfo was a third-party
 * replacement, dropped in Alpine 3.17. Real case: h2o/h2o#2328 ("fatal error: execinfo.h: No
 * such file or directory" on Alpine 3.11).
 * With -DLAB_PORTABLE the call is guarded by #ifdef __GLIBC__, the usual fix: musl builds it and
 * reports `backtrace.frames=unsupported`.
 * Facts: backtrace.frames=some|none|unsupported.
 */
#include "lab-probe.h"
#if !defined(LAB_PORTABLE) || defined(__GLIBC__)
#include <execinfo.h>
#define HAVE_BACKTRACE 1
#endif

int main(void) {
#ifdef HAVE_BACKTRACE
  void *frames[16];
  int depth = backtrace(frames, 16);
  fact("backtrace.frames", "%s", depth > 0 ? "some" : "none");
#else
  fact("backtrace.frames", "unsupported");
#endif
  return 0;
}
