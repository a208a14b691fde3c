/*
 * getopt: how getopt() and getopt_long() scan a command line on this libc: whether options after
 * an operand are seen (argument permutation), POSIXLY_CORRECT, "--", a leading '+' or '-' in the
 * option string, the message for an unknown option and optind after a missing argument.
 *
 * Why glibc and musl differ here:
 * POSIX (XSH getopt, and XBD 12.2 Utility Syntax Guidelines 9: "All options should precede
 * operands on the command line") has getopt() return -1 at the first operand:
 * https://pubs.opengroup.org/onlinepubs/9799919799/functions/getopt.html . glibc's getopt()
 * permutes argv by default: it skips operands, returns the options found after them and moves
 * the operands to the end, so `prog file -v` sees -v. It stops at the first operand only when
 * the option string starts with '+' or POSIXLY_CORRECT is set; a leading '-' returns each operand
 * as option 1 (glibc manual, "Using the getopt function",
 * https://sourceware.org/glibc/manual/latest/html_node/Using-Getopt.html). musl's getopt()
 * (src/misc/getopt.c) is the POSIX one: it stops at the first operand, never reorders argv, and
 * accepts a leading '+' (a no-op) or '-' (operands as option 1) for compatibility. musl's
 * getopt_long() (src/misc/getopt_long.c), a GNU extension anyway, does permute like glibc's
 * (since musl commit 59f6232f, 2014, in 1.1.6), which is why mount.zfs switched to it
 * (openzfs/zfs#4264) and systemd-dissect too (systemd/systemd#39937); xbps-uunshare broke on musl on `cmd arg1 -- args`, where musl leaves
 * the "--" among the operands (voidlinux/xbps#102). Source: musl wiki "Functional differences
 * from glibc", https://wiki.musl-libc.org/functional-differences-from-glibc.html
 *
 * Usage: getopt short|long OPTSTRING ARG...  The probe parses ARG... as a program's command line
 * (argv[0] is the probe itself) with getopt(), or with getopt_long() and the long options
 * --verbose (-v) and --out=X (-o X). Facts printed:
 *   opts      the options returned, in order, comma-separated: `v`, `o:ARG`, `1:OPERAND` (a '-'
 *             option string), `?:C` for an unknown option or a missing argument (optopt C);
 *             `missing:C` when a ':' option string asks getopt to return ':' for a missing
 *             argument; (none) when there were none.
 *   operands  argv[optind..] after scanning, '|'-separated: what the program treats as operands;
 *             "(optind past argc)" when optind ended above argc: POSIX has getopt() report a
 *             missing argument of the last option that way ("If the resulting value of optind is
 *             greater than argc, this indicates a missing option-argument"), and musl does;
 *             glibc leaves optind at argc.
 *   argv      the whole argument vector after scanning, '|'-separated: shows the permutation.
 *   optind    optind at the end.
 * Unknown options make the libc print its own message on stderr (opterr stays 1): glibc says
 * "invalid option -- 'x'", musl "unrecognized option: x". musl's getopt_long ignores
 * POSIXLY_CORRECT and permutes anyway (only a leading '+' stops it); glibc's honours it.
 *
 * Beware the compiler: nothing is constant (the command line comes from argv at run time), and
 * every printf goes through lab-probe.h's fact() with a format that has a conversion.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab-probe.h"

#define MAX_ARGS 32

static void join(char *out, size_t size, char **items, int count) {
  size_t used = 0;
  out[0] = '\0';
  for (int i = 0; i < count && used < size; i++)
    used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "|" : "", items[i]);
  if (count == 0) snprintf(out, size, "%s", "(none)");
}

/*
 * optarg is only meaningful after an option that takes an argument: musl leaves the previous value
 * in it otherwise (glibc resets it to NULL), so the probe asks the option string, not optarg.
 */
static int takes_argument(const char *optstring, int c) {
  const char *at = strchr(optstring, c);
  return at && c != ':' && at[1] == ':';
}

int main(int argc, char **argv) {
  if (argc < 3 || (strcmp(argv[1], "short") != 0 && strcmp(argv[1], "long") != 0) ||
      argc - 2 > MAX_ARGS) {
    fprintf(stderr, "usage: %s short|long OPTSTRING ARG...\n", argv[0]);
    return 2;
  }
  int use_long = strcmp(argv[1], "long") == 0;
  const char *optstring = argv[2];
  /* The command line under test: the probe's name, then ARG... */
  char *args[MAX_ARGS + 2];
  int count = 0;
  args[count++] = argv[0];
  for (int i = 3; i < argc; i++) args[count++] = argv[i];
  args[count] = NULL;

  static const struct option LONG_OPTIONS[] = {
      {"verbose", no_argument, NULL, 'v'},
      {"out", required_argument, NULL, 'o'},
      {NULL, 0, NULL, 0},
  };
  char opts[1024];
  size_t used = 0;
  opts[0] = '\0';
  int c;
  while ((c = use_long ? getopt_long(count, args, optstring, LONG_OPTIONS, NULL)
                       : getopt(count, args, optstring)) != -1) {
    char item[256];
    if (c == 1) snprintf(item, sizeof item, "1:%s", optarg);
    else if (c == '?') snprintf(item, sizeof item, "?:%c", optopt ? optopt : '?');
    else if (c == ':') snprintf(item, sizeof item, "missing:%c", optopt);
    else if (takes_argument(optstring, c)) snprintf(item, sizeof item, "%c:%s", c, optarg);
    else snprintf(item, sizeof item, "%c", c);
    used += (size_t)snprintf(opts + used, sizeof opts - used, "%s%s", used ? "," : "", item);
  }
  char operands[1024], all[1024];
  /* POSIX: a missing argument to the last option leaves optind at argc + 1 (musl does so). */
  if (optind > count) snprintf(operands, sizeof operands, "%s", "(optind past argc)");
  else join(operands, sizeof operands, args + optind, count - optind);
  join(all, sizeof all, args + 1, count - 1);
  fact("opts", "%s", used ? opts : "(none)");
  fact("operands", "%s", operands);
  fact("argv", "%s", all);
  fact("optind", "%d", optind);
  return 0;
}
