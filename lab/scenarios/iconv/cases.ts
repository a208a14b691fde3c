import type { z } from "zod";
import type { CaseSchema } from "../schema.js";

const PROBE = { probe: "iconv.c", for: "native", link: "dynamic" } as const;

/** What musl writes for café € 5 “ok” 中 in ASCII: every character ASCII lacks becomes '*'. */
export const MUSL_ASCII = "caf* * 5 *ok* *";
/** The text both fixes produce in ASCII, on every libc. */
export const PORTABLE_ASCII = 'cafe EUR 5 "ok" ?';
/** The bytes the per-character fallback writes in ISO-8859-1 (é kept as 0xE9), on every libc. */
export const PORTABLE_LATIN1_HEX = "636166e920455552203520226f6b22203f";

/** musl's iconv_open knows no //TRANSLIT or //IGNORE: the whole name is an unknown charset. */
const MUSL_NO_SUFFIX = {
  when: { family: "musl" as const },
  result: "success" as const,
  measurements: { open: "EINVAL" },
  because:
    "musl has no GNU suffixes: find_charmap (src/locale/iconv.c) compares the whole name, so " +
    '"ASCII//TRANSLIT" is an unknown charset and iconv_open fails with EINVAL: PHP\'s ' +
    '"Wrong charset, conversion ... is not allowed" (docker-library/php#240, #1495).',
};

function convert(to: string, locale: string) {
  return {
    kind: "run" as const,
    on: "every" as const,
    args: ["convert", to],
    env: { LC_ALL: locale, LANG: null },
  };
}

/** The cases of iconv, in the order they run and the reports show them. */
export const cases: z.input<typeof CaseSchema>[] = [
  {
    id: "ascii-plain",
    title: "UTF-8 to plain ASCII: café € 5 “ok” 中",
    role: "demonstration",
    build: PROBE,
    check: { ...convert("ASCII", "C"), alsoOn: ["musl-1.2.3", "glibc-2.36"] },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { open: "ok", ret: "-1", errno: "EILSEQ", consumed: "3", out: "caf" },
        because:
          "glibc stops at the first character ASCII lacks: iconv() returns -1 with EILSEQ and " +
          "*inbuf left on 'é' (3 bytes consumed). The caller must skip or replace it itself.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { open: "ok", ret: "5", errno: "none", consumed: "24", out: MUSL_ASCII },
        because:
          "musl substitutes '*' for each of the 5 characters ASCII lacks (\"subst: x++, " +
          "c='*'\" in src/locale/iconv.c) and returns their count, as POSIX allows for an " +
          "implementation-defined conversion: no error, the whole text 'converted'.",
      },
    ],
  },
  {
    id: "latin1-plain",
    title: "UTF-8 to ISO-8859-1: é exists, €, the curly quotes and 中 do not",
    role: "demonstration",
    build: PROBE,
    check: convert("ISO-8859-1", "C"),
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { ret: "-1", errno: "EILSEQ", consumed: "6", hex: "636166e920" },
        because: "glibc converts 'café ' (é is 0xE9) and stops with EILSEQ at '€'.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: {
          ret: "4",
          errno: "none",
          consumed: "24",
          hex: "636166e9202a2035202a6f6b2a202a",
        },
        because: "musl keeps é as 0xE9 and writes '*' for the 4 others, returning 4.",
      },
    ],
  },
  {
    id: "translit-c",
    title: "ASCII//TRANSLIT under LC_ALL=C",
    role: "demonstration",
    build: PROBE,
    check: { ...convert("ASCII//TRANSLIT", "C"), alsoOn: ["musl-1.2.3", "glibc-2.36"] },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: {
          open: "ok",
          ret: "5",
          errno: "none",
          consumed: "24",
          out: 'caf? EUR 5 "ok" ?',
        },
        because:
          "glibc's translit tables come from the LC_CTYPE locale: the C locale knows € -> EUR " +
          "and the quotes, but has no rule for é, which becomes '?'. The 5 replacements are " +
          "counted as irreversible.",
      },
      MUSL_NO_SUFFIX,
    ],
  },
  {
    id: "translit-en-us",
    title: "ASCII//TRANSLIT under LC_ALL=en_US.UTF-8",
    role: "demonstration",
    build: PROBE,
    check: convert("ASCII//TRANSLIT", "en_US.UTF-8"),
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { open: "ok", ret: "5", errno: "none", out: PORTABLE_ASCII },
        because:
          "Under en_US.UTF-8 glibc's locale adds the translit_combining rules: é -> e. Only " +
          "中 has no approximation and becomes '?'. Same call, other locale, other text.",
      },
      MUSL_NO_SUFFIX,
    ],
  },
  {
    id: "translit-latin1-en-us",
    title: "ISO-8859-1//TRANSLIT under LC_ALL=en_US.UTF-8",
    role: "baseline",
    build: PROBE,
    check: convert("ISO-8859-1//TRANSLIT", "en_US.UTF-8"),
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { ret: "4", hex: PORTABLE_LATIN1_HEX },
        because: "é exists in Latin-1 and stays 0xE9; €, the quotes and 中 are transliterated.",
      },
      MUSL_NO_SUFFIX,
    ],
  },
  {
    id: "translit-latin1-de-de",
    title: "ISO-8859-1//TRANSLIT under LC_ALL=de_DE.UTF-8",
    role: "demonstration",
    build: PROBE,
    check: convert("ISO-8859-1//TRANSLIT", "de_DE.UTF-8"),
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: {
          ret: "4",
          out: "caf\\xe9 EUR 5 \\xabok\\xbb ?",
          hex: "636166e920455552203520ab6f6bbb203f",
        },
        because:
          "glibc's de_DE locale transliterates the curly quotes to the guillemets « » (0xAB, " +
          "0xBB), which Latin-1 has; en_US gives straight quotes. //TRANSLIT output is locale " +
          "data, not a fixed rule.",
      },
      MUSL_NO_SUFFIX,
    ],
  },
  {
    id: "ignore",
    title: "ASCII//IGNORE under LC_ALL=C",
    role: "demonstration",
    build: PROBE,
    check: convert("ASCII//IGNORE", "C"),
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: {
          open: "ok",
          ret: "-1",
          errno: "EILSEQ",
          consumed: "24",
          hex: "636166202035206f6b20",
        },
        because:
          "glibc's //IGNORE drops what ASCII lacks and converts the whole input, yet iconv() " +
          "still returns -1 with EILSEQ at the end (iconv_open(3)): code that treats -1 as " +
          "failure throws the converted text away.",
      },
      MUSL_NO_SUFFIX,
    ],
  },
  {
    id: "charsets",
    title: "Which charsets and aliases iconv_open knows, to and from UTF-8",
    role: "diagnosis",
    build: PROBE,
    check: {
      kind: "run",
      on: "every",
      args: ["charsets"],
      env: { LC_ALL: "C", LANG: null },
      alsoOn: ["musl-1.2.3", "glibc-2.36"],
    },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: {
          "charset.cp1252": "both",
          "charset.cp932": "both",
          "charset.windows_31j": "both",
          "charset.utf_7": "both",
          "charset.gb18030": "both",
          "charset.big5": "both",
          "charset.ebcdic_us": "both",
          "charset.ansi_x3_4_1968": "both",
          "sjis.ret": "0",
          "sjis.hex": "5c7e",
        },
        because:
          "glibc's gconv modules cover hundreds of charsets and aliases, each both ways. Its " +
          "SHIFT_JIS maps ¥ and ‾ to 0x5C and 0x7E as JIS X 0201 defines them: reversible.",
      },
      {
        when: { family: "musl", version: "<1.2.5" },
        result: "success",
        measurements: {
          "charset.cp1252": "both",
          "charset.shift_jis": "both",
          "charset.cp932": "none",
          "charset.utf_7": "none",
          "charset.gb18030": "from-only",
        },
        because:
          "musl before 1.2.5 has Shift_JIS (shiftjis, sjis) but not the cp932 alias (added by " +
          "musl commit f5dba42f, 2024, first in 1.2.5), no " +
          "UTF-7, and the Chinese and Korean charsets only as a source.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: {
          "charset.cp1252": "both",
          "charset.iso_8859_15": "both",
          "charset.shift_jis": "both",
          "charset.cp932": "both",
          "charset.windows_31j": "none",
          "charset.utf_7": "none",
          "charset.gb18030": "from-only",
          "charset.gbk": "from-only",
          "charset.big5": "from-only",
          "charset.euc_kr": "from-only",
          "charset.macintosh": "none",
          "charset.ebcdic_us": "none",
          "charset.ansi_x3_4_1968": "none",
          "sjis.ret": "2",
          "sjis.hex": "5c7e",
        },
        because:
          "musl's charset table is built in and small: cp932 is an alias of Shift_JIS here " +
          "(since 1.2.5, commit f5dba42f), WINDOWS-31J, UTF-7, MACINTOSH and EBCDIC do not exist, and " +
          "iconv_open refuses GB18030, GBK, Big5 and EUC-KR as a target (decode only). " +
          "glibc's C-locale codeset name ANSI_X3.4-1968 is no musl charset. ¥ and ‾ give the " +
          "same bytes in Shift_JIS, but musl counts them as irreversible.",
      },
    ],
  },
  {
    id: "fix-own-translit",
    title: "Fix: transliterate in the program (é -> e, € -> EUR, quotes, else ?)",
    role: "fix",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["fix-translit"], env: { LC_ALL: "C", LANG: null } },
    expect: [
      {
        result: "success",
        measurements: { out: PORTABLE_ASCII, hex: "6361666520455552203520226f6b22203f" },
        because:
          "The program's own table decides every replacement: no suffix, no locale data, the " +
          "same bytes on glibc and musl.",
      },
    ],
  },
  {
    id: "fix-fallback-latin1",
    title: "Fix: iconv one character at a time to ISO-8859-1, own fallback on either signal",
    role: "fix",
    build: PROBE,
    check: {
      kind: "run",
      on: "every",
      args: ["fix-fallback", "ISO-8859-1"],
      env: { LC_ALL: "C", LANG: null },
    },
    expect: [
      {
        result: "success",
        measurements: { open: "ok", hex: PORTABLE_LATIN1_HEX, fallbacks: "4" },
        because:
          "Each character goes through iconv alone; a -1/EILSEQ (glibc) or a return above 0 " +
          "(musl's '*') both mean 'not representable', and the program writes its own " +
          "replacement. Plain ISO-8859-1 exists on both: the same 17 bytes everywhere.",
      },
    ],
  },
];
