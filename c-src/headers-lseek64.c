/*
 * headers-lseek64.c: the LFS64 names lseek64 and off64_t, and the feature-test macros that
 * declare them.
 *
 * Why the libcs differ: the "transitional" large-file API (lseek64, off64_t, stat64, ...) of the
 * LFS spec is declared by glibc under _LARGEFILE64_SOURCE, which _GNU_SOURCE implies; without
 * either glibc hides it too. musl's off_t has always been 64-bit, and up to 1.2.3 it provided the
 * *64 names as macros under _GNU_SOURCE as well. musl 1.2.4 (WHATSNEW: "the legacy LFS64
 * interfaces ... are no longer provided under _GNU_SOURCE, only under explicit
 * _LARGEFILE64_SOURCE") removed them from the _GNU_SOURCE profile, so code that built on musl
 * 1.2.3 fails on 1.2.5: "unknown type name 'off64_t'" (gcc 14 also: "implicit declaration of
 * function 'lseek64'" as an error). Real case: openwrt/openwrt#12555.
 * Build variants: default _GNU_SOURCE (the real code's situation); -DLAB_STRICT: no feature-test
 * macro at all; -D_LARGEFILE64_SOURCE: the explicit macro (a fix); -DLAB_PORTABLE: plain lseek
 * and off_t (the better fix: 64-bit on musl always, on glibc with _FILE_OFFSET_BITS=64).
 * Facts: lseek64.ok=yes (the size of /proc/self/exe's file came back), off.bits=64.
 */
#if !defined(LAB_STRICT) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include "lab-probe.h"
#include <fcntl.h>
#include <unistd.h>

int main(void) {
  int fd = open("/proc/self/exe", O_RDONLY);
#ifndef LAB_PORTABLE
  off64_t end = lseek64(fd, 0, SEEK_END);
#else
  off_t end = lseek(fd, 0, SEEK_END);
#endif
  fact("lseek64.ok", "%s", end > 0 ? "yes" : "no");
  fact("off.bits", "%d", (int)(sizeof end * 8));
  close(fd);
  return 0;
}
