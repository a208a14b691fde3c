/*
 * locale: what setlocale, strcoll, number/date formatting, case mapping and multibyte
 * conversion do on this libc, one mode per argument (setlocale, collate LOCALE, format, case,
 * bytes, available).
 *
 * Why glibc and musl differ here:
 * glibc ships compiled locale data (localedef output in /usr/lib/locale/locale-archive, or the
 * directory named by LOCPATH). setlocale succeeds only for names that were generated on the
 * running system and returns NULL for anything else, so the same image behaves differently
 * before and after `locale-gen`. A loaded locale changes everything: collation (ISO 14651
 * tables), digit grouping, decimal point, day/month names, case mapping, character classes.
 * Source: glibc manual, chapter "Locales and Internationalization",
 * https://sourceware.org/glibc/manual/latest/html_node/Locales.html
 *
 * musl has no compiled locale data. Its only locales are built in: "C"/"POSIX" (byte-based
 * LC_CTYPE) and "C.UTF-8" (UTF-8 LC_CTYPE, since the locale framework of 2014, musl commit
 * 0bc03091). Any other name is accepted: src/locale/locale_map.c looks for a file of that
 * name under MUSL_LOCPATH (which only holds LC_MESSAGES/LC_TIME translations) and, finding
 * none, records the name anyway with C.UTF-8 behaviour, "for the sake of being able to do
 * message translations at the application level". Rich Felker explains the design goal, that
 * musl is "always UTF-8" unless C/POSIX is asked for, so a missing locale must not fail:
 * https://www.openwall.com/lists/musl/2017/11/08/1 . Collation is plain byte order:
 * src/locale/strcoll.c is `return strcmp(l, r);`. There is no LC_NUMERIC/LC_MONETARY data, so
 * localeconv() is the C one and printf's ' flag groups nothing. towupper/iswalpha are
 * locale-independent Unicode tables. Sources: musl wiki "Functional differences from glibc",
 * section "Character sets and locale",
 * https://wiki.musl-libc.org/functional-differences-from-glibc.html ; musl source src/locale/
 * (setlocale.c, locale_map.c, strcoll.c, langinfo.c). Real-world case: PostgreSQL on Alpine
 * sorts like COLLATE "C" whatever LANG says, https://github.com/docker-library/postgres/issues/327
 *
 * Modes and facts printed (keys match ^[a-z_][a-z0-9_.]*$; NULL means setlocale failed):
 *   setlocale      setlocale(LC_ALL, X) for X = "" (from LC_ALL, LC_<category> or LANG; the
 *                  harness runs this with them unset and with LANG=de_DE.UTF-8), "C", "C.UTF-8",
 *                  "en_US.UTF-8", "de_DE.UTF-8" and "xx_YY.UTF-8" (no such locale), followed by
 *                  nl_langinfo(CODESET), MB_CUR_MAX and the LC_CTYPE/LC_COLLATE names, then a
 *                  reset to "C". glibc: "" gives "C" without variables, NULL for names not
 *                  generated. musl: never NULL; when the categories differ LC_ALL answers with
 *                  all six names joined by ';' (musl setlocale.c), e.g. "C.UTF-8;C;C;C;C;C"
 *                  because "C.UTF-8" only changes LC_CTYPE.
 *   collate L      setlocale(LC_ALL, L), then qsort with strcoll of a fixed word list. glibc
 *                  de_DE sorts Ä/Å/Ö with A/O; sv_SE puts Å, Ä, Ö after Z; C and every musl
 *                  locale give byte order (uppercase ASCII, lowercase ASCII, then UTF-8 lead
 *                  bytes). The sort runs at run time through strcoll, nothing is precomputed.
 *   format         under en_US.UTF-8 and de_DE.UTF-8: "%'d" of 1234567, "%'.2f" of 1234567.891,
 *                  localeconv() decimal_point/thousands_sep, strftime %c, %x and "%A %d %B %Y"
 *                  of gmtime(1710000000) = 2024-03-09 16:00:00 UTC (a Saturday). Beware the
 *                  compiler: GCC evaluates snprintf of constants at compile time when it can,
 *                  so the number is read through a volatile object and only the run-time libc
 *                  formats it. musl parses the ' flag but has no grouping data, and its
 *                  %c/%x are the C formats (src/locale/langinfo.c); MUSL_LOCPATH translation
 *                  files could change LC_TIME names (not measured here).
 *   case           under tr_TR.UTF-8: towupper(L'i'), towlower(L'I'), towlower(U+0130) and
 *                  toupper('i'). glibc's tr_TR maps i -> U+0130 (dotted capital I) and I ->
 *                  U+0131 (dotless i); musl's case mapping ignores the locale (src/ctype/
 *                  towctrans.c has no locale argument). toupper works on single bytes, so
 *                  U+0130 cannot be its answer: glibc's tr_TR leaves 'i' unchanged, musl says 'I'.
 *   bytes          under "C" and "C.UTF-8": mbrtowc and mbstowcs of the UTF-8 bytes of "é"
 *                  (0xC3 0xA9), wcrtomb of U+00E9, iswalpha(U+00E9), MB_CUR_MAX, CODESET.
 *                  musl's C locale is byte-based since 2015 (design mail:
 *                  https://inbox.vuxu.org/musl/20150606214007.GA17398@brightrain.aerifal.cx/):
 *                  bytes 0x80-0xFF decode to U+DF80-U+DFFF, so nothing is EILSEQ. glibc's C
 *                  locale is ASCII and rejects high bytes with EILSEQ. glibc's C.UTF-8 (upstream
 *                  since 2.35, https://hacktivis.me/notes/C.UTF-8) is not built in: it is locale
 *                  data like any other, so a static glibc binary on a musl system gets NULL.
 *   available      setlocale(LC_ALL, name) for a fixed list, yes/no, plus MUSL_LOCPATH and
 *                  LOCPATH from the environment. On musl every name is "available", which is
 *                  why configure scripts and test suites cannot detect locales there.
 */
#include <ctype.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <wctype.h>

#include "lab-probe.h"

#define FIXED_TIMESTAMP 1710000000
#define UTF8_MAX_BYTES 4

static const char *or_null(const char *value) { return value != NULL ? value : "NULL"; }

static const char *or_unset(const char *value) { return value != NULL ? value : "unset"; }

static const char *errno_name(int error) {
  switch (error) {
  case 0:
    return "0";
  case EILSEQ:
    return "EILSEQ";
  case EINVAL:
    return "EINVAL";
  default:
    return "other";
  }
}

/* Encoded by hand so the bytes do not depend on the locale the probe is in. */
static void utf8_encode(unsigned long code, char out[UTF8_MAX_BYTES + 1]) {
  if (code < 0x80) {
    out[0] = (char)code;
    out[1] = 0;
  } else if (code < 0x800) {
    out[0] = (char)(0xC0 | (code >> 6));
    out[1] = (char)(0x80 | (code & 0x3F));
    out[2] = 0;
  } else if (code < 0x10000) {
    out[0] = (char)(0xE0 | (code >> 12));
    out[1] = (char)(0x80 | ((code >> 6) & 0x3F));
    out[2] = (char)(0x80 | (code & 0x3F));
    out[3] = 0;
  } else {
    out[0] = (char)(0xF0 | (code >> 18));
    out[1] = (char)(0x80 | ((code >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((code >> 6) & 0x3F));
    out[3] = (char)(0x80 | (code & 0x3F));
    out[4] = 0;
  }
}

/* size_t results of the multibyte functions: (size_t)-1 and -2 are errors, print them signed. */
static long size_result(size_t result) {
  return result >= (size_t)-2 ? -(long)((size_t)0 - result) : (long)result;
}

static void try_setlocale(const char *key, const char *name) {
  char subkey[64];
  const char *result = setlocale(LC_ALL, name);
  fact(key, "%s", or_null(result));
  snprintf(subkey, sizeof subkey, "%s.codeset", key);
  fact(subkey, "%s", nl_langinfo(CODESET));
  snprintf(subkey, sizeof subkey, "%s.mb_cur_max", key);
  fact(subkey, "%zu", MB_CUR_MAX);
  snprintf(subkey, sizeof subkey, "%s.lc_ctype", key);
  fact(subkey, "%s", or_null(setlocale(LC_CTYPE, NULL)));
  snprintf(subkey, sizeof subkey, "%s.lc_collate", key);
  fact(subkey, "%s", or_null(setlocale(LC_COLLATE, NULL)));
  setlocale(LC_ALL, "C");
}

static int mode_setlocale(void) {
  fact("env.lang", "%s", or_unset(getenv("LANG")));
  fact("env.lc_all", "%s", or_unset(getenv("LC_ALL")));
  try_setlocale("setlocale.empty", "");
  try_setlocale("setlocale.c", "C");
  try_setlocale("setlocale.c_utf8", "C.UTF-8");
  try_setlocale("setlocale.en_us", "en_US.UTF-8");
  try_setlocale("setlocale.de_de", "de_DE.UTF-8");
  try_setlocale("setlocale.xx_yy", "xx_YY.UTF-8");
  return EXIT_SUCCESS;
}

/* German puts Ä/Å/Ö next to A/O; Swedish puts Å < Ä < Ö after Z; byte order puts capitals
 * first and every accented initial last. "Ost"/"Öl" shows O vs Ö on the primary level. */
static const char *const WORDS[] = {
    "zebra", "Öl", "apple", "Zürich", "éclair",
    "Banana", "Ångström", "Ost", "cherry", "Äpfel",
};
#define WORD_COUNT (sizeof WORDS / sizeof WORDS[0])

static int compare_collated(const void *left, const void *right) {
  return strcoll(*(const char *const *)left, *(const char *const *)right);
}

static int mode_collate(const char *locale) {
  const char *words[WORD_COUNT];
  char order[256] = "";
  memcpy(words, WORDS, sizeof words);

  fact("locale", "%s", locale);
  fact("setlocale", "%s", or_null(setlocale(LC_ALL, locale)));
  qsort(words, WORD_COUNT, sizeof words[0], compare_collated);
  for (size_t i = 0; i < WORD_COUNT; i++) {
    if (i > 0) strcat(order, "|");
    strcat(order, words[i]);
  }
  fact("order", "%s", order);
  return EXIT_SUCCESS;
}

static volatile int GROUPED_INT = 1234567;
static volatile double GROUPED_DOUBLE = 1234567.891;

static void format_under(const char *suffix, const char *locale) {
  char key[64];
  char text[128];
  time_t timestamp = FIXED_TIMESTAMP;
  struct tm utc;
  gmtime_r(&timestamp, &utc);

  snprintf(key, sizeof key, "setlocale.%s", suffix);
  fact(key, "%s", or_null(setlocale(LC_ALL, locale)));

  snprintf(text, sizeof text, "%'d", GROUPED_INT);
  snprintf(key, sizeof key, "grouping.%s", suffix);
  fact(key, "%s", text);
  snprintf(text, sizeof text, "%'.2f", GROUPED_DOUBLE);
  snprintf(key, sizeof key, "grouping_float.%s", suffix);
  fact(key, "%s", text);

  const struct lconv *conventions = localeconv();
  snprintf(key, sizeof key, "decimal_point.%s", suffix);
  fact(key, "%s", conventions->decimal_point);
  snprintf(key, sizeof key, "thousands_sep.%s", suffix);
  fact(key, "%s", conventions->thousands_sep);

  static const struct {
    const char *name;
    const char *format;
  } DATES[] = {{"strftime_c", "%c"}, {"strftime_x", "%x"}, {"strftime_long", "%A %d %B %Y"}};
  for (size_t i = 0; i < sizeof DATES / sizeof DATES[0]; i++) {
    size_t length = strftime(text, sizeof text, DATES[i].format, &utc);
    snprintf(key, sizeof key, "%s.%s", DATES[i].name, suffix);
    fact(key, "%s", length > 0 ? text : "EMPTY");
  }
  setlocale(LC_ALL, "C");
}

static int mode_format(void) {
  char text[64];
  time_t timestamp = FIXED_TIMESTAMP;
  struct tm utc;
  gmtime_r(&timestamp, &utc);
  strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  fact("timestamp", "%d", FIXED_TIMESTAMP);
  fact("timestamp.utc", "%s", text);
  format_under("c", "C");
  format_under("en_us", "en_US.UTF-8");
  format_under("de_de", "de_DE.UTF-8");
  return EXIT_SUCCESS;
}

static void wide_fact(const char *key, unsigned long code) {
  char subkey[64];
  char bytes[UTF8_MAX_BYTES + 1];
  utf8_encode(code, bytes);
  fact(key, "U+%04lX", code);
  snprintf(subkey, sizeof subkey, "%s.utf8", key);
  fact(subkey, "%s", bytes);
}

static int mode_case(void) {
  fact("setlocale", "%s", or_null(setlocale(LC_ALL, "tr_TR.UTF-8")));
  wide_fact("towupper_i", (unsigned long)towupper(L'i'));
  wide_fact("towlower_cap_i", (unsigned long)towlower(L'I'));
  wide_fact("towlower_dotted_cap_i", (unsigned long)towlower(0x130));
  wide_fact("towupper_dotless_i", (unsigned long)towupper(0x131));
  fact("toupper_i", "U+%04X", (unsigned)toupper('i'));
  return EXIT_SUCCESS;
}

static void bytes_under(const char *prefix, const char *locale) {
  static const char E_ACUTE_UTF8[] = "\xC3\xA9";
  char key[64];
  wchar_t wide[8];
  char back[16];
  mbstate_t state;

  snprintf(key, sizeof key, "%s.setlocale", prefix);
  fact(key, "%s", or_null(setlocale(LC_ALL, locale)));
  snprintf(key, sizeof key, "%s.mb_cur_max", prefix);
  fact(key, "%zu", MB_CUR_MAX);
  snprintf(key, sizeof key, "%s.codeset", prefix);
  fact(key, "%s", nl_langinfo(CODESET));

  memset(&state, 0, sizeof state);
  wide[0] = 0;
  errno = 0;
  size_t consumed = mbrtowc(&wide[0], E_ACUTE_UTF8, 2, &state);
  int error = errno;
  snprintf(key, sizeof key, "%s.mbrtowc", prefix);
  fact(key, "%ld", size_result(consumed));
  snprintf(key, sizeof key, "%s.mbrtowc.errno", prefix);
  fact(key, "%s", consumed == (size_t)-1 ? errno_name(error) : "0");
  snprintf(key, sizeof key, "%s.wc", prefix);
  if (consumed < (size_t)-2)
    fact(key, "U+%04lX", (unsigned long)wide[0]);
  else
    fact(key, "none");

  errno = 0;
  size_t count = mbstowcs(wide, E_ACUTE_UTF8, sizeof wide / sizeof wide[0]);
  error = errno;
  snprintf(key, sizeof key, "%s.mbstowcs", prefix);
  fact(key, "%ld", size_result(count));
  snprintf(key, sizeof key, "%s.mbstowcs.errno", prefix);
  fact(key, "%s", count == (size_t)-1 ? errno_name(error) : "0");
  snprintf(key, sizeof key, "%s.mbstowcs.wcs", prefix);
  if (count == (size_t)-1) {
    fact(key, "none");
  } else {
    char list[64] = "";
    for (size_t i = 0; i < count && i < 4; i++) {
      char one[16];
      snprintf(one, sizeof one, "%sU+%04lX", i > 0 ? "," : "", (unsigned long)wide[i]);
      strcat(list, one);
    }
    fact(key, "%s", list);
  }

  memset(&state, 0, sizeof state);
  errno = 0;
  size_t written = wcrtomb(back, 0xE9, &state);
  error = errno;
  snprintf(key, sizeof key, "%s.wcrtomb_e_acute", prefix);
  fact(key, "%ld", size_result(written));
  snprintf(key, sizeof key, "%s.wcrtomb_e_acute.errno", prefix);
  fact(key, "%s", written == (size_t)-1 ? errno_name(error) : "0");

  snprintf(key, sizeof key, "%s.iswalpha_e_acute", prefix);
  fact(key, "%d", iswalpha(0xE9) ? 1 : 0);
  setlocale(LC_ALL, "C");
}

static int mode_bytes(void) {
  bytes_under("c", "C");
  bytes_under("c_utf8", "C.UTF-8");
  return EXIT_SUCCESS;
}

static const char *const CANDIDATES[] = {
    "en_US.UTF-8", "de_DE.UTF-8", "tr_TR.UTF-8", "sv_SE.UTF-8",
    "ja_JP.UTF-8", "fr_FR.UTF-8", "C.UTF-8",     "POSIX",
};

static int mode_available(void) {
  for (size_t i = 0; i < sizeof CANDIDATES / sizeof CANDIDATES[0]; i++) {
    char key[64] = "available.";
    size_t at = strlen(key);
    for (const char *c = CANDIDATES[i]; *c != 0 && at < sizeof key - 1; c++, at++) {
      char lower = (char)tolower((unsigned char)*c);
      key[at] = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') ? lower : '_';
    }
    key[at] = 0;
    fact(key, "%s", setlocale(LC_ALL, CANDIDATES[i]) != NULL ? "yes" : "no");
    setlocale(LC_ALL, "C");
  }
  fact("musl_locpath", "%s", or_unset(getenv("MUSL_LOCPATH")));
  fact("locpath", "%s", or_unset(getenv("LOCPATH")));
  return EXIT_SUCCESS;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "setlocale") == 0) return mode_setlocale();
  if (strcmp(mode, "collate") == 0 && argc > 2) return mode_collate(argv[2]);
  if (strcmp(mode, "format") == 0) return mode_format();
  if (strcmp(mode, "case") == 0) return mode_case();
  if (strcmp(mode, "bytes") == 0) return mode_bytes();
  if (strcmp(mode, "available") == 0) return mode_available();
  fprintf(stderr, "usage: %s setlocale|collate LOCALE|format|case|bytes|available\n", argv[0]);
  return 2;
}
