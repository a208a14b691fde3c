import type { z } from "zod";
import type { LessonSchema } from "../schema.js";

/** What `explain` teaches; each point cites the scenario's sources by key. */
export const lesson = {
  concept: [
    "A locale is the set of cultural conventions a C program follows: how strings sort " +
      "(LC_COLLATE), how characters are classified and encoded (LC_CTYPE), how numbers, money " +
      "and dates are written (LC_NUMERIC, LC_MONETARY, LC_TIME). A program starts in the C " +
      'locale and switches with setlocale(LC_ALL, ""), which takes the name from LC_ALL, ' +
      "LC_* or LANG.",
    "strcoll compares strings under the current collation, strxfrm makes sort keys, printf's ' " +
      "flag groups digits, strftime formats dates: all of them depend on locale data that the " +
      "C library must have.",
  ],
  whyTheyDiffer: [
    {
      text:
        "glibc ships compiled locale data (/usr/lib/locale, made by locale-gen): setlocale " +
        "succeeds only for generated locales, and then collation follows ISO 14651 plus the " +
        "language's rules (Swedish puts Å, Ä, Ö after Z).",
      sources: ["glibc-manual-locales"],
    },
    {
      text:
        "musl has no locale data by design: setlocale accepts any name, strcoll is strcmp (byte " +
        "order), the ' flag groups nothing, dates stay in C format. Only LC_CTYPE's UTF-8 " +
        "matters. So on Alpine a successful setlocale proves nothing.",
      sources: ["musl-functional-differences", "musl-locale-source", "felker-missing-locales"],
    },
  ],
  diagnose: [
    {
      tool: "locale",
      command: "locale; locale -a",
      shows:
        "Which locale the environment names, and (glibc) which ones are generated. Alpine has " +
        "no `locale -a` that means anything: musl accepts every name.",
    },
    {
      tool: "sort",
      command: "printf 'apple\\nBanana\\nÄpfel\\n' | LC_ALL=en_US.UTF-8 sort",
      shows:
        "The collation the C library applies, as GNU coreutils' sort uses strcoll: dictionary " +
        "order where glibc has the locale, byte order where it does not.",
    },
    {
      tool: "a tiny probe",
      command: "npm run lab -- locale",
      shows:
        "setlocale's answers, the strcoll order under four locales, number and date formats " +
        "per libc, side by side.",
    },
  ],
  fixes: [
    {
      fix: "State the order explicitly",
      how:
        "Compare with your own rule (fold case and accents, then bytes) or a collation " +
        "library such as ICU that carries its own data.",
      whenToChoose:
        "Whenever users see the order, or it must be the same on every system: the only " +
        "choice that does not depend on the libc.",
    },
    {
      fix: "Sort by bytes on purpose",
      how: "strcmp, or LC_COLLATE=C everywhere (what musl always does).",
      whenToChoose: "Machine-facing order (keys, file lists, reproducible output).",
      provenBy: "collate-c",
    },
    {
      fix: "Generate the locales on glibc",
      how: "locale-gen en_US.UTF-8 in the image; set LANG.",
      whenToChoose:
        "glibc systems only, when you rely on glibc's collation; it does nothing for musl.",
      provenBy: "collate-en-us",
    },
    {
      fix: "Check a behaviour, not setlocale's result",
      how: "Format a number or compare two strings after setlocale and look at the result.",
      whenToChoose: "When a program must know whether locale data is really there.",
      provenBy: "setlocale-no-lang",
    },
  ],
  questions: [
    'Why does `setlocale(LC_ALL, "de_DE.UTF-8")` succeed on Alpine, and what does that prove?',
    "A list sorted with strcoll shows 'Äpfel' first on Ubuntu and last on Alpine. Explain both " +
      "orders.",
    "Which fix keeps a user-visible sort order identical on glibc and musl, and why does " +
      "generating locales not help?",
  ],
} satisfies z.input<typeof LessonSchema>;
