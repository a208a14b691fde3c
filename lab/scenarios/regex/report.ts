import type { z } from "zod";
import type { ReportSpecSchema } from "../schema.js";

/** What the reports show beyond the case list: tables, claims, advice. */
export const report = {
  tables: [
    {
      title: "regexec: match (offsets) or nomatch, per pattern",
      rows: [
        { label: "ERE (a)\\1 on 'aa'", case: "ere-backref", key: "regexec" },
        { label: "ERE (a)\\1 on 'a1'", case: "ere-backref-literal", key: "regexec" },
        { label: "BRE \\(a\\)\\1 on 'aa'", case: "bre-backref", key: "regexec" },
        { label: "BRE \\(a\\)\\1, REG_ICASE, on 'aA'", case: "bre-backref-icase", key: "regexec" },
        { label: "ERE a{2,3} on 'xaaay'", case: "ere-interval", key: "match.0" },
        { label: "BRE a\\{2,3\\} on 'xaaay'", case: "bre-interval", key: "match.0" },
        { label: "ERE \\w+ on 'foo bar'", case: "escape-w", key: "match.0.text" },
        { label: "ERE \\<bar on 'foo bar'", case: "escape-word-start", key: "match.0" },
        { label: "ERE \\d on '5'", case: "escape-d", key: "regexec" },
        { label: "ERE a\\tb on 'atb'", case: "escape-t", key: "regexec" },
        { label: "ERE \\`a on 'ab'", case: "gnu-buffer-anchor", key: "regexec" },
      ],
    },
    {
      title: "regcomp's code and regerror's text",
      rows: [
        { label: "ERE (a)\\2", case: "ere-backref-no-group", key: "regcomp" },
        { label: "its regerror", case: "ere-backref-no-group", key: "regerror" },
        { label: "ERE a{,3}", case: "interval-no-minimum", key: "regcomp" },
        { label: "its regerror", case: "interval-no-minimum", key: "regerror" },
        { label: "ERE a{256}", case: "interval-over-dup-max", key: "regcomp" },
        { label: "its regerror", case: "interval-over-dup-max", key: "regerror" },
        { label: "RE_DUP_MAX (sysconf)", case: "interval-over-dup-max", key: "re_dup_max" },
        { label: "ERE [[:<:]]bar", case: "bsd-word-class", key: "regcomp" },
        { label: "its regerror", case: "bsd-word-class", key: "regerror" },
        { label: "ERE (", case: "error-unmatched-paren", key: "regcomp" },
        { label: "its regerror", case: "error-unmatched-paren", key: "regerror" },
      ],
    },
  ],
  claims: [
    {
      claim: "an ERE back-reference such as (a)\\1 matches 'aa'",
      case: "ere-backref",
      key: "regexec",
      holdsWhen: "match",
    },
    {
      claim: "musl rejects \\1 in an ERE with an error",
      family: "musl",
      case: "ere-backref",
      key: "regcomp",
      holdsWhen: { pattern: "^REG_" },
    },
    {
      claim: "musl's regex has no \\w (GNU escapes are glibc only)",
      family: "musl",
      case: "escape-w",
      key: "regexec",
      holdsWhen: "nomatch",
    },
    {
      claim: "[[:<:]] is a word-start anchor",
      case: "bsd-word-class",
      key: "regcomp",
      holdsWhen: "0",
    },
  ],
  highlights: {
    "ere-backref": ["regcomp", "regexec", "match.0"],
    "ere-backref-literal": ["regexec", "match.0.text"],
    "ere-backref-no-group": ["regcomp", "regexec", "match.0.text"],
    "bre-backref": ["regexec", "match.0"],
    "bre-backref-icase": ["regexec", "match.0"],
    "ere-interval": ["regexec", "match.0", "match.0.text"],
    "bre-interval": ["regexec", "match.0", "match.0.text"],
    "interval-no-minimum": ["regcomp", "regerror", "match.0"],
    "interval-over-dup-max": ["re_dup_max", "regcomp", "regerror"],
    "escape-w": ["regexec", "match.0.text"],
    "escape-word-start": ["regexec", "match.0"],
    "escape-d": ["regexec", "match.0.text"],
    "escape-t": ["regexec", "match.0.text"],
    "gnu-buffer-anchor": ["regexec", "match.0"],
    "bsd-word-class": ["regcomp", "regerror"],
    "error-unmatched-paren": ["regcomp", "regerror"],
    "fix-ere-interval": ["regexec", "match.0"],
    "fix-digit-class": ["regexec", "match.0.text"],
  },
  advice: [
    {
      text:
        "Never write a back-reference in an ERE: it is undefined by POSIX, a back-reference on " +
        "glibc and the digit itself on musl, with no error. Write the pattern as a BRE " +
        "(regcomp without REG_EXTENDED) or drop the back-reference.",
      measured: { case: "ere-backref", key: "regexec" },
    },
    {
      text:
        "Use the POSIX classes ([[:digit:]], [[:space:]], [[:alnum:]_]) instead of \\d, \\s, \\w, " +
        "and a real TAB instead of \\t: the escapes mean different things per libc.",
      measured: { case: "escape-d", key: "regexec" },
    },
    {
      text: "Compare regcomp's return code, never regerror's text: the codes agree, the texts do not.",
      measured: { case: "error-unmatched-paren", key: "regerror" },
    },
    {
      text:
        "With REG_ICASE, do not rely on a back-reference to ignore case: musl compares it byte " +
        "for byte.",
      measured: { case: "bre-backref-icase", key: "regexec" },
    },
  ],
} satisfies z.input<typeof ReportSpecSchema>;
