/*
 * printf.c: what printf does with a NULL %s (the real printf, and the call GCC rewrites into
 * puts), with %m, with %lc of L'\0' and with an snprintf size above INT_MAX.
 *
 * Why the libcs differ, or seem to: a NULL for %s is undefined in C, and both libcs print
 * "(null)" for it (glibc stdio-common/vfprintf-process-arg.c; musl src/stdio/vfprintf.c,
 * `a = arg.p ? arg.p : "(null)"`). With a precision they part: glibc prints "(null)" only when
 * the precision leaves room for all six characters and nothing otherwise; musl cuts "(null)" to
 * the precision like any string. The "printf(NULL) crashes on musl" stories are GCC's doing:
 * it rewrites printf("%s\n", s) into puts(s), and puts(NULL) crashes on both libcs. %m (the
 * text of strerror(errno)) is a glibc extension that musl implements too; the texts come from
 * each libc's own table (musl src/errno/__strerror.h), so they differ for some errnos and for
 * unknown ones. musl 1.2.5 changed two things (WHATSNEW 1.2.5, "standards updates"):
 * "printf %lc of nul wchar now produces output" and "snprintf and swprintf no longer fail on
 * n > INT_MAX" (musl 1.2.3's vsnprintf.c returned -1 with EOVERFLOW, as POSIX once asked).
 * Sources: musl WHATSNEW; musl src/stdio/vfprintf.c, vsnprintf.c; glibc manual "Other Output
 * Conversions" https://sourceware.org/glibc/manual/latest/html_node/Other-Output-Conversions.html ;
 * musl wiki "Functional differences from glibc"
 * https://wiki.musl-libc.org/functional-differences-from-glibc.html
 *
 * Beware the compiler (built with -O2): GCC turns printf("%s\n", s) into puts(s) whatever s
 * is, and evaluates snprintf of constants at compile time (its return value too). So the NULL
 * comes from a volatile pointer, sizes and wide characters are read through volatile objects,
 * every real printf call goes through snprintf into a buffer or through a volatile function
 * pointer (which GCC cannot recognise as printf), and only the `folded` mode uses the exact
 * form GCC rewrites.
 *
 * Modes and facts printed (key=value; text is shown between | bars):
 *   null       snprintf of NULL with %s, %.3s, %.6s, %10s: the text and the return value.
 *   pointer    printf("%s\n", NULL) through a volatile function pointer: not folded, so the
 *              real printf runs and prints "(null)" on its own line.
 *   folded     printf("%s\n", s) with s == NULL, written plainly: GCC calls puts(NULL).
 *              Prints `calling=...` first; then the probe crashes (SIGSEGV) on both libcs.
 *   claim      both calls of `folded` and `pointer`, each in a child process (fork), and how
 *              each child ended: `folded.result` and `real.result` are "exit N" or the signal.
 *   errno-m    snprintf "%m" with errno = ENOENT, EAGAIN, 0 and 9999 (no such errno).
 *   lc-nul     snprintf "[%lc]" of L'\0': the return value (3 = the nul byte was written).
 *   big-n      snprintf(buffer, INT_MAX + 1, "%s", "abc"): the return value and errno.
 *   guarded    the fix: `s ? s : "(null)"` before %s, for NULL with %s and %.3s.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wchar.h>

#include "lab-probe.h"

#define BUFFER_SIZE 64

static const char *volatile NULL_STRING = NULL;

/* One snprintf of a NULL string with this format, the text between bars and the return value. */
static void null_with(const char *key, const char *format) {
  char text[BUFFER_SIZE];
  char subkey[48];
  int length = snprintf(text, sizeof text, format, NULL_STRING);
  fact(key, "|%s|", text);
  snprintf(subkey, sizeof subkey, "%s.return", key);
  fact(subkey, "%d", length);
}

static int mode_null(void) {
  null_with("null.s", "%s");
  null_with("null.precision3", "%.3s");
  null_with("null.precision6", "%.6s");
  null_with("null.width10", "%10s");
  return EXIT_SUCCESS;
}

static int (*volatile REAL_PRINTF)(const char *, ...) = printf;

static int mode_pointer(void) {
  fact("calling", "printf_through_pointer");
  int length = REAL_PRINTF("%s\n", NULL_STRING);
  fflush(stdout);
  fact("pointer.return", "%d", length);
  return EXIT_SUCCESS;
}

static int mode_folded(void) {
  const char *s = NULL_STRING;
  fact("calling", "printf_s_newline_of_null");
  /* Exactly the form GCC rewrites into puts(s): puts(NULL) dereferences NULL. */
  printf("%s\n", s);
  fact("survived", "yes");
  return EXIT_SUCCESS;
}

/* Runs `call` in a child and reports how the child ended, so a crash is a fact, not the end. */
static void child_result(const char *key, void (*call)(void)) {
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    call();
    fflush(stdout);
    _exit(EXIT_SUCCESS);
  }
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child) {
    fact(key, "fork-failed");
  } else if (WIFSIGNALED(status)) {
    int signal_number = WTERMSIG(status);
    fact(key, "%s", signal_number == SIGSEGV ? "SIGSEGV" : "other-signal");
  } else {
    fact(key, "exit %d", WEXITSTATUS(status));
  }
}

static void folded_call(void) { printf("%s\n", NULL_STRING); }

static void real_call(void) { REAL_PRINTF("%s\n", NULL_STRING); }

static int mode_claim(void) {
  child_result("folded.result", folded_call);
  child_result("real.result", real_call);
  return EXIT_SUCCESS;
}

static void errno_text(const char *key, int value) {
  char text[BUFFER_SIZE * 2];
  errno = value;
  snprintf(text, sizeof text, "%m");
  fact(key, "%s", text);
}

static int mode_errno_m(void) {
  errno_text("m.enoent", ENOENT);
  errno_text("m.eagain", EAGAIN);
  errno_text("m.zero", 0);
  errno_text("m.unknown_9999", 9999);
  /* %m is strerror(errno): the same text, asked directly. */
  fact("strerror.enoent", "%s", strerror(ENOENT));
  return EXIT_SUCCESS;
}

static volatile wchar_t NUL_WIDE = L'\0';

static int mode_lc_nul(void) {
  char text[8];
  memset(text, '#', sizeof text);
  int length = snprintf(text, sizeof text, "[%lc]", (wint_t)NUL_WIDE);
  fact("lc_nul.return", "%d", length);
  /* The second byte is the nul when it was written, else the closing bracket. */
  fact("lc_nul.byte1", "0x%02X", (unsigned)(unsigned char)text[1]);
  return EXIT_SUCCESS;
}

static volatile size_t ABOVE_INT_MAX = (size_t)INT_MAX + 1;

static int mode_big_n(void) {
  char text[8];
  /* The size promises more than the buffer holds; "abc" needs 4 bytes, so nothing overflows. */
  size_t size = ABOVE_INT_MAX;
  errno = 0;
  int length = snprintf(text, size, "%s", "abc");
  int error = errno;
  fact("big_n.return", "%d", length);
  fact("big_n.errno", "%s", error == 0 ? "0" : error == EOVERFLOW ? "EOVERFLOW" : "other");
  fact("big_n.text", "|%s|", length >= 0 ? text : "");
  return EXIT_SUCCESS;
}

static const char *or_null_text(const char *s) { return s != NULL ? s : "(null)"; }

static int mode_guarded(void) {
  char text[BUFFER_SIZE];
  snprintf(text, sizeof text, "%s", or_null_text(NULL_STRING));
  fact("guarded.s", "|%s|", text);
  snprintf(text, sizeof text, "%.3s", or_null_text(NULL_STRING));
  fact("guarded.precision3", "|%s|", text);
  return EXIT_SUCCESS;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "null") == 0) return mode_null();
  if (strcmp(mode, "pointer") == 0) return mode_pointer();
  if (strcmp(mode, "folded") == 0) return mode_folded();
  if (strcmp(mode, "claim") == 0) return mode_claim();
  if (strcmp(mode, "errno-m") == 0) return mode_errno_m();
  if (strcmp(mode, "lc-nul") == 0) return mode_lc_nul();
  if (strcmp(mode, "big-n") == 0) return mode_big_n();
  if (strcmp(mode, "guarded") == 0) return mode_guarded();
  fprintf(stderr, "usage: %s null|pointer|folded|claim|errno-m|lc-nul|big-n|guarded\n", argv[0]);
  return 2;
}
