/*
 * hello: which C library is this binary running on?
 *
 * Why glibc and musl differ here: a dynamically linked binary names its loader in the PT_INTERP
 * program header (/lib64/ld-linux-x86-64.so.2 for glibc on x86-64, /lib/ld-musl-x86_64.so.1 for
 * musl) and its libraries in DT_NEEDED (libc.so.6 for glibc, libc.so for musl). The kernel execs
 * the loader first; when that file does not exist, execve fails with ENOENT and the shell says
 * "not found" about the program, although the program itself is right there.
 * Sources: System V ABI, AMD64 supplement, "Program Interpreter"; musl FAQ ("Can I run glibc
 * binaries on musl?"), https://wiki.musl-libc.org/faq.html; gcompat, https://git.adelielinux.org/adelie/gcompat
 *
 * Facts printed:
 *   built_for              the libc whose headers compiled this file (glibc defines __GLIBC__;
 *                          musl deliberately defines no identifying macro)
 *   gnu_get_libc_version   glibc's own version call, only in glibc builds (gcompat answers it too)
 *   confstr_libc           confstr(_CS_GNU_LIBC_VERSION) at run time: glibc answers, musl fails
 *                          with EINVAL, so this tells the libc really running the code
 *   getpwnam_root          whether the user database works. glibc reaches /etc/passwd through
 *                          NSS; current glibc has the `files` and `dns` services built in, so a
 *                          static glibc binary still finds root on a musl system
 *   setlocale_en_us        setlocale(LC_ALL, "en_US.UTF-8"): glibc loads compiled locale data
 *                          from the system it runs on (/usr/lib/locale), which a musl system does
 *                          not have, so a static glibc binary there gets NULL; musl accepts any
 *                          locale name (it has no locale data to miss)
 */
#include <locale.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "lab-probe.h"

#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

int main(void) {
#ifdef __GLIBC__
  fact("built_for", "glibc");
  fact("gnu_get_libc_version", "%s", gnu_get_libc_version());
#else
  fact("built_for", "musl");
#endif

  char version[64];
  size_t length = confstr(_CS_GNU_LIBC_VERSION, version, sizeof version);
  fact("confstr_libc", "%s", length > 0 ? version : "unavailable");

  struct passwd *root = getpwnam("root");
  fact("getpwnam_root", "%s", root != NULL ? "found" : "missing");

  const char *locale = setlocale(LC_ALL, "en_US.UTF-8");
  fact("setlocale_en_us", "%s", locale != NULL ? locale : "failed");

  fact("hello", "ok");
  return EXIT_SUCCESS;
}
