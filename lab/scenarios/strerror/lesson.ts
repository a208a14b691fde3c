import type { z } from "zod";
import type { LessonSchema } from "../schema.js";

/** What `explain` teaches; each point cites the scenario's sources by key. */
export const lesson = {
  concept: [
    "errno is a number; strerror turns it into a text for people. POSIX fixes the numbers " +
      "(ENOENT, EILSEQ ...) and leaves the words to the implementation.",
    "strerror_r is the thread-safe variant, and there are two of it: POSIX's (XSI) returns an " +
      "int and fills the caller's buffer; GNU's returns a char * that may point elsewhere.",
  ],
  whyTheyDiffer: [
    {
      text:
        'glibc and musl each have their own table. Measured: EDEADLK is "Resource deadlock ' +
        'avoided" on glibc and "Resource deadlock would occur" on musl, EILSEQ "Invalid or ' +
        'incomplete multibyte or wide character" against "Illegal byte sequence", 0 "Success" ' +
        'against "No error information", 12345 "Unknown error 12345" against "No error information".',
      sources: ["posix-strerror", "musl-strerror-source"],
    },
    {
      text:
        "glibc translates its messages through its catalogs (libc.mo) under LC_MESSAGES; the " +
        'glibc image has them (de: "Datei oder Verzeichnis nicht gefunden"). musl has no ' +
        "catalogs installed: it can translate its messages (__lctrans, from catalogs under " +
        "MUSL_LOCPATH), but with none there they stay English.",
      sources: ["glibc-manual-error-messages", "musl-strerror-source"],
    },
    {
      text:
        "musl provides only the XSI strerror_r. Code written for glibc's GNU form assigns its " +
        "int to a char *: gcc 14 stops (-Wint-conversion is an error), gcc 12 warns and the " +
        "program gets NULL (measured with musl 1.2.3's bookworm builder).",
      sources: ["glibc-manual-error-messages", "musl-strerror-source", "h2o-strerror-r"],
    },
  ],
  diagnose: [
    {
      tool: "grep",
      command: "grep -rnE 'strerror\\(|strerror_r|strstr\\(.*(No such|denied)' src/ tests/",
      shows: "Where text is made from errno, and tests that match on it.",
    },
    {
      tool: "the compiler",
      command: "musl-gcc -Wall -c file.c",
      shows: "GNU-style strerror_r: the int-conversion error (gcc 14) or warning (older).",
    },
    {
      tool: "a tiny probe",
      command: "npm run lab -- strerror",
      shows: "Each libc's words for the same numbers, side by side.",
    },
  ],
  fixes: [
    {
      fix: "Compare numbers, not texts",
      how: "Test errno (or the returned error code) against ENOENT etc.; print strerror only for people.",
      whenToChoose: "Always: tests and parsers that match message text break on every libc change.",
    },
    {
      fix: "Use the XSI strerror_r",
      how:
        "Do not define _GNU_SOURCE in that file (or call it through a wrapper compiled with " +
        "_POSIX_C_SOURCE 200809L), check the int result and read the buffer.",
      whenToChoose: "Portable code that needs a thread-safe message.",
      provenBy: "xsi-strerror-r",
    },
  ],
  questions: [
    'A test asserts that an error message contains "Unknown error". Why does it fail on Alpine, and what should it check instead?',
    "Why does `char *s = strerror_r(e, buf, n)` compile on Debian and not with gcc 14 on Alpine? What did older compilers let through?",
    "Does setting LANG=de_DE.UTF-8 translate strerror on musl? What does that mean for log parsing across images?",
  ],
} satisfies z.input<typeof LessonSchema>;
