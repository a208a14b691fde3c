/*
 * Exercise sort-names (scenario locale): a name list whose order depends on the C library.
 *
 * The program sorts the names it is given and prints them as one line, `order=A|B|C`. It sorts
 * with strcoll, which follows the locale named by LANG/LC_ALL. glibc loads that locale's
 * collation rules, so on Ubuntu with LANG=en_US.UTF-8 the list comes out in dictionary order:
 * Ångström|Äpfel|apple|Banana|... musl has no locale data at all: its strcoll is strcmp, so on
 * Alpine the same list comes out in byte order: Banana|Ost|Zürich|apple|...|Äpfel. Without LANG
 * (a cron job, a bare container) glibc sorts by bytes too.
 *
 * TODO: make the order the same on every C library and under every LANG, as users expect it:
 *   - compare names ignoring case, and treat the accented Latin letters (U+00C0 to U+00FF, such
 *     as Ä Å é Ö ü ë) as their base letter (a e o u ...): "Äpfel" sorts as "apfel";
 *   - names that are equal that way are ordered by their bytes (as strcmp orders them);
 *   - the names are UTF-8; keep the output format `order=...` and exit with status 0.
 *
 * Try it:   npm run lab -- exercise sort-names --solution path/to/your-copy.c
 * Read:     npm run lab -- explain locale
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_locale(const void *a, const void *b) {
  return strcoll(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv) {
  setlocale(LC_ALL, "");
  qsort(argv + 1, (size_t)(argc - 1), sizeof *argv, by_locale);
  fputs("order=", stdout);
  for (int i = 1; i < argc; i++) printf("%s%s", i > 1 ? "|" : "", argv[i]);
  fputs("\n", stdout);
  return EXIT_SUCCESS;
}
