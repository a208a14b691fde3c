/*
 * headers-fts.c: fts_open(3) from <fts.h>, the BSD file-tree walk.
 *
 * Why the libcs differ: glibc has fts in libc; upstream musl does not (musl wiki, "Functional
 * differences from glibc"): on Alpine code needs the musl-fts package (`apk add musl-fts-dev`,
 * link with -lfts). Debian's musl-dev, which this lab's musl builder uses, bundles musl-fts into
 * musl's own libc (Debian bug #989746, "Import musl-fts"): here fts builds and runs on both, and
 * the case says so. Real case: zeek/zeek#3244 (Alpine 3.18: "undefined reference to `fts_open'",
 * the header from musl-fts-dev but no -lfts). Facts: fts.open=ok|failed, fts.entries=some|few
 * (the entries one level below /proc/self).
 */
#include "lab-probe.h"
#include <fts.h>
#include <sys/stat.h>
#include <sys/types.h>

int main(void) {
  char *paths[] = {"/proc/self", NULL};
  FTS *tree = fts_open(paths, FTS_PHYSICAL | FTS_COMFOLLOW | FTS_NOCHDIR, NULL);
  fact("fts.open", "%s", tree ? "ok" : "failed");
  if (!tree) return 1;
  int entries = 0;
  for (FTSENT *e = fts_read(tree); e; e = fts_read(tree)) {
    if (e->fts_info == FTS_D && e->fts_level == 1) fts_set(tree, e, FTS_SKIP);
    if (e->fts_level == 1 && e->fts_info != FTS_DP) entries++;
  }
  fts_close(tree);
  fact("fts.entries", "%s", entries > 3 ? "some" : "few");
  return 0;
}
