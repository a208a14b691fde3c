import type { z } from "zod";
import type { ScenarioSchema } from "../schema.js";
import { cases } from "./cases.js";
import { report } from "./report.js";
import { lesson } from "./lesson.js";

export const iconv = {
  id: "iconv",
  title: "iconv: //TRANSLIT on Alpine, and what happens to characters the target lacks",
  summary: "iconv's //TRANSLIT and //IGNORE, unconvertible characters and known charsets per libc",
  description:
    "glibc's iconv stops at a character the target charset lacks (-1, EILSEQ) unless the target " +
    "names a GNU suffix: //TRANSLIT approximates it from the LC_CTYPE locale's tables, so the " +
    "same call gives '?' under C and 'e' for 'é' under en_US.UTF-8; //IGNORE drops it but still " +
    "returns -1. musl knows no suffix: 'ASCII//TRANSLIT' is an unknown charset and iconv_open " +
    "fails with EINVAL (PHP's 'Wrong charset' on Alpine). Without a suffix musl writes '*' for " +
    "what the target lacks and returns how many, with no error at all. Its charset table is " +
    "small and built in: no UTF-7, the CJK charsets only as a source, cp932 only since 1.2.5.",
  sources: {
    "musl-functional-differences": {
      title: "musl wiki, Functional differences from glibc",
      url: "https://wiki.musl-libc.org/functional-differences-from-glibc.html",
    },
    "musl-iconv-source": {
      title:
        "musl src/locale/iconv.c: charmaps (the built-in table), fuzzycmp/find_charmap (no " +
        "suffixes), iconv_open refusing charmaps >= 0330 as a target, \"subst: x++, c='*'\"",
    },
    "musl-cp932-commit": {
      title: "musl commit f5dba42f, 'iconv: add cp932 as an alias for shift_jis' (2024, in 1.2.5)",
    },
    "posix-iconv": {
      title:
        "POSIX XSH iconv(): an implementation-defined conversion for characters the target " +
        "lacks, counted in the return value",
      url: "https://pubs.opengroup.org/onlinepubs/9799919799/functions/iconv.html",
    },
    "glibc-manual-iconv": {
      title: "glibc manual, 'Generic Charset Conversion' (iconv_open, iconv, EILSEQ)",
      url: "https://sourceware.org/glibc/manual/latest/html_node/Generic-Charset-Conversion.html",
    },
    "glibc-iconv-open-man": {
      title: "iconv_open(3), man-pages: //TRANSLIT and //IGNORE (GNU extensions)",
      url: "https://man7.org/linux/man-pages/man3/iconv_open.3.html",
    },
    "php-240": {
      title:
        "docker-library/php#240, 'Proper iconv': Wrong charset, conversion from UTF-8 to " +
        "ASCII//TRANSLIT is not allowed (fixed by preloading GNU libiconv)",
      url: "https://github.com/docker-library/php/issues/240",
    },
    "php-1495": {
      title:
        "docker-library/php#1495, 'iconv ASCII//TRANSLIT invalid argument' (php:8.3-fpm-alpine, 2024)",
      url: "https://github.com/docker-library/php/issues/1495",
    },
  },
  requires: { glibcLocales: ["en_US.UTF-8", "de_DE.UTF-8"] },
  cases,
  report,
  lesson,
  checkHint: {
    imports: ["iconv_open", "iconv"],
    text: "it converts charsets: musl refuses //TRANSLIT and //IGNORE names outright (EINVAL) and writes * for characters the target lacks, where glibc stops with EILSEQ",
  },
} satisfies z.input<typeof ScenarioSchema>;
