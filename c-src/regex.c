/*
 * regex: what regcomp/regexec make of one pattern, as each libc compiles it.
 *
 * Usage: regex ere|bre PATTERN SUBJECT [icase]. The probe prints what regcomp returned (0 or the
 * REG_* name and number), regerror's text, whether regexec matched and the offsets of the whole
 * match and of group 1, and the largest interval count the libc allows (RE_DUP_MAX, from
 * sysconf), as `key=value` lines.
 *
 * Why the libcs differ: POSIX (XBD 9.4, Extended Regular Expressions) leaves a back-reference
 * such as `\1` in an ERE undefined and defines `\w`, `\s`, `\b`, `\<` nowhere; only BREs
 * (XBD 9.3.6) have back-references. glibc's regcomp (posix/regcomp.c, shared with gnulib) takes
 * them all as GNU extensions. musl's regcomp is derived from TRE (src/regex/regcomp.c): it
 * accepts `\1` in an ERE too (tre_parse, "extension: in ERE n-th subexpression") and some GNU
 * escapes, but not all of them, and its error texts are its own (src/regex/regerror.c). The
 * differences the lab measured are the scenario's data (lab/scenarios/regex/cases.ts).
 *
 * The pattern and the subject come from argv, so nothing is known at compile time and the
 * compiler cannot fold a call away; every fact is printed through fact() (printf with a
 * format), never puts.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab-probe.h"

static const char *code_name(int code) {
  switch (code) {
    case 0: return "0";
    case REG_NOMATCH: return "REG_NOMATCH";
    case REG_BADPAT: return "REG_BADPAT";
    case REG_ECOLLATE: return "REG_ECOLLATE";
    case REG_ECTYPE: return "REG_ECTYPE";
    case REG_EESCAPE: return "REG_EESCAPE";
    case REG_ESUBREG: return "REG_ESUBREG";
    case REG_EBRACK: return "REG_EBRACK";
    case REG_EPAREN: return "REG_EPAREN";
    case REG_EBRACE: return "REG_EBRACE";
    case REG_BADBR: return "REG_BADBR";
    case REG_ERANGE: return "REG_ERANGE";
    case REG_ESPACE: return "REG_ESPACE";
    case REG_BADRPT: return "REG_BADRPT";
#ifdef REG_ESIZE
    /* A GNU extension (glibc's regex.h): the compiled pattern would be too big. */
    case REG_ESIZE: return "REG_ESIZE";
#endif
    default: return "other";
  }
}

static void offsets(const char *key, const regmatch_t *match, const char *subject) {
  char name[32];
  if (match->rm_so < 0) {
    fact(key, "none");
    return;
  }
  fact(key, "%ld-%ld", (long)match->rm_so, (long)match->rm_eo);
  snprintf(name, sizeof name, "%s.text", key);
  fact(name, "%.*s", (int)(match->rm_eo - match->rm_so), subject + match->rm_so);
}

int main(int argc, char **argv) {
  if (argc < 4 || (strcmp(argv[1], "ere") != 0 && strcmp(argv[1], "bre") != 0)) {
    fprintf(stderr, "usage: %s ere|bre PATTERN SUBJECT [icase]\n", argv[0]);
    return 2;
  }
  const char *pattern = argv[2];
  const char *subject = argv[3];
  int flags = strcmp(argv[1], "ere") == 0 ? REG_EXTENDED : 0;
  if (argc > 4 && strcmp(argv[4], "icase") == 0) flags |= REG_ICASE;

  fact("flavor", "%s", argv[1]);
  fact("pattern", "%s", pattern);
  fact("subject", "%s", subject);
  fact("re_dup_max", "%ld", sysconf(_SC_RE_DUP_MAX));

  regex_t compiled;
  int code = regcomp(&compiled, pattern, flags);
  fact("regcomp", "%s", code_name(code));
  fact("regcomp.code", "%d", code);
  if (code != 0) {
    char text[256];
    regerror(code, &compiled, text, sizeof text);
    fact("regerror", "%s", text);
    fact("regexec", "not-compiled");
    return EXIT_SUCCESS;
  }
  fact("re_nsub", "%zu", compiled.re_nsub);

  regmatch_t match[2];
  int result = regexec(&compiled, subject, 2, match, 0);
  const char *outcome = result == 0 ? "match" : result == REG_NOMATCH ? "nomatch" : "error";
  fact("regexec", "%s", outcome);
  if (result == 0) {
    offsets("match.0", &match[0], subject);
    if (compiled.re_nsub >= 1) offsets("match.1", &match[1], subject);
  }
  regfree(&compiled);
  return EXIT_SUCCESS;
}
