import type { z } from "zod";
import type { CaseSchema, ExpectationSchema } from "../schema.js";

type Expectation = z.input<typeof ExpectationSchema>;
type Flavor = "ere" | "bre";

const PROBE = { probe: "regex.c", for: "native", link: "dynamic" } as const;

/** One regcomp + regexec of `pattern` against `subject`, on every environment. */
function compile(flavor: Flavor, pattern: string, subject: string, icase = false) {
  return {
    kind: "run" as const,
    on: "every" as const,
    args: [flavor, pattern, subject, ...(icase ? ["icase"] : [])],
  };
}

/** What regcomp printed when it refused the pattern. */
function refused(code: string, regerror: string): Record<string, string> {
  return { regcomp: code, regerror, regexec: "not-compiled" };
}

/** The same expectation on both libcs. */
function both(measurements: Record<string, string>, because: string): Expectation[] {
  return [{ result: "success", measurements, because }];
}

/** Per family: glibc's result, then musl's. */
function perFamily(
  glibc: Record<string, string>,
  glibcBecause: string,
  musl: Record<string, string>,
  muslBecause: string,
): Expectation[] {
  return [
    { when: { family: "glibc" }, result: "success", measurements: glibc, because: glibcBecause },
    { when: { family: "musl" }, result: "success", measurements: musl, because: muslBecause },
  ];
}

const MUSL_ESCAPE_IS_LITERAL =
  "musl's parser (src/regex/regcomp.c, parse_atom) takes a back-reference only in a BRE; in an " +
  "ERE a backslash before a digit falls through to 'extension: accept unknown escaped char as " +
  "a literal'.";

/** The cases of regex, in the order they run and the reports show them. */
export const cases: z.input<typeof CaseSchema>[] = [
  {
    id: "ere-backref",
    title: "ERE (a)\\1 against 'aa': a back-reference in an extended regex",
    role: "demonstration",
    build: PROBE,
    check: compile("ere", "(a)\\1", "aa"),
    expect: perFamily(
      { regcomp: "0", regexec: "match", "match.0": "0-2", "match.1": "0-1" },
      "glibc's regcomp (posix/regcomp.c) accepts back-references in EREs as a GNU extension: " +
        "\\1 repeats what group 1 matched.",
      { regcomp: "0", regexec: "nomatch" },
      `regcomp succeeds, but the pattern means "a1": ${MUSL_ESCAPE_IS_LITERAL} No error tells ` +
        "the program; the match silently fails.",
    ),
  },
  {
    id: "ere-backref-literal",
    title: "The same ERE (a)\\1 against 'a1': what musl's \\1 really matches",
    role: "diagnosis",
    build: PROBE,
    check: compile("ere", "(a)\\1", "a1"),
    expect: perFamily(
      { regcomp: "0", regexec: "nomatch" },
      "For glibc \\1 is a back-reference, so 'a1' does not match.",
      { regcomp: "0", regexec: "match", "match.0": "0-2", "match.0.text": "a1" },
      `On musl \\1 is the character '1': ${MUSL_ESCAPE_IS_LITERAL}`,
    ),
  },
  {
    id: "ere-backref-no-group",
    title: "ERE (a)\\2 against 'a2': a back-reference to a group that does not exist",
    role: "demonstration",
    build: PROBE,
    check: compile("ere", "(a)\\2", "a2"),
    expect: perFamily(
      refused("REG_ESUBREG", "Invalid back reference"),
      "glibc checks the group number and refuses the pattern with REG_ESUBREG.",
      { regcomp: "0", regexec: "match", "match.0.text": "a2" },
      "musl never reads \\2 as a group number in an ERE, so there is nothing to refuse: it is " +
        "the literal '2'.",
    ),
  },
  {
    id: "bre-backref",
    title: "BRE \\(a\\)\\1 against 'aa': the back-reference POSIX defines",
    role: "fix",
    build: PROBE,
    check: compile("bre", "\\(a\\)\\1", "aa"),
    expect: both(
      { regcomp: "0", regexec: "match", "match.0": "0-2", "match.1": "0-1" },
      "POSIX defines back-references for BREs (XBD 9.3.6) and both libcs implement them: the " +
        "same pattern, written as a BRE (regcomp without REG_EXTENDED), matches on both.",
    ),
  },
  {
    id: "bre-backref-icase",
    title: "BRE \\(a\\)\\1 with REG_ICASE against 'aA'",
    role: "demonstration",
    build: PROBE,
    check: compile("bre", "\\(a\\)\\1", "aA", true),
    expect: perFamily(
      { regcomp: "0", regexec: "match", "match.0": "0-2" },
      "glibc compares the back-referenced text case-insensitively under REG_ICASE.",
      { regcomp: "0", regexec: "nomatch" },
      "musl's matcher (src/regex/regexec.c, tre_tnfa_run_backtrack) compares the " +
        "back-referenced text byte for byte (strncmp), whatever REG_ICASE says: 'A' is not " +
        "'a'.",
    ),
  },
  {
    id: "ere-interval",
    title: "ERE a{2,3} against 'xaaay'",
    role: "baseline",
    build: PROBE,
    check: compile("ere", "a{2,3}", "xaaay"),
    expect: both(
      { regcomp: "0", regexec: "match", "match.0": "1-4", "match.0.text": "aaa" },
      "Interval expressions are POSIX (XBD 9.4.6): both libcs take the longest match, three a's.",
    ),
  },
  {
    id: "bre-interval",
    title: "BRE a\\{2,3\\} against 'xaaay'",
    role: "baseline",
    build: PROBE,
    check: compile("bre", "a\\{2,3\\}", "xaaay"),
    expect: both(
      { regcomp: "0", regexec: "match", "match.0": "1-4", "match.0.text": "aaa" },
      "In a BRE the braces are escaped (XBD 9.3.6); both libcs match the same three a's.",
    ),
  },
  {
    id: "interval-no-minimum",
    title: "ERE a{,3}: an interval without its minimum",
    role: "demonstration",
    build: PROBE,
    check: compile("ere", "a{,3}", "aaa"),
    expect: perFamily(
      { regcomp: "0", regexec: "match", "match.0": "0-3" },
      "glibc reads {,3} as {0,3}, a GNU extension.",
      refused("REG_BADBR", "Invalid contents of {}"),
      "POSIX requires the minimum (XBD 9.4.6, {m,n}); musl's parse_dup refuses a missing one " +
        "with REG_BADBR.",
    ),
  },
  {
    id: "interval-over-dup-max",
    title: "ERE a{256}: one more than musl's RE_DUP_MAX",
    role: "demonstration",
    build: PROBE,
    check: compile("ere", "a{256}", "a"),
    expect: perFamily(
      { re_dup_max: "32767", regcomp: "0", regexec: "nomatch" },
      "glibc's RE_DUP_MAX is 0x7fff (32767): 256 is allowed (and one 'a' is too few to match).",
      { re_dup_max: "255", ...refused("REG_BADBR", "Invalid contents of {}") },
      "musl's RE_DUP_MAX is 255, the POSIX minimum (_POSIX_RE_DUP_MAX): a larger count is " +
        "REG_BADBR.",
    ),
  },
  {
    id: "escape-w",
    title: "ERE \\w+ against 'foo bar' (a GNU escape)",
    role: "baseline",
    build: PROBE,
    check: compile("ere", "\\w+", "foo bar"),
    expect: both(
      { regcomp: "0", regexec: "match", "match.0.text": "foo" },
      "POSIX leaves \\w undefined; glibc takes it as a GNU extension and musl's TRE parser " +
        "expands it to [[:alnum:]_] (tre_macros in src/regex/regcomp.c): the same on both.",
    ),
  },
  {
    id: "escape-word-start",
    title: "ERE \\<bar against 'foo bar' (a GNU word anchor)",
    role: "baseline",
    build: PROBE,
    check: compile("ere", "\\<bar", "foo bar"),
    expect: both(
      { regcomp: "0", regexec: "match", "match.0": "4-7" },
      "\\<, \\>, \\b and \\B are GNU extensions that musl supports too (ASSERT_AT_BOW and " +
        "friends in src/regex/regcomp.c): the same on both.",
    ),
  },
  {
    id: "escape-d",
    title: "ERE \\d against '5'",
    role: "demonstration",
    build: PROBE,
    check: compile("ere", "\\d", "5"),
    expect: perFamily(
      { regcomp: "0", regexec: "nomatch" },
      "glibc has no \\d: an unknown escape is the letter itself, so \\d matches 'd' and not '5'.",
      { regcomp: "0", regexec: "match", "match.0.text": "5" },
      "musl's TRE macros expand \\d to [[:digit:]] (tre_macros in src/regex/regcomp.c).",
    ),
  },
  {
    id: "escape-t",
    title: "ERE a\\tb against 'atb' (the letters a, t, b)",
    role: "demonstration",
    build: PROBE,
    check: compile("ere", "a\\tb", "atb"),
    expect: perFamily(
      { regcomp: "0", regexec: "match", "match.0.text": "atb" },
      "For glibc \\t is the letter 't'.",
      { regcomp: "0", regexec: "nomatch" },
      "musl's TRE macros turn \\t into a TAB (and \\n, \\r, \\f, \\e likewise): the pattern " +
        "wants a, TAB, b.",
    ),
  },
  {
    id: "gnu-buffer-anchor",
    title: "ERE \\`a against 'ab' (GNU's start-of-buffer anchor)",
    role: "demonstration",
    build: PROBE,
    check: compile("ere", "\\`a", "ab"),
    expect: perFamily(
      { regcomp: "0", regexec: "match", "match.0": "0-1" },
      "\\` is a GNU anchor: the start of the string, like ^ without REG_NEWLINE.",
      { regcomp: "0", regexec: "nomatch" },
      "musl does not know \\`: the unknown escape is the literal '`', so the pattern wants '`a'.",
    ),
  },
  {
    id: "bsd-word-class",
    title: "ERE [[:<:]]bar: the BSD word-start bracket",
    role: "demonstration",
    build: PROBE,
    check: compile("ere", "[[:<:]]bar", "foo bar"),
    expect: perFamily(
      refused("REG_ECTYPE", "Invalid character class name"),
      "[[:<:]] and [[:>:]] are BSD (macOS) only: glibc has no class named '<'.",
      refused("REG_ECTYPE", "Unknown character class name"),
      "musl neither: the same code, REG_ECTYPE, with musl's own text (src/regex/regerror.c).",
    ),
  },
  {
    id: "error-unmatched-paren",
    title: "ERE ( : the same error, other words",
    role: "demonstration",
    build: PROBE,
    check: compile("ere", "(", "x"),
    expect: perFamily(
      refused("REG_EPAREN", "Unmatched ( or \\("),
      "glibc's message names both spellings of the parenthesis (posix/regcomp.c, __re_error_msgid).",
      refused("REG_EPAREN", "Missing ')'"),
      "musl's regerror has its own, shorter texts (src/regex/regerror.c): compare the code, " +
        "never the text.",
    ),
  },
  {
    id: "fix-ere-interval",
    title: "Fix: ERE (a){2} instead of (a)\\1 for 'aa'",
    role: "fix",
    build: PROBE,
    check: compile("ere", "(a){2}", "aa"),
    expect: both(
      { regcomp: "0", regexec: "match", "match.0": "0-2" },
      "When the repeated text is known, an interval says it without a back-reference: an ERE " +
        "POSIX defines, the same match on both libcs.",
    ),
  },
  {
    id: "fix-digit-class",
    title: "Fix: ERE [[:digit:]] instead of \\d for '5'",
    role: "fix",
    build: PROBE,
    check: compile("ere", "[[:digit:]]", "5"),
    expect: both(
      { regcomp: "0", regexec: "match", "match.0.text": "5" },
      "The POSIX class means the same on both libcs, where \\d means a digit on musl and the " +
        "letter d on glibc.",
    ),
  },
];
