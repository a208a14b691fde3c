/*
 * headers-glob.c: glibc's glob(3) and fnmatch(3) extensions GLOB_BRACE, GLOB_ONLYDIR and
 * FNM_EXTMATCH.
 *
 * Why the libcs differ: POSIX glob/fnmatch define neither braces nor extended patterns; glibc
 * adds GLOB_BRACE, GLOB_ONLYDIR, GLOB_TILDE... (glibc manual "More Flags for Globbing") and
 * FNM_EXTMATCH (ksh-style `+(a|b)`, "Wildcard Matching"). musl's <glob.h> and <fnmatch.h> have
 * the POSIX flags and a few BSD ones (GLOB_TILDE since 1.1.20) but none of these, so code that
 * names them does not build: "'GLOB_BRACE' undeclared". The usual fix is `#ifdef GLOB_BRACE`
 * (with -DLAB_PORTABLE the probe does so and expands the braces itself). Feature-test macros
 * matter on glibc too: GLOB_BRACE and GLOB_ONLYDIR come with the default _DEFAULT_SOURCE, but
 * FNM_EXTMATCH only with _GNU_SOURCE (defined here, as the real code does). Real case:
 * zendframework/zend-stdlib#58 (PHP's GLOB_BRACE undefined on Alpine), fixed by #59.
 * Facts: glob.brace=N (paths found for /{etc,proc}), fnmatch.extmatch=0 (matched).
 */
#define _GNU_SOURCE
#include "lab-probe.h"
#include <fnmatch.h>
#include <glob.h>

int main(void) {
  glob_t found;
#if !defined(LAB_PORTABLE) || defined(GLOB_BRACE)
  int r = glob("/{etc,proc}", GLOB_BRACE | GLOB_ONLYDIR, NULL, &found);
#else
  int r = glob("/etc", 0, NULL, &found);
  if (r == 0) r = glob("/proc", GLOB_APPEND, NULL, &found);
#endif
  fact("glob.brace", "%d", r == 0 ? (int)found.gl_pathc : -1);
#if !defined(LAB_PORTABLE) || defined(FNM_EXTMATCH)
  fact("fnmatch.extmatch", "%d", fnmatch("+(a|b)", "ab", FNM_EXTMATCH));
#else
  fact("fnmatch.extmatch", "unsupported");
#endif
  return 0;
}
