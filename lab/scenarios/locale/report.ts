import type { z } from "zod";
import type { ReportSpecSchema } from "../schema.js";
import { BYTE_ORDER } from "./cases.js";

/** What the reports show beyond the case list: tables, claims, advice, charts, tolerances. */
export const report = {
  tables: [
    {
      title: "setlocale(LC_ALL, X) returns (NULL: failed)",
      rows: [
        { label: '"" (LANG unset)', case: "setlocale-no-lang", key: "setlocale.empty" },
        { label: '"" (LANG=de_DE.UTF-8)', case: "setlocale-lang", key: "setlocale.empty" },
        { label: '"C"', case: "setlocale-no-lang", key: "setlocale.c" },
        { label: '"C.UTF-8"', case: "setlocale-no-lang", key: "setlocale.c_utf8" },
        { label: '"en_US.UTF-8"', case: "setlocale-no-lang", key: "setlocale.en_us" },
        {
          label: '"xx_YY.UTF-8" (exists nowhere)',
          case: "setlocale-no-lang",
          key: "setlocale.xx_yy",
        },
        {
          label: "CODESET after en_US",
          case: "setlocale-no-lang",
          key: "setlocale.en_us.codeset",
        },
        {
          label: "MB_CUR_MAX after en_US",
          case: "setlocale-no-lang",
          key: "setlocale.en_us.mb_cur_max",
        },
      ],
    },
    {
      title: "strcoll sort order",
      rows: [
        { label: "C", case: "collate-c", key: "order" },
        { label: "en_US.UTF-8", case: "collate-en-us", key: "order" },
        { label: "de_DE.UTF-8", case: "collate-de-de", key: "order" },
        { label: "sv_SE.UTF-8", case: "collate-sv-se", key: "order" },
      ],
    },
    {
      title: "Numbers and dates (2024-03-09 16:00 UTC)",
      rows: [
        { label: "%'d, en_US", case: "format", key: "grouping.en_us" },
        { label: "%'d, de_DE", case: "format", key: "grouping.de_de" },
        { label: "%'.2f, de_DE", case: "format", key: "grouping_float.de_de" },
        { label: "strftime %c, de_DE", case: "format", key: "strftime_c.de_de" },
        { label: "strftime %x, de_DE", case: "format", key: "strftime_x.de_de" },
        { label: "%A %d %B %Y, de_DE", case: "format", key: "strftime_long.de_de" },
      ],
    },
    {
      title: "Case mapping under tr_TR.UTF-8, and bytes above 0x7F",
      rows: [
        { label: "towupper('i')", case: "case-turkish", key: "towupper_i" },
        { label: "towlower('I')", case: "case-turkish", key: "towlower_cap_i" },
        { label: "toupper('i')", case: "case-turkish", key: "toupper_i" },
        { label: 'mbrtowc("é") in C', case: "c-locale-bytes", key: "c.mbrtowc" },
        { label: "the wide char it gives", case: "c-locale-bytes", key: "c.wc" },
        { label: "iswalpha(é) in C", case: "c-locale-bytes", key: "c.iswalpha_e_acute" },
        { label: 'mbrtowc("é") in C.UTF-8', case: "c-locale-bytes", key: "c_utf8.wc" },
      ],
    },
    {
      title: "Locales that setlocale accepts",
      rows: [
        { label: "de_DE.UTF-8", case: "available-locales", key: "available.de_de_utf_8" },
        { label: "ja_JP.UTF-8", case: "available-locales", key: "available.ja_jp_utf_8" },
        {
          label: "fr_FR.UTF-8 (not generated)",
          case: "available-locales",
          key: "available.fr_fr_utf_8",
        },
        { label: "C.UTF-8", case: "available-locales", key: "available.c_utf_8" },
      ],
    },
  ],
  claims: [
    {
      claim: "a successful setlocale means the locale's data is there",
      case: "setlocale-no-lang",
      key: "setlocale.xx_yy",
      holdsWhen: "NULL",
    },
    {
      claim: "musl has no C.UTF-8",
      family: "musl",
      case: "setlocale-no-lang",
      key: "setlocale.c_utf8",
      holdsWhen: "NULL",
    },
    {
      claim: "on musl every locale sorts like C",
      family: "musl",
      case: "collate-de-de",
      key: "order",
      holdsWhen: BYTE_ORDER,
    },
  ],
  advice: [
    {
      text:
        "Do not rely on strcoll for an order users see: it is byte order on Alpine. Sort with " +
        "ICU (or your language's collation library), or state the collation explicitly.",
      measured: { case: "collate-de-de", key: "order" },
    },
    {
      text:
        "Do not treat a successful setlocale as proof that locale data exists: on musl it " +
        "succeeds for any name. Check a behaviour you need instead (e.g. format a number).",
      measured: { case: "setlocale-no-lang", key: "setlocale.xx_yy" },
    },
    {
      text:
        "Format numbers and dates for people with a library that carries its own data (ICU, " +
        "CLDR-based), not printf's ' flag or strftime, when the program may run on musl.",
      measured: { case: "format", key: "grouping.de_de" },
    },
    {
      text:
        "Static glibc binaries do not take their locales along: on a system without glibc's " +
        "locale data every locale but C fails.",
      evidence: "static-glibc-on-musl",
    },
  ],
} satisfies z.input<typeof ReportSpecSchema>;
