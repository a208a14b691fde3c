/*
 * Exercise run-on-alpine (scenario hello): a tool that says which C library it runs on.
 *
 * `whichlibc` prints one line, `libc=glibc 2.41` on Ubuntu or Debian. It builds and works there,
 * but the team now ships it on Alpine too, and on Alpine it does not even compile:
 * <gnu/libc-version.h> and gnu_get_libc_version() are glibc extensions, and musl (deliberately)
 * has neither, nor any macro that names it.
 *
 * TODO: make this file build and run unchanged in meaning with both C libraries:
 *   - with glibc it prints `libc=glibc VERSION` (the version of the glibc it runs with);
 *   - with musl it prints `libc=musl`;
 *   - linked statically against musl and run on Ubuntu it must still say `libc=musl`: the C
 *     library inside the binary is the one that runs.
 * Keep the output format exactly as above and exit with status 0.
 *
 * Try it:   npm run lab -- exercise run-on-alpine --solution path/to/your-copy.c
 * Read:     npm run lab -- explain hello
 */
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  printf("libc=glibc %s\n", gnu_get_libc_version());
  return EXIT_SUCCESS;
}
