import type { z } from "zod";
import type { LessonSchema } from "../schema.js";

/** What `explain` teaches; each point cites the scenario's sources by key. */
export const lesson = {
  concept: [
    "POSIX regcomp compiles a pattern in one of two dialects: a basic regular expression (BRE, " +
      "the default: \\( \\) group, \\{m,n\\} repeats, \\1-\\9 refer back to a group) or an " +
      "extended one (REG_EXTENDED: ( ) { } | + ? unescaped). regexec then matches it, filling " +
      "regmatch_t offsets; a refused pattern gets a REG_* code and regerror a text for it.",
    "In an ERE, POSIX leaves a backslash before an ordinary character undefined: `\\1`, `\\d`, " +
      "`\\w`, `\\<`, `\\t` are whatever the implementation decides. Such a pattern can compile " +
      "everywhere and mean different things.",
  ],
  whyTheyDiffer: [
    {
      text:
        "glibc's regex (shared with gnulib and GNU grep) adds GNU extensions: back-references in " +
        "EREs, \\w \\W \\s \\S \\b \\B \\< \\> \\` \\', {,n} intervals and counts up to 32767. " +
        "Any other escaped letter is the letter itself (\\d is 'd', \\t is 't').",
      sources: ["glibc-regex", "glibc-manual-regex"],
    },
    {
      text:
        "musl's regcomp comes from TRE. It takes \\1-\\9 as back-references only in BREs; in an " +
        "ERE the escape is 'an unknown escaped char', the digit itself, with no error. Its " +
        "macros give \\w \\s \\d \\t \\n Perl-like meanings, it has \\< \\> \\b but not \\`, " +
        "requires the interval minimum and caps counts at 255 (RE_DUP_MAX, the POSIX minimum). " +
        "Its back-references compare bytes exactly, even under REG_ICASE.",
      sources: ["musl-regcomp", "musl-regexec", "posix-regex"],
    },
    {
      text:
        "The REG_* codes are POSIX and agree; the regerror texts are each libc's own, so a " +
        "program or test that compares messages breaks on the other libc.",
      sources: ["musl-regerror", "glibc-regex"],
    },
  ],
  diagnose: [
    {
      tool: "a tiny probe",
      command: "npm run lab -- regex",
      shows:
        "What regcomp returned and what regexec matched for each pattern, glibc and musl side by " +
        "side, with the offsets.",
    },
    {
      tool: "the probe by hand",
      command: "./regex ere '(a)\\1' a1   # built with musl-gcc, run on musl",
      shows:
        "regexec=match with match.0.text=a1 on musl (nomatch on glibc): the \\1 of an ERE is " +
        "the digit 1 there. regcomp returned 0 on both, so test what a pattern matches, not " +
        "only that it compiles.",
    },
  ],
  fixes: [
    {
      fix: "Write the back-reference as a BRE",
      how: 'regcomp(&re, "\\\\(a\\\\)\\\\1", 0): escaped groups, no REG_EXTENDED.',
      whenToChoose:
        "When the pattern really needs a back-reference (repeated words, matching quotes): POSIX " +
        "defines it only there, and both libcs implement it.",
      provenBy: "bre-backref",
    },
    {
      fix: "An ERE without back-references",
      how: "Spell out what repeats: (a){2}, or (aa|bb|cc) for a short alphabet.",
      whenToChoose: "When the repeated text is known or small; keeps the pattern an ERE.",
      provenBy: "fix-ere-interval",
    },
    {
      fix: "POSIX classes instead of escapes",
      how: "[[:digit:]] for \\d, [[:space:]] for \\s, [[:alnum:]_] for \\w, a literal TAB for \\t.",
      whenToChoose: "Always in portable code: the classes mean the same on every libc.",
      provenBy: "fix-digit-class",
    },
    {
      fix: "Bring one regex engine along",
      how: "PCRE2 (or your language's own engine), linked into the program.",
      whenToChoose:
        "When you need Perl syntax, case-insensitive back-references or the same error texts " +
        "everywhere; the price is a dependency.",
    },
  ],
  questions: [
    "`(a)\\1` compiles without an error on both glibc and musl. What does it match on each, and " +
      "which part of POSIX allows both?",
    "A test checks regerror's text for an unbalanced parenthesis and fails on Alpine. What should " +
      "it check instead?",
    "Rewrite the ERE `^(\\w+) \\1$` (a repeated word) so it behaves the same on glibc and musl.",
  ],
} satisfies z.input<typeof LessonSchema>;
