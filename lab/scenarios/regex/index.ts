import type { z } from "zod";
import type { ScenarioSchema } from "../schema.js";
import { cases } from "./cases.js";
import { lesson } from "./lesson.js";
import { report } from "./report.js";

export const regex = {
  id: "regex",
  title: "POSIX regex: the ERE back-reference that silently stops matching on musl",
  summary: "regcomp/regexec per libc: ERE \\1, intervals, GNU escapes, REG_ICASE, error texts",
  description:
    "POSIX defines back-references only for basic regular expressions; in an ERE `\\1` is " +
    "undefined. glibc takes it as a back-reference anyway. musl's TRE-based regcomp accepts the " +
    "pattern without an error and reads `\\1` as the character '1', so `(a)\\1` compiles on " +
    "both and matches 'aa' only on glibc. Other escapes POSIX leaves open differ too (`\\d` and " +
    "`\\t` mean a digit and a TAB on musl, the letters on glibc; `a{,3}` and counts above 255 " +
    "are errors on musl), and the two regerror texts have nothing in common. Measured on glibc " +
    "2.41 and musl 1.2.5; glibc 2.36 and musl 1.2.3 printed the same.",
  sources: {
    "posix-regex": {
      title:
        "POSIX.1-2024 XBD 9.3.6 (BRE back-references) and 9.4 (EREs: a backslash before a digit is undefined; 9.4.6 intervals)",
      url: "https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/V1_chap09.html",
    },
    "musl-regcomp": {
      title:
        "musl src/regex/regcomp.c (TRE-derived): parse_atom takes \\1-\\9 as back-references only in a BRE, else 'accept unknown escaped char as a literal'; tre_macros expands \\w \\s \\d \\t \\n; parse_dup caps counts at RE_DUP_MAX (255)",
    },
    "musl-regexec": {
      title:
        "musl src/regex/regexec.c, tre_tnfa_run_backtrack: a back-reference is compared with strncmp, ignoring REG_ICASE",
    },
    "musl-regerror": { title: "musl src/regex/regerror.c: musl's own error texts" },
    "glibc-regex": {
      title:
        "glibc posix/regcomp.c (shared with gnulib): back-references in EREs, \\w \\< \\` as GNU extensions, RE_DUP_MAX 0x7fff, __re_error_msgid texts",
    },
    "glibc-manual-regex": {
      title: "glibc manual, 'Regular Expression Matching' (POSIX regex API, REG_* codes)",
      url: "https://sourceware.org/glibc/manual/latest/html_node/Regular-Expressions.html",
    },
  },
  cases,
  report,
  lesson,
  checkHint: {
    imports: ["regcomp", "regexec"],
    text: "it uses POSIX regular expressions: an ERE back-reference such as (a)\\1 compiles on musl but means the digit 1, GNU escapes differ, and error texts are not the same",
  },
} satisfies z.input<typeof ScenarioSchema>;
