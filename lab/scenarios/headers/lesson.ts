import type { z } from "zod";
import type { LessonSchema } from "../schema.js";

/** What `explain` teaches; each point cites the scenario's sources by key. */
export const lesson = {
  concept: [
    "A C library is also a set of headers: the interfaces a program may name. ISO C and POSIX " +
      "fix a common core; glibc adds many GNU and BSD extensions (backtrace, error, argp, " +
      "obstacks, fts, GLOB_BRACE, FNM_EXTMATCH, the *64 large-file names) and installs its " +
      "internal <sys/cdefs.h> where programs find it. musl implements the standards and a " +
      "chosen set of extensions, and leaves the rest out on purpose.",
    "Which names a header declares also depends on feature-test macros defined before the " +
      "first #include: _GNU_SOURCE, _LARGEFILE64_SOURCE, _DEFAULT_SOURCE. The same code can " +
      "build on glibc, fail on musl, and fail on glibc too without the macro it silently relied on.",
  ],
  whyTheyDiffer: [
    {
      text:
        "musl has no <execinfo.h>, <error.h>, <argp.h> or <obstack.h>: these are GNU APIs, and " +
        "backtrace() in particular cannot be done reliably without unwind information. The " +
        'compiler stops at the #include: "fatal error: execinfo.h: No such file or directory".',
      sources: ["musl-functional-differences", "glibc-manual-backtraces", "h2o-execinfo"],
    },
    {
      text:
        "GLOB_BRACE, GLOB_ONLYDIR and FNM_EXTMATCH are glibc extensions of POSIX glob and " +
        "fnmatch; musl's headers do not define them (\"'GLOB_BRACE' undeclared\"). On glibc, " +
        "FNM_EXTMATCH also needs _GNU_SOURCE.",
      sources: ["glibc-manual-globbing", "zend-stdlib-glob-brace"],
    },
    {
      text:
        "<sys/cdefs.h> is an internal glibc/BSD header for macros such as __BEGIN_DECLS and " +
        "__THROW; musl ships none, so code that includes it fails at once.",
      sources: ["musl-functional-differences"],
    },
    {
      text:
        "musl's off_t is always 64-bit, so lseek64/off64_t were only aliases. Up to 1.2.3 they " +
        "came with _GNU_SOURCE; 1.2.4 provides them only under an explicit _LARGEFILE64_SOURCE. " +
        "Measured: built under _GNU_SOURCE, the probe compiles on musl 1.2.3 and fails on 1.2.5 " +
        'with "unknown type name \'off64_t\'" and (gcc 14) "implicit declaration of function ' +
        "'lseek64'\" as an error; gcc 12 only warns about the call. glibc declares them under " +
        "_GNU_SOURCE or _LARGEFILE64_SOURCE, and without either fails the same way.",
      sources: ["musl-whatsnew-1-2-4", "glibc-manual-feature-test-macros", "openwrt-lseek64"],
    },
    {
      text:
        "Distributions add what upstream lacks: Debian's musl-dev bundles musl-fts into musl's " +
        "libc, so fts builds here; on Alpine the same code needs musl-fts-dev and -lfts, or the " +
        'link fails with "undefined reference to `fts_open\'".',
      sources: ["debian-musl-fts", "zeek-fts"],
    },
  ],
  diagnose: [
    {
      tool: "the compiler",
      command: "musl-gcc -Wall -c file.c",
      shows:
        "The first fatal error names the missing header; 'undeclared' names a missing " +
        "extension flag; 'implicit declaration' a function musl does not declare in that mode.",
    },
    {
      tool: "the preprocessor",
      command: "echo '#include <unistd.h>' | musl-gcc -E -dM -D_GNU_SOURCE - | grep -c lseek64",
      shows: "Whether the headers declare a name under the feature-test macros you use.",
    },
    {
      tool: "grep",
      command:
        "grep -rnE '#include <(execinfo|error|argp|obstack|sys/cdefs|fts)\\.h>|GLOB_BRACE|FNM_EXTMATCH|(lseek|off|stat|fopen)64' src/",
      shows: "Every glibc-only header and name in a code base before the first build on Alpine.",
    },
    {
      tool: "a tiny probe",
      command: "npm run lab -- headers",
      shows: "Each build predicted to fail, with the compiler's message, and the fixes that build.",
    },
  ],
  fixes: [
    {
      fix: "Guard with #ifdef __GLIBC__",
      how: "Include <execinfo.h> and call backtrace() only #ifdef __GLIBC__, with a fallback.",
      whenToChoose: "When the feature is a debugging nicety that may be missing elsewhere.",
      provenBy: "execinfo-guarded",
    },
    {
      fix: "Test for the feature, not the libc",
      how:
        "#ifdef GLOB_BRACE (else one glob per alternative with GLOB_APPEND); a configure " +
        "check (AC_CHECK_HEADERS([argp.h error.h])) for headers.",
      whenToChoose: "Always where the flag or header may appear in a later libc version.",
      provenBy: "glob-guarded",
    },
    {
      fix: "Use the portable interface",
      how:
        'warnx()/err() from <err.h> for error(); extern "C" spelled out for __BEGIN_DECLS; ' +
        "lseek and off_t (with -D_FILE_OFFSET_BITS=64 for 32-bit glibc) for lseek64/off64_t.",
      whenToChoose: "The lasting fix: it builds on every libc here and on the BSDs.",
      provenBy: "lseek-off-t",
    },
    {
      fix: "Define _LARGEFILE64_SOURCE",
      how: "Add -D_LARGEFILE64_SOURCE to CFLAGS for code that keeps the *64 names.",
      whenToChoose:
        "A short-term fix for a big code base; musl says the macro itself will go away.",
      provenBy: "lseek64-largefile64",
    },
    {
      fix: "Add the missing library",
      how: "On Alpine: argp-standalone (-largp), musl-obstack (-lobstack), musl-fts-dev (-lfts).",
      whenToChoose: "When the code depends on the API itself and rewriting is not worth it.",
    },
  ],
  questions: [
    "A project builds on Debian with gcc 12 and fails on Alpine with musl 1.2.4 at off64_t. " +
      "What changed, and which two fixes exist? Which one lasts?",
    "Why does #ifdef __linux__ not protect a call to backtrace(), and what should the guard be?",
    "fts_open builds with this lab's musl but fails to link on Alpine. Why, and what does that " +
      "say about testing portability on one distribution?",
  ],
} satisfies z.input<typeof LessonSchema>;
