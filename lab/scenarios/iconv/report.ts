import type { z } from "zod";
import type { ReportSpecSchema } from "../schema.js";
import { PORTABLE_ASCII } from "./cases.js";

/** What the reports show beyond the case list: tables, claims, advice. */
export const report = {
  tables: [
    {
      title: "iconv(UTF-8 -> X) of café € 5 “ok” 中: what comes out",
      rows: [
        { label: "ASCII: output", case: "ascii-plain", key: "out" },
        { label: "ASCII: iconv() returns", case: "ascii-plain", key: "ret" },
        { label: "ASCII: errno", case: "ascii-plain", key: "errno" },
        { label: "ASCII: input bytes consumed (of 24)", case: "ascii-plain", key: "consumed" },
        { label: "ISO-8859-1: returns", case: "latin1-plain", key: "ret" },
        { label: "ISO-8859-1: output bytes", case: "latin1-plain", key: "hex" },
      ],
      note:
        "POSIX leaves the conversion of a character the target lacks to the implementation: glibc " +
        "stops with EILSEQ, musl writes '*' and counts it in the return value.",
    },
    {
      title: "The GNU suffixes: iconv_open, and what iconv() gives",
      rows: [
        { label: "ASCII//TRANSLIT, LC_ALL=C: open", case: "translit-c", key: "open" },
        { label: "ASCII//TRANSLIT, LC_ALL=C", case: "translit-c", key: "out" },
        { label: "ASCII//TRANSLIT, en_US.UTF-8", case: "translit-en-us", key: "out" },
        {
          label: "ISO-8859-1//TRANSLIT, en_US.UTF-8",
          case: "translit-latin1-en-us",
          key: "out",
        },
        {
          label: "ISO-8859-1//TRANSLIT, de_DE.UTF-8",
          case: "translit-latin1-de-de",
          key: "out",
        },
        { label: "ASCII//IGNORE: output bytes", case: "ignore", key: "hex" },
        { label: "ASCII//IGNORE: returns", case: "ignore", key: "ret" },
        { label: "ASCII//IGNORE: errno", case: "ignore", key: "errno" },
      ],
    },
    {
      title: "Charsets iconv_open knows (to and from UTF-8)",
      rows: [
        { label: "CP1252", case: "charsets", key: "charset.cp1252" },
        { label: "ISO-8859-15", case: "charsets", key: "charset.iso_8859_15" },
        { label: "SHIFT_JIS", case: "charsets", key: "charset.shift_jis" },
        { label: "CP932", case: "charsets", key: "charset.cp932" },
        { label: "WINDOWS-31J", case: "charsets", key: "charset.windows_31j" },
        { label: "EUC-JP", case: "charsets", key: "charset.euc_jp" },
        { label: "GB18030", case: "charsets", key: "charset.gb18030" },
        { label: "BIG5", case: "charsets", key: "charset.big5" },
        { label: "EUC-KR", case: "charsets", key: "charset.euc_kr" },
        { label: "UTF-7", case: "charsets", key: "charset.utf_7" },
        { label: "UTF-16", case: "charsets", key: "charset.utf_16" },
        { label: "MACINTOSH", case: "charsets", key: "charset.macintosh" },
        { label: "EBCDIC-US", case: "charsets", key: "charset.ebcdic_us" },
        {
          label: "ANSI_X3.4-1968 (glibc's C codeset)",
          case: "charsets",
          key: "charset.ansi_x3_4_1968",
        },
        { label: "¥‾ to SHIFT_JIS: returns", case: "charsets", key: "sjis.ret" },
      ],
      note: "from-only: iconv_open accepts it as the source charset, not as the target.",
    },
    {
      title: "The fixes: the same bytes on every libc",
      rows: [
        { label: "own transliteration (ASCII)", case: "fix-own-translit", key: "out" },
        { label: "per-character fallback (ISO-8859-1)", case: "fix-fallback-latin1", key: "out" },
        { label: "characters replaced", case: "fix-fallback-latin1", key: "fallbacks" },
      ],
    },
  ],
  claims: [
    {
      claim: "iconv //TRANSLIT works on Alpine",
      family: "musl",
      case: "translit-en-us",
      key: "open",
      holdsWhen: "ok",
    },
    {
      claim: "iconv fails with EILSEQ on a character the target charset lacks",
      case: "ascii-plain",
      key: "errno",
      holdsWhen: "EILSEQ",
    },
    {
      claim: "//IGNORE makes iconv() succeed",
      family: "glibc",
      case: "ignore",
      key: "ret",
      holdsWhen: { min: 0 },
    },
    {
      claim: "//TRANSLIT gives the same text whatever the locale",
      family: "glibc",
      case: "translit-c",
      key: "out",
      holdsWhen: PORTABLE_ASCII,
    },
  ],
  highlights: {
    "ascii-plain": ["ret", "errno", "out"],
    "latin1-plain": ["ret", "errno"],
    "translit-c": ["open", "out"],
    "translit-en-us": ["open", "out"],
    "translit-latin1-en-us": ["open", "out"],
    "translit-latin1-de-de": ["open", "out"],
    ignore: ["open", "ret", "out"],
    "fix-own-translit": ["out"],
    "fix-fallback-latin1": ["out", "fallbacks"],
  },
  advice: [
    {
      text:
        "Do not put //TRANSLIT or //IGNORE in a charset name a program may pass to musl: " +
        "iconv_open fails with EINVAL. Transliterate in the program (or with ICU) instead.",
      measured: { case: "translit-en-us", key: "open" },
    },
    {
      text:
        "Treat a return value above 0 as 'characters were replaced', not only -1/EILSEQ: musl " +
        "reports unconvertible characters that way, with '*' in the output.",
      measured: { case: "ascii-plain", key: "ret" },
    },
    {
      text:
        "Iconv one character at a time when you need your own replacement: both libcs' signals " +
        "can then be handled alike, and the output is the same.",
      evidence: "fix-fallback-latin1",
    },
    {
      text:
        "Check the charsets you need with iconv_open at startup (or `iconv -l` on glibc): musl " +
        "has no UTF-7 and cannot encode GB18030, GBK, Big5 or EUC-KR.",
      measured: { case: "charsets", key: "charset.gb18030" },
    },
  ],
} satisfies z.input<typeof ReportSpecSchema>;
