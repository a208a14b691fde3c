import type { z } from "zod";
import type { CaseSchema } from "../schema.js";

const PROBE = { probe: "printf.c", for: "native", link: "dynamic" } as const;

/** musl 1.2.5 changed %lc of L'\0' and snprintf with n > INT_MAX (WHATSNEW 1.2.5). */
const BEFORE_MUSL_1_2_5 = "<1.2.5";

/** The cases of printf, in the order they run and the reports show them. */
export const cases: z.input<typeof CaseSchema>[] = [
  {
    id: "null-string",
    title: "snprintf of a NULL %s with no precision, %.3s, %.6s and %10s",
    role: "demonstration",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["null"] },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: {
          "null.s": "|(null)|",
          "null.precision3": "||",
          "null.precision3.return": "0",
          "null.precision6": "|(null)|",
          "null.width10": "|    (null)|",
        },
        because:
          'glibc prints "(null)" for a NULL %s, but only when the precision leaves room for all ' +
          "six characters: %.3s of NULL prints nothing.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: {
          "null.s": "|(null)|",
          "null.precision3": "|(nu|",
          "null.precision3.return": "3",
          "null.precision6": "|(null)|",
          "null.width10": "|    (null)|",
        },
        because:
          'musl substitutes "(null)" and then treats it as any string (src/stdio/vfprintf.c): ' +
          '%.3s cuts it to "(nu".',
      },
    ],
  },
  {
    id: "null-real-printf",
    title: 'printf("%s\\n", NULL) through a function pointer: the real printf runs',
    role: "baseline",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["pointer"] },
    expect: [
      {
        result: "success",
        stdout: ["^\\(null\\)$"],
        measurements: { "pointer.return": "7" },
        because:
          "Called through a volatile function pointer, GCC cannot rewrite the call: the libc's " +
          'printf runs and both print "(null)" and a newline (7 bytes). No crash on either.',
      },
    ],
  },
  {
    id: "null-folded-puts",
    title: 'printf("%s\\n", s) with s == NULL, written plainly: GCC calls puts(NULL)',
    role: "demonstration",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["folded"] },
    expect: [
      {
        result: "failure",
        signal: "SIGSEGV",
        measurements: { calling: "printf_s_newline_of_null" },
        because:
          'GCC turns printf("%s\\n", s) into puts(s) (gcc 14, at -O0 as at -O2; ' +
          "-fno-builtin-printf stops it). puts(NULL) reads through a NULL pointer and the probe dies of SIGSEGV, on glibc and musl alike. " +
          "The crash is the compiler's rewrite, not the libc.",
      },
    ],
  },
  {
    id: "null-claim",
    title: "Both calls again, each in a child process: which one crashes where",
    role: "diagnosis",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["claim"], alsoOn: ["musl-1.2.3"] },
    expect: [
      {
        result: "success",
        measurements: { "folded.result": "SIGSEGV", "real.result": "exit 0" },
        because:
          "On every libc measured the rewritten call (puts) crashes and the real printf prints " +
          '"(null)": the claim that musl crashes where glibc does not is the compiler\'s ' +
          "folding seen from one side.",
      },
    ],
  },
  {
    id: "percent-m",
    title: "%m (strerror(errno)) for ENOENT, EAGAIN, 0 and an unknown errno",
    role: "demonstration",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["errno-m"] },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: {
          "m.enoent": "No such file or directory",
          "m.eagain": "Resource temporarily unavailable",
          "m.zero": "Success",
          "m.unknown_9999": "Unknown error 9999",
          "strerror.enoent": { sameAs: "m.enoent" },
        },
        because:
          "%m is a glibc extension printing strerror(errno); glibc names errno 0 'Success' and " +
          "an unknown one 'Unknown error N'.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: {
          "m.enoent": "No such file or directory",
          "m.eagain": "Resource temporarily unavailable",
          "m.zero": "No error information",
          "m.unknown_9999": "No error information",
          "strerror.enoent": { sameAs: "m.enoent" },
        },
        because:
          "musl implements %m too, with its own table (src/errno/__strerror.h): the common texts " +
          "match glibc's, errno 0 and unknown values are all 'No error information'.",
      },
    ],
  },
  {
    id: "lc-nul",
    title: "snprintf(\"[%lc]\", L'\\0'): is the nul byte written?",
    role: "demonstration",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["lc-nul"], alsoOn: ["musl-1.2.3"] },
    expect: [
      {
        when: { family: "musl", version: BEFORE_MUSL_1_2_5 },
        result: "success",
        measurements: { "lc_nul.return": "2", "lc_nul.byte1": "0x5D" },
        because:
          "musl before 1.2.5 wrote nothing for %lc of L'\\0': \"[]\", 2 bytes (WHATSNEW 1.2.5: " +
          '"printf %lc of nul wchar now produces output").',
      },
      {
        result: "success",
        measurements: { "lc_nul.return": "3", "lc_nul.byte1": "0x00" },
        because:
          "%lc of L'\\0' writes one nul byte, as C requires (%c of 0 does the same): 3 bytes, " +
          "the second one 0 (glibc; musl since 1.2.5).",
      },
    ],
  },
  {
    id: "snprintf-big-n",
    title: 'snprintf(buf, INT_MAX + 1, "%s", "abc"): a size above INT_MAX',
    role: "demonstration",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["big-n"], alsoOn: ["musl-1.2.3"] },
    expect: [
      {
        when: { family: "musl", version: BEFORE_MUSL_1_2_5 },
        result: "success",
        measurements: { "big_n.return": "-1", "big_n.errno": "EOVERFLOW" },
        because:
          "musl before 1.2.5 refused any n > INT_MAX with EOVERFLOW (src/stdio/vsnprintf.c), as " +
          'older POSIX text asked; nothing was written (WHATSNEW 1.2.5: "snprintf and swprintf ' +
          'no longer fail on n > INT_MAX").',
      },
      {
        result: "success",
        measurements: { "big_n.return": "3", "big_n.errno": "0", "big_n.text": "|abc|" },
        because:
          "C puts no limit on n: glibc and musl 1.2.5 format the text (3 bytes) whatever the " +
          "size promises.",
      },
    ],
  },
  {
    id: "guarded-fix",
    title: 'The fix: s ? s : "(null)" before %s',
    role: "fix",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["guarded"] },
    expect: [
      {
        result: "success",
        measurements: { "guarded.s": "|(null)|", "guarded.precision3": "|(nu|" },
        because:
          "With the substitution in the program, printf never sees NULL: the same text on every " +
          "libc, with or without a precision, and no puts(NULL) to crash.",
      },
    ],
  },
];
