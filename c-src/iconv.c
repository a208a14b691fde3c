/*
 * iconv: what iconv_open and iconv() do with characters the target charset does not have, with
 * the GNU //TRANSLIT and //IGNORE suffixes, and which charsets and aliases exist; one mode per
 * argument (convert TO, charsets, fix-translit, fix-fallback TO).
 *
 * Why glibc and musl differ here:
 * POSIX (XSH iconv()) lets an implementation choose what happens to a valid input character
 * that has no counterpart in the target: it "shall perform an implementation-defined conversion
 * on this character" and count it in the return value (the number of non-identical, i.e.
 * irreversible, conversions). https://pubs.opengroup.org/onlinepubs/9799919799/functions/iconv.html
 * glibc chooses to stop: iconv() returns (size_t)-1 with errno EILSEQ and *inbuf left on the
 * character, unless the target names a GNU suffix: //TRANSLIT replaces it with an approximation
 * taken from the LC_CTYPE locale's translit tables (so the same call gives "?" under C and "e"
 * for "é" under en_US.UTF-8), //IGNORE skips it but still ends with -1/EILSEQ after converting
 * the rest (glibc manual, "Generic Charset Conversion", and iconv_open(3)).
 * https://sourceware.org/glibc/manual/latest/html_node/Generic-Charset-Conversion.html
 * musl chooses to substitute: src/locale/iconv.c writes '*' for a character the target lacks
 * ("subst: x++, c='*'") and counts it, so iconv() returns the count, errno is untouched and the
 * text is "converted". musl knows no suffixes: find_charmap compares names ignoring punctuation
 * but not trailing letters, so "ASCII//TRANSLIT" is an unknown charset and iconv_open fails
 * with EINVAL, which is PHP's "Wrong charset, conversion from `UTF-8' to `ASCII//TRANSLIT' is
 * not allowed" on Alpine (https://github.com/docker-library/php/issues/240, and #1495 for
 * `iconv -t ASCII//TRANSLIT`: "Invalid argument"). musl's charmaps table is small and fixed: GB18030,
 * GBK, GB2312, Big5 and EUC-KR are decode-only (iconv_open refuses them as a target,
 * `charmaps[t] >= 0330`), there is no UTF-7, no WINDOWS-31J, no EBCDIC-US; "cp932" became an
 * alias of Shift_JIS in 1.2.5 (musl commit f5dba42f, "iconv: add cp932 as an alias for
 * shift_jis", 2024). glibc
 * loads gconv modules (/usr/lib/x86_64-linux-gnu/gconv) with hundreds of charsets and aliases.
 * Source: musl wiki "Functional differences from glibc" (iconv),
 * https://wiki.musl-libc.org/functional-differences-from-glibc.html ; musl src/locale/iconv.c.
 *
 * The text converted is always the UTF-8 of: café € 5 “ok” 中 (24 bytes, 17 characters): é is
 * in Latin-1, € in Latin-9 and CP1252 but not Latin-1, the curly quotes in CP1252 only, 中 in no
 * 8-bit charset.
 *
 * Modes and facts printed (keys match ^[a-z_][a-z0-9_.]*$):
 *   convert TO     setlocale(LC_ALL, "") (the harness sets LC_ALL), then iconv_open(TO, "UTF-8")
 *                  and one iconv() call over the whole text into a large buffer: locale, codeset,
 *                  open (ok, or the errno name), ret (iconv's return value, -1 for (size_t)-1),
 *                  errno (its name after a -1, "none" otherwise), consumed (input bytes used), out
 *                  (the output, bytes outside printable ASCII as \xNN) and hex.
 *   charsets       iconv_open to and from UTF-8 for a fixed list of names: charset.<name> =
 *                  both | from-only | to-only | none; then U+00A5 and U+203E converted to
 *                  SHIFT_JIS (musl maps them to '\' and '~' and counts them irreversible).
 *   fix-translit   the portable fix: the program transliterates itself (a small table: é -> e,
 *                  € -> EUR, curly quotes -> ", anything else outside ASCII -> ?), no iconv
 *                  suffix involved; prints out and hex, which must be the same on both libcs.
 *   fix-fallback TO  the other portable fix: iconv one character at a time and treat both
 *                  libcs' signals alike (-1 with EILSEQ on glibc, a return value above 0 on
 *                  musl): the program writes its own replacement for that character instead.
 *                  Prints out, hex and fallbacks (how many characters it replaced).
 *
 * Beware the compiler: nothing here can be folded (iconv runs at run time on a buffer), but the
 * input lives in a volatile-read copy anyway, and every printf has a format with a conversion, so
 * GCC's printf -> puts rewrite cannot change what is printed.
 */
#include <errno.h>
#include <iconv.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "lab-probe.h"

static const char TEXT[] = "caf\xc3\xa9 \xe2\x82\xac 5 \xe2\x80\x9cok\xe2\x80\x9d \xe4\xb8\xad";

static const char *errno_name(int e) {
  switch (e) {
  case EILSEQ: return "EILSEQ";
  case EINVAL: return "EINVAL";
  case E2BIG: return "E2BIG";
  case EBADF: return "EBADF";
  case ENOMEM: return "ENOMEM";
  default: return "other";
  }
}

/* The input, read byte by byte through a volatile pointer into a buffer of our own. */
static size_t load_text(char *buffer) {
  const volatile char *source = TEXT;
  size_t n = 0;
  for (; source[n]; n++) buffer[n] = source[n];
  buffer[n] = '\0';
  return n;
}

/* The bytes as hex digits, or "(empty)": a buffer of 2 * n + 8 bytes at least. */
static const char *to_hex(char *hex, const char *bytes, size_t n) {
  size_t h = 0;
  for (size_t i = 0; i < n; i++) h += (size_t)sprintf(hex + h, "%02x", (unsigned char)bytes[i]);
  hex[h] = '\0';
  return h ? hex : "(empty)";
}

static void print_output(const char *out, size_t n) {
  char shown[1024], hex[1024];
  size_t s = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)out[i];
    if (c >= 0x20 && c < 0x7f && c != '\\') shown[s++] = (char)c;
    else s += (size_t)sprintf(shown + s, "\\x%02x", c);
  }
  shown[s] = '\0';
  fact("out", "%s", shown);
  fact("hex", "%s", to_hex(hex, out, n));
}

/* iconv_open(to, "UTF-8"), its outcome printed as `open=ok` or `open=<errno name>`. */
static iconv_t open_reported(const char *to) {
  errno = 0;
  iconv_t cd = iconv_open(to, "UTF-8");
  fact("open", "%s", cd == (iconv_t)-1 ? errno_name(errno) : "ok");
  return cd;
}

static int convert(const char *to) {
  const char *loc = setlocale(LC_ALL, "");
  fact("locale", "%s", loc ? loc : "NULL");
  fact("codeset", "%s", nl_langinfo(CODESET));
  iconv_t cd = open_reported(to);
  if (cd == (iconv_t)-1) return 0;
  char input[64], out[256];
  size_t in_left = load_text(input), out_left = sizeof out;
  char *in = input, *o = out;
  errno = 0;
  size_t r = iconv(cd, &in, &in_left, &o, &out_left);
  int saved = errno;
  fact("ret", "%ld", r == (size_t)-1 ? -1L : (long)r);
  fact("errno", "%s", r == (size_t)-1 ? errno_name(saved) : "none");
  fact("consumed", "%zu", (size_t)(in - input));
  print_output(out, (size_t)(o - out));
  iconv_close(cd);
  return 0;
}

static int opens(const char *to, const char *from) {
  iconv_t cd = iconv_open(to, from);
  if (cd == (iconv_t)-1) return 0;
  iconv_close(cd);
  return 1;
}

static int charsets(void) {
  static const struct { const char *key, *name; } NAMES[] = {
      {"ascii", "ASCII"},           {"us_ascii", "US-ASCII"},
      {"ansi_x3_4_1968", "ANSI_X3.4-1968"}, {"iso_8859_1", "ISO-8859-1"},
      {"latin1", "LATIN1"},         {"iso_8859_15", "ISO-8859-15"},
      {"latin9", "LATIN9"},         {"cp1252", "CP1252"},
      {"windows_1252", "WINDOWS-1252"}, {"cp437", "CP437"},
      {"koi8_r", "KOI8-R"},         {"shift_jis", "SHIFT_JIS"},
      {"sjis", "SJIS"},             {"cp932", "CP932"},
      {"windows_31j", "WINDOWS-31J"}, {"euc_jp", "EUC-JP"},
      {"iso_2022_jp", "ISO-2022-JP"}, {"gb18030", "GB18030"},
      {"gbk", "GBK"},               {"big5", "BIG5"},
      {"euc_kr", "EUC-KR"},         {"utf_7", "UTF-7"},
      {"utf_16", "UTF-16"},         {"utf_32", "UTF-32"},
      {"ucs_2", "UCS-2"},           {"macintosh", "MACINTOSH"},
      {"ebcdic_us", "EBCDIC-US"},   {"ibm037", "IBM037"},
  };
  for (size_t i = 0; i < sizeof NAMES / sizeof *NAMES; i++) {
    int to = opens(NAMES[i].name, "UTF-8"), from = opens("UTF-8", NAMES[i].name);
    char key[64];
    snprintf(key, sizeof key, "charset.%s", NAMES[i].key);
    fact(key, "%s", to && from ? "both" : from ? "from-only" : to ? "to-only" : "none");
  }
  /* U+00A5 YEN SIGN and U+203E OVERLINE: JIS X 0201 puts them where ASCII has \ and ~. */
  iconv_t cd = iconv_open("SHIFT_JIS", "UTF-8");
  if (cd != (iconv_t)-1) {
    char input[] = "\xc2\xa5\xe2\x80\xbe", out[16];
    char *in = input, *o = out;
    size_t in_left = strlen(input), out_left = sizeof out;
    errno = 0;
    size_t r = iconv(cd, &in, &in_left, &o, &out_left);
    fact("sjis.ret", "%ld", r == (size_t)-1 ? -1L : (long)r);
    fact("sjis.errno", "%s", r == (size_t)-1 ? errno_name(errno) : "none");
    char hex[64];
    fact("sjis.hex", "%s", to_hex(hex, out, (size_t)(o - out)));
    iconv_close(cd);
  }
  return 0;
}

/* The program's own replacements, by code point: the same on every libc. */
static const char *replacement(unsigned long cp) {
  switch (cp) {
  case 0xE9: return "e";
  case 0x20AC: return "EUR";
  case 0x201C: case 0x201D: return "\"";
  default: return "?";
  }
}

/* Length of the UTF-8 sequence starting with this byte (the text is valid UTF-8). */
static size_t utf8_length(unsigned char c) {
  return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static unsigned long utf8_decode(const unsigned char *p, size_t n) {
  if (n == 1) return p[0];
  unsigned long cp = p[0] & (0x7F >> n);
  for (size_t i = 1; i < n; i++) cp = (cp << 6) | (p[i] & 0x3F);
  return cp;
}

static int fix_translit(void) {
  char input[64], out[256];
  size_t n = load_text(input), o = 0;
  for (size_t i = 0; i < n;) {
    size_t len = utf8_length((unsigned char)input[i]);
    if (len == 1) out[o++] = input[i];
    else {
      const char *r = replacement(utf8_decode((const unsigned char *)input + i, len));
      size_t rl = strlen(r);
      memcpy(out + o, r, rl);
      o += rl;
    }
    i += len;
  }
  print_output(out, o);
  return 0;
}

static int fix_fallback(const char *to) {
  iconv_t cd = open_reported(to);
  if (cd == (iconv_t)-1) return 0;
  char input[64], out[256];
  size_t n = load_text(input), o = 0;
  int fallbacks = 0;
  for (size_t i = 0; i < n;) {
    size_t len = utf8_length((unsigned char)input[i]);
    char *in = input + i, *op = out + o;
    size_t in_left = len, out_left = sizeof out - o;
    errno = 0;
    size_t r = iconv(cd, &in, &in_left, &op, &out_left);
    if (r == (size_t)-1 || r > 0) {
      /* glibc: -1/EILSEQ, nothing written; musl: r > 0, a '*' written. Both: our own text. */
      const char *rep = replacement(utf8_decode((const unsigned char *)input + i, len));
      size_t rl = strlen(rep);
      memcpy(out + o, rep, rl);
      o += rl;
      fallbacks++;
      iconv(cd, NULL, NULL, NULL, NULL);
    } else {
      o = (size_t)(op - out);
    }
    i += len;
  }
  print_output(out, o);
  fact("fallbacks", "%d", fallbacks);
  iconv_close(cd);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "convert") == 0) return convert(argv[2]);
  if (argc == 2 && strcmp(argv[1], "charsets") == 0) return charsets();
  if (argc == 2 && strcmp(argv[1], "fix-translit") == 0) return fix_translit();
  if (argc == 3 && strcmp(argv[1], "fix-fallback") == 0) return fix_fallback(argv[2]);
  fprintf(stderr, "usage: %s convert TO | charsets | fix-translit | fix-fallback TO\n", argv[0]);
  return 2;
}
