import type { z } from "zod";
import type { CaseSchema } from "../schema.js";

type Case = z.input<typeof CaseSchema>;

const probe = (name: string, flags: string[] = []) =>
  ({ probe: `headers-${name}.c`, for: "native", link: "dynamic", flags }) as const;

const EVERY = { kind: "run", on: "every" } as const;

/** musl 1.2.3 and glibc 2.36 (both built with bookworm's gcc 12) join the LFS64 cases. */
const WITH_OLDER = { ...EVERY, alsoOn: ["musl-1.2.3", "glibc-2.36"] };

/** A header musl does not ship: the compiler's first words, as measured with musl-gcc 12 and 14. */
const noHeader = (header: string, because: string) => ({
  when: { family: "musl" as const },
  result: "build-failure" as const,
  output: [`fatal error: ${header.replace(/[./]/g, (c) => `\\${c}`)}: No such file or directory`],
  because,
});

/**
 * The cases of headers, in the order they run. Every compiler message in the expectations was
 * measured: gcc 14 (trixie) and gcc 12 (bookworm), each with glibc and with musl-gcc.
 */
export const cases: Case[] = [
  {
    id: "execinfo-backtrace",
    title: "backtrace() from <execinfo.h>",
    role: "demonstration",
    build: probe("execinfo"),
    check: EVERY,
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { "backtrace.frames": "some" },
        because: "glibc has <execinfo.h>: backtrace() fills the array with return addresses.",
      },
      noHeader(
        "execinfo.h",
        "musl ships no <execinfo.h>: backtrace() is a glibc extension, and without unwind tables " +
          "it cannot be done right, so musl does not pretend to.",
      ),
    ],
  },
  {
    id: "execinfo-guarded",
    title: "Fix: backtrace() only `#ifdef __GLIBC__`",
    role: "fix",
    build: probe("execinfo", ["-DLAB_PORTABLE"]),
    check: EVERY,
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { "backtrace.frames": "some" },
        because: "On glibc the guard keeps the backtrace.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { "backtrace.frames": "unsupported" },
        because: "On musl the guarded code builds and says it has no backtrace.",
      },
    ],
  },
  {
    id: "fts-open",
    title: "fts_open() from <fts.h>",
    role: "baseline",
    build: probe("fts"),
    check: EVERY,
    expect: [
      {
        result: "success",
        measurements: { "fts.open": "ok", "fts.entries": "some" },
        because:
          "glibc has fts; upstream musl does not, but Debian's musl-dev bundles musl-fts into " +
          "musl's libc (Debian #989746), so this lab's musl builds and runs it. On Alpine the " +
          "same code needs musl-fts-dev and -lfts, or it fails to link.",
      },
    ],
    note:
      'On Alpine: "undefined reference to `fts_open\'" (zeek/zeek#3244) until musl-fts-dev is ' +
      "installed and -lfts is linked.",
  },
  {
    id: "glob-brace",
    title: "GLOB_BRACE, GLOB_ONLYDIR and FNM_EXTMATCH",
    role: "demonstration",
    build: probe("glob"),
    check: EVERY,
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { "glob.brace": "2", "fnmatch.extmatch": "0" },
        because:
          "glibc expands /{etc,proc} into two directories and matches ksh's +(a|b) (FNM_EXTMATCH " +
          "needs _GNU_SOURCE).",
      },
      {
        when: { family: "musl" },
        result: "build-failure",
        output: [
          "'GLOB_BRACE' undeclared",
          "'GLOB_ONLYDIR' undeclared",
          "'FNM_EXTMATCH' undeclared",
        ],
        because:
          "musl's glob and fnmatch have the POSIX flags, not glibc's brace, directory-only or " +
          "extended-pattern extensions: the names do not exist.",
      },
    ],
  },
  {
    id: "glob-guarded",
    title: "Fix: #ifdef GLOB_BRACE, else one glob per alternative",
    role: "fix",
    build: probe("glob", ["-DLAB_PORTABLE"]),
    check: EVERY,
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { "glob.brace": "2", "fnmatch.extmatch": "0" },
        because: "glibc has the flags: the guarded code uses them.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { "glob.brace": "2", "fnmatch.extmatch": "unsupported" },
        because:
          "Two globs with GLOB_APPEND find the same two directories; the extended pattern has " +
          "no replacement and says so.",
      },
    ],
  },
  {
    id: "error-h",
    title: "error() from <error.h>",
    role: "demonstration",
    build: probe("error"),
    check: EVERY,
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        stderr: ["a message through error\\(3\\)"],
        measurements: { "error.called": "yes" },
        because: "glibc's error() prints the program's name and the message to stderr.",
      },
      noHeader("error.h", "musl has no <error.h>: error() and error_at_line() are GNU's."),
    ],
  },
  {
    id: "error-warnx",
    title: "Fix: BSD warnx() from <err.h>",
    role: "fix",
    build: probe("error", ["-DLAB_PORTABLE"]),
    check: EVERY,
    expect: [
      {
        result: "success",
        stderr: ["a message through warnx\\(3\\)"],
        measurements: { "error.called": "yes" },
        because: "Both libcs have <err.h>: warnx() prints the program's name and the message.",
      },
    ],
  },
  {
    id: "argp-h",
    title: "argp_parse() from <argp.h>",
    role: "demonstration",
    build: probe("argp"),
    check: EVERY,
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { "argp.parse": "0" },
        because: "argp is part of glibc.",
      },
      noHeader(
        "argp.h",
        "musl has no argp: on Alpine it is the argp-standalone package, linked with -largp.",
      ),
    ],
  },
  {
    id: "obstack-h",
    title: "obstacks from <obstack.h>",
    role: "demonstration",
    build: probe("obstack"),
    check: EVERY,
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { "obstack.copy": "hello" },
        because: "obstacks are part of glibc.",
      },
      noHeader(
        "obstack.h",
        "musl has no obstacks: on Alpine they come from musl-obstack (-lobstack), or from gnulib.",
      ),
    ],
  },
  {
    id: "sys-cdefs",
    title: "__BEGIN_DECLS from <sys/cdefs.h>",
    role: "demonstration",
    build: probe("cdefs"),
    check: EVERY,
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { "cdefs.answer": "42" },
        because: "<sys/cdefs.h> is glibc's internal header, and it is installed.",
      },
      noHeader(
        "sys/cdefs.h",
        "musl deliberately ships no <sys/cdefs.h>: it is an implementation detail of glibc and " +
          "the BSDs, not an interface.",
      ),
    ],
  },
  {
    id: "sys-cdefs-spelled-out",
    title: 'Fix: extern "C" spelled out',
    role: "fix",
    build: probe("cdefs", ["-DLAB_PORTABLE"]),
    check: EVERY,
    expect: [
      {
        result: "success",
        measurements: { "cdefs.answer": "42" },
        because: "The two lines __BEGIN_DECLS stands for need no header.",
      },
    ],
  },
  {
    id: "lseek64-gnu-source",
    title: "lseek64()/off64_t under _GNU_SOURCE",
    role: "demonstration",
    build: probe("lseek64"),
    check: WITH_OLDER,
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { "lseek64.ok": "yes", "off.bits": "64" },
        because:
          "glibc declares the LFS64 API under _LARGEFILE64_SOURCE, which _GNU_SOURCE implies.",
      },
      {
        when: { family: "musl", version: "<1.2.4" },
        result: "success",
        measurements: { "lseek64.ok": "yes", "off.bits": "64" },
        because: "musl 1.2.3 still maps lseek64 and off64_t to lseek and off_t under _GNU_SOURCE.",
      },
      {
        when: { family: "musl" },
        result: "build-failure",
        output: [
          "error: unknown type name 'off64_t'",
          "error: implicit declaration of function 'lseek64'",
        ],
        because:
          "musl 1.2.4 took the LFS64 macros out of _GNU_SOURCE: only an explicit " +
          "_LARGEFILE64_SOURCE declares them now (gcc 14 makes the implicit declaration an error).",
      },
    ],
  },
  {
    id: "lseek64-no-feature-macro",
    title: "lseek64()/off64_t with no feature-test macro",
    role: "diagnosis",
    build: probe("lseek64", ["-DLAB_STRICT"]),
    check: WITH_OLDER,
    expect: [
      {
        when: { family: "glibc", version: ">=2.41" },
        result: "build-failure",
        output: [
          "error: unknown type name 'off64_t'",
          "error: implicit declaration of function 'lseek64'",
        ],
        because:
          "Without _GNU_SOURCE or _LARGEFILE64_SOURCE glibc hides the LFS64 names too; gcc 14 " +
          "refuses the implicit declaration.",
      },
      {
        when: { family: "glibc" },
        result: "build-failure",
        output: [
          "error: unknown type name 'off64_t'",
          "warning: implicit declaration of function 'lseek64'",
        ],
        because:
          "glibc 2.36 hides the LFS64 names without a feature-test macro too; its gcc 12 only " +
          "warns about the call, the unknown type is the error.",
      },
      {
        when: { family: "musl", version: "<1.2.4" },
        result: "build-failure",
        output: [
          "error: unknown type name 'off64_t'",
          "warning: implicit declaration of function 'lseek64'",
        ],
        because:
          "musl 1.2.3 declares the LFS64 names only under _GNU_SOURCE or _LARGEFILE64_SOURCE; " +
          "its builder's gcc 12 only warns about the call.",
      },
      {
        when: { family: "musl" },
        result: "build-failure",
        output: [
          "error: unknown type name 'off64_t'",
          "error: implicit declaration of function 'lseek64'",
        ],
        because: "musl 1.2.5 declares the LFS64 names only under _LARGEFILE64_SOURCE.",
      },
    ],
  },
  {
    id: "lseek64-largefile64",
    title: "Fix: -D_LARGEFILE64_SOURCE",
    role: "fix",
    build: probe("lseek64", ["-D_LARGEFILE64_SOURCE"]),
    check: WITH_OLDER,
    expect: [
      {
        result: "success",
        measurements: { "lseek64.ok": "yes", "off.bits": "64" },
        because: "The explicit macro declares the LFS64 names on every libc and version here.",
      },
    ],
  },
  {
    id: "lseek-off-t",
    title: "Fix: plain lseek() and off_t",
    role: "fix",
    build: probe("lseek64", ["-DLAB_PORTABLE"]),
    check: WITH_OLDER,
    expect: [
      {
        result: "success",
        measurements: { "lseek64.ok": "yes", "off.bits": "64" },
        because:
          "off_t is 64-bit on musl always and on 64-bit glibc; on 32-bit glibc add " +
          "-D_FILE_OFFSET_BITS=64. No *64 name is needed.",
      },
    ],
  },
];
