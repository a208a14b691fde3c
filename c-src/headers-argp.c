/*
 * headers-argp.c: argp_parse(3) from <argp.h>, glibc's argument parser.
 *
 * Why the libcs differ: argp is part of glibc (glibc manual "Argp"); musl has none ("fatal
 * error: argp.h: No such file or directory"): on Alpine it comes from the argp-standalone
 * package, linked with -largp. Facts: argp.parse=0.
 */
#include "lab-probe.h"
#include <argp.h>

int main(int argc, char **argv) {
  static const struct argp parser = {0};
  fact("argp.parse", "%d", (int)argp_parse(&parser, argc, argv, 0, 0, 0));
  return 0;
}
