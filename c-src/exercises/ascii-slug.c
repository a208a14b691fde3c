/*
 * Exercise ascii-slug (scenario iconv): a URL slug whose text depends on the C library.
 *
 * The program turns the UTF-8 title it is given into an ASCII slug and prints `slug=...`: it
 * converts the title with iconv(..., "ASCII//TRANSLIT", "UTF-8"), as PHP's and many web
 * frameworks' slug helpers do, then keeps letters and digits in lower case and joins the words
 * with '-'. On Ubuntu with LANG=en_US.UTF-8, "Crème Brûlée à Zürich" becomes
 * creme-brulee-a-zurich. Without LANG, glibc's C locale has no rule for the accented letters and
 * writes '?' for them (d-j-vu for "Déjà Vu"); on Alpine iconv_open refuses the charset name
 * "ASCII//TRANSLIT" outright (EINVAL: musl has no //TRANSLIT), and the program fails.
 *
 * TODO: make the slug the same on every C library and under every LANG:
 *   - the accented Latin letters U+00C0 to U+00FF (à â ç è é ê ë î ï ô ù û ü ÿ ñ ö ...) become
 *     their base letter in lower case ("Ç" -> c, "ü" -> u);
 *   - every other character outside ASCII, like any ASCII character that is not a letter or a
 *     digit, only separates words (so "5 €" gives 5, not 5-eur);
 *   - words are joined with one '-', no '-' at either end; keep the output `slug=...`, exit 0.
 *
 * Try it:   npm run lab -- exercise ascii-slug --solution path/to/your-copy.c
 * Read:     npm run lab -- explain iconv
 */
#include <ctype.h>
#include <iconv.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s TITLE\n", argv[0]);
    return 2;
  }
  setlocale(LC_ALL, "");
  iconv_t cd = iconv_open("ASCII//TRANSLIT", "UTF-8");
  if (cd == (iconv_t)-1) {
    perror("iconv_open");
    return EXIT_FAILURE;
  }
  char ascii[1024];
  char *in = argv[1], *out = ascii;
  size_t in_left = strlen(argv[1]), out_left = sizeof ascii - 1;
  if (iconv(cd, &in, &in_left, &out, &out_left) == (size_t)-1) {
    perror("iconv");
    return EXIT_FAILURE;
  }
  *out = '\0';
  iconv_close(cd);

  char slug[1024];
  size_t n = 0;
  for (const char *p = ascii; *p; p++) {
    if (isalnum((unsigned char)*p)) slug[n++] = (char)tolower((unsigned char)*p);
    else if (n > 0 && slug[n - 1] != '-') slug[n++] = '-';
  }
  if (n > 0 && slug[n - 1] == '-') n--;
  slug[n] = '\0';
  printf("slug=%s\n", slug);
  return EXIT_SUCCESS;
}
