/*
 * Exercise options-anywhere (scenario getopt): a command line that works on glibc only.
 *
 * The program is a small tool documented as `tool FILE... [-v] [-o OUT]`: options may follow
 * the files, as GNU tools allow. It parses its command line with getopt(argc, argv, "vo:") and
 * prints what it understood: `verbose=0|1`, `out=NAME` (or `out=-` when -o was not given) and
 * `files=A|B|...` (or `files=(none)`). glibc's getopt permutes argv, so `tool in.txt -v -o x`
 * works on Ubuntu. musl's getopt is the POSIX one and stops at the first file: on Alpine the
 * same command line gives verbose=0, and -v, -o and x become files too. With
 * POSIXLY_CORRECT set, glibc stops at the first file too.
 *
 * TODO: accept the options anywhere on the command line, on every C library and whatever the
 * environment says (POSIXLY_CORRECT included):
 *   - -v and -o OUT may come before, between or after the files; the files keep their order;
 *   - "--" still ends the options: everything after it is a file, even "-v";
 *   - keep the output lines and exit 0.
 *
 * Try it:   npm run lab -- exercise options-anywhere --solution path/to/your-copy.c
 * Read:     npm run lab -- explain getopt
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int verbose = 0;
  const char *out = "-";
  int c;
  while ((c = getopt(argc, argv, "vo:")) != -1) {
    switch (c) {
    case 'v': verbose = 1; break;
    case 'o': out = optarg; break;
    default: return 2;
    }
  }
  printf("verbose=%d\n", verbose);
  printf("out=%s\n", out);
  fputs("files=", stdout);
  if (optind == argc) fputs("(none)", stdout);
  for (int i = optind; i < argc; i++) printf("%s%s", i > optind ? "|" : "", argv[i]);
  fputs("\n", stdout);
  return EXIT_SUCCESS;
}
