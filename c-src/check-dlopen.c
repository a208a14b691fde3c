/*
 * check-dlopen: loads one shared object the way a program that uses it would, and says what the
 * loader said. `check` runs it to confirm what it predicted for a `.so` or `.node` file.
 *
 * Why the libcs differ: both loaders search DT_NEEDED along their own path and bind every
 * undefined symbol, but musl binds all of them at load time always (it has no lazy binding of
 * missing symbols to fall back on for data, and reports `Error relocating X: sym: symbol not
 * found`), ignores symbol versions and treats weak undefined symbols as 0; glibc checks every
 * GLIBC_x.y version the file needs (`version 'GLIBC_2.38' not found`). RTLD_NOW makes glibc bind
 * every function now as musl does, so a missing symbol shows at load on both instead of at the
 * first call. Sources: musl ldso/dynlink.c (load_library, do_relocs); glibc elf/dl-open.c,
 * dlopen(3).
 *
 * Prints `dlopen=ok`, or `dlopen_error=` and dlerror()'s text on one line; exit 0 either way, so
 * a crash or a hang is the library's own doing (its constructors run here).
 */
#include <dlfcn.h>
#include <stdio.h>

#include "lab-probe.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s LIBRARY\n", argv[0]);
    return 2;
  }
  void *handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL) {
    const char *error = dlerror();
    char line[4096];
    /* One line: a loader message never spans lines, but keep the report's key=value form. */
    snprintf(line, sizeof line, "%s", error ? error : "(no dlerror text)");
    for (char *p = line; *p; p++)
      if (*p == '\n') *p = ' ';
    fact("dlopen_error", "%s", line);
    return 0;
  }
  fact("dlopen", "ok");
  return 0;
}
