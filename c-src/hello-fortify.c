/*
 * hello-fortify: a glibc binary on musl with only glibc's file names linked to musl's libc.
 *
 * Why glibc and musl differ here: Alpine's libc6-compat links /lib64/ld-linux-x86-64.so.2 and
 * libc.so.6 (libm.so.6, libpthread.so.0, ...) to musl's libc, so a glibc binary's PT_INTERP and
 * DT_NEEDED resolve and musl's loader starts it. From then on every symbol the binary imports must
 * exist in musl; a missing one is `Error relocating <binary>: <symbol>: symbol not found`, exit 127.
 * This probe calls only standard C and POSIX functions, so built plainly it runs. Built with
 * -O2 -D_FORTIFY_SOURCE=2 (Ubuntu's gcc does that by default, Debian's does not), glibc's headers
 * turn printf and vprintf with a format into __printf_chk and __vfprintf_chk: glibc-only symbols
 * musl does not have. (hello.c also calls gnu_get_libc_version, a glibc extension, and fails on
 * that one.) The lab compiles with -O2 always: fortification needs optimisation.
 * Sources: Alpine aports, main/musl APKBUILD (libc6-compat); glibc manual, "Source Fortification";
 * Ubuntu wiki, ToolChain/CompilerFlags.
 *
 * Facts printed (through lab-probe.h's fact(): printf("%s=", key), the call fortification rewrites):
 *   built_for     the libc whose headers compiled this file (glibc defines __GLIBC__)
 *   confstr_libc  confstr(_CS_GNU_LIBC_VERSION) at run time: glibc answers, musl fails with EINVAL,
 *                 so a glibc build that prints `unavailable` is running on musl's code
 */
#include <stdlib.h>
#include <unistd.h>

#include "lab-probe.h"

int main(void) {
#ifdef __GLIBC__
  fact("built_for", "glibc");
#else
  fact("built_for", "musl");
#endif

  char version[64];
  size_t length = confstr(_CS_GNU_LIBC_VERSION, version, sizeof version);
  fact("confstr_libc", "%s", length > 0 ? version : "unavailable");

  fact("hello", "ok");
  return EXIT_SUCCESS;
}
