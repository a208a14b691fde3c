import type { z } from "zod";
import type { ScenarioSchema } from "./schema.js";

/** The probe's word list in byte order: what `C`, and every musl locale, sort it into. */
const BYTE_ORDER = "Banana|Ost|Zürich|apple|cherry|zebra|Äpfel|Ångström|Öl|éclair";
/** glibc's en_US and de_DE (ISO 14651): accents are secondary, case is tertiary. */
const GLIBC_LATIN_ORDER = "Ångström|Äpfel|apple|Banana|cherry|éclair|Öl|Ost|zebra|Zürich";
/** glibc's sv_SE: Å, Ä and Ö are letters of their own, after Z. */
const GLIBC_SWEDISH_ORDER = "apple|Banana|cherry|éclair|Ost|zebra|Zürich|Ångström|Äpfel|Öl";

const NO_LANG = { LANG: null, LC_ALL: null };
const PROBE = { probe: "locale.c", for: "native", link: "dynamic" } as const;

/** musl names a mixed locale by all six categories: "C.UTF-8" only changes LC_CTYPE. */
const MUSL_C_UTF8 = "C.UTF-8;C;C;C;C;C";

function collateCase(locale: string, slug: string, glibcOrder: string) {
  return {
    id: `collate-${slug}`,
    title: `strcoll sort of the word list under ${locale}`,
    role: "demonstration" as const,
    build: PROBE,
    check: { kind: "run" as const, on: "every" as const, args: ["collate", locale], env: NO_LANG },
    expect: [
      {
        when: { family: "glibc" as const },
        result: "success" as const,
        measurements: { setlocale: locale, order: glibcOrder },
        because:
          locale === "C"
            ? "The C locale collates by byte value: capitals, then small letters, then UTF-8."
            : `glibc loads ${locale}'s collation table (ISO 14651 plus the locale's own rules).`,
      },
      {
        when: { family: "musl" as const },
        result: "success" as const,
        measurements: { setlocale: locale, order: BYTE_ORDER },
        because:
          "musl's strcoll is strcmp (src/locale/strcoll.c): byte order in every locale, " +
          "although setlocale accepted the name.",
      },
    ],
  };
}

export const locale = {
  id: "locale",
  title: "Locales: why the sort order changed on Alpine",
  summary: "setlocale, strcoll, number/date formats, case mapping and bytes above 0x7F per libc",
  description:
    "glibc ships compiled locale data: setlocale succeeds only for locales generated on the " +
    "running system, and a loaded locale changes collation, number and date formats, and case " +
    "mapping. musl has no locale data: setlocale accepts any name (and succeeds), strcoll is " +
    "strcmp, printf's ' flag groups nothing and dates stay in the C format. So on Alpine a " +
    "successful setlocale proves nothing, and user-visible sort order silently becomes byte order.",
  sources: [
    "musl wiki, Functional differences from glibc, 'Character sets and locale': https://wiki.musl-libc.org/functional-differences-from-glibc.html",
    "musl src/locale/strcoll.c (strcmp), locale_map.c (any name accepted), setlocale.c, langinfo.c",
    "Rich Felker on missing locales in musl (2017): https://www.openwall.com/lists/musl/2017/11/08/1",
    "musl's byte-based C locale, design mail (2015): https://inbox.vuxu.org/musl/20150606214007.GA17398@brightrain.aerifal.cx/",
    "glibc manual, 'Locales and Internationalization': https://sourceware.org/glibc/manual/latest/html_node/Locales.html",
    'docker-library/postgres#327 (Alpine sorts like COLLATE "C")',
  ],
  requires: {
    glibcLocales: ["en_US.UTF-8", "de_DE.UTF-8", "tr_TR.UTF-8", "sv_SE.UTF-8", "ja_JP.UTF-8"],
  },
  cases: [
    {
      id: "setlocale-no-lang",
      title: "setlocale(LC_ALL, X) with LANG and LC_ALL unset",
      role: "demonstration",
      build: PROBE,
      check: { kind: "run", on: "every", args: ["setlocale"], env: NO_LANG },
      expect: [
        {
          when: { family: "glibc" },
          result: "success",
          measurements: {
            "setlocale.empty": "C",
            "setlocale.c_utf8": "C.UTF-8",
            "setlocale.en_us": "en_US.UTF-8",
            "setlocale.xx_yy": "NULL",
            "setlocale.xx_yy.codeset": "ANSI_X3.4-1968",
          },
          because:
            "glibc finds en_US.UTF-8 because it was generated in this image; xx_YY.UTF-8 does " +
            'not exist, so setlocale returns NULL and the program stays in "C".',
        },
        {
          when: { family: "musl" },
          result: "success",
          measurements: {
            "setlocale.empty": MUSL_C_UTF8,
            "setlocale.c_utf8": MUSL_C_UTF8,
            "setlocale.en_us": "en_US.UTF-8",
            "setlocale.xx_yy": "xx_YY.UTF-8",
            "setlocale.xx_yy.codeset": "UTF-8",
          },
          because:
            "musl accepts any locale name (src/locale/locale_map.c) and behaves as C.UTF-8 for " +
            "it, so even a locale that exists nowhere 'succeeds'. Without LANG, setlocale(\"\") " +
            'gives a UTF-8 LC_CTYPE and C for the rest, which musl spells "C.UTF-8;C;C;C;C;C".',
        },
      ],
    },
    {
      id: "setlocale-lang",
      title: 'setlocale(LC_ALL, "") with LANG=de_DE.UTF-8',
      role: "baseline",
      build: PROBE,
      check: {
        kind: "run",
        on: "every",
        args: ["setlocale"],
        env: { LC_ALL: null, LANG: "de_DE.UTF-8" },
      },
      expect: [
        {
          result: "success",
          measurements: { "env.lang": "de_DE.UTF-8", "setlocale.empty": "de_DE.UTF-8" },
          because: "Both libcs take the locale name from LANG when LC_ALL is unset.",
        },
      ],
    },
    {
      id: "setlocale-lc-all",
      title: 'setlocale(LC_ALL, "") with LC_ALL=sv_SE.UTF-8 and LANG=de_DE.UTF-8',
      role: "baseline",
      build: PROBE,
      check: {
        kind: "run",
        on: "every",
        args: ["setlocale"],
        env: { LC_ALL: "sv_SE.UTF-8", LANG: "de_DE.UTF-8" },
      },
      expect: [
        {
          result: "success",
          measurements: { "env.lc_all": "sv_SE.UTF-8", "setlocale.empty": "sv_SE.UTF-8" },
          because:
            "LC_ALL outranks LANG (and every LC_<category>) on both libcs, as POSIX " +
            "(XBD 8.2, Internationalization Variables) orders them.",
        },
      ],
    },
    collateCase("C", "c", BYTE_ORDER),
    collateCase("en_US.UTF-8", "en-us", GLIBC_LATIN_ORDER),
    collateCase("de_DE.UTF-8", "de-de", GLIBC_LATIN_ORDER),
    collateCase("sv_SE.UTF-8", "sv-se", GLIBC_SWEDISH_ORDER),
    {
      id: "format",
      title: 'printf("%\'d") and strftime under en_US and de_DE',
      role: "demonstration",
      build: PROBE,
      check: { kind: "run", on: "every", args: ["format"], env: NO_LANG },
      expect: [
        {
          when: { family: "glibc" },
          result: "success",
          measurements: {
            "grouping.en_us": "1,234,567",
            "grouping.de_de": "1.234.567",
            "grouping_float.de_de": "1.234.567,89",
            "strftime_x.de_de": "09.03.2024",
            "strftime_long.de_de": { pattern: "^Samstag" },
          },
          because:
            "glibc's LC_NUMERIC and LC_TIME data group digits, choose the decimal comma and " +
            "name the days in German.",
        },
        {
          when: { family: "musl" },
          result: "success",
          measurements: {
            "grouping.en_us": "1234567",
            "grouping.de_de": "1234567",
            "grouping_float.de_de": "1234567.89",
            "strftime_x.de_de": "03/09/24",
            "strftime_long.de_de": { pattern: "^Saturday" },
          },
          because:
            "musl has no LC_NUMERIC or LC_TIME data: the ' flag groups nothing, the decimal " +
            "point stays '.', and %c/%x are the C formats in English.",
        },
      ],
    },
    {
      id: "case-turkish",
      title: "towupper('i') and toupper('i') under tr_TR.UTF-8",
      role: "demonstration",
      build: PROBE,
      check: { kind: "run", on: "every", args: ["case"], env: NO_LANG },
      expect: [
        {
          when: { family: "glibc" },
          result: "success",
          measurements: {
            setlocale: "tr_TR.UTF-8",
            towupper_i: "U+0130",
            towlower_cap_i: "U+0131",
            toupper_i: "U+0069",
          },
          because:
            "glibc's tr_TR maps i to İ (U+0130) and I to ı (U+0131). toupper works on single " +
            "bytes and U+0130 is not one, so it leaves 'i' alone.",
        },
        {
          when: { family: "musl" },
          result: "success",
          measurements: {
            setlocale: "tr_TR.UTF-8",
            towupper_i: "U+0049",
            towlower_cap_i: "U+0069",
            toupper_i: "U+0049",
          },
          because:
            "musl's case mapping takes no locale (src/ctype/towctrans.c): i becomes I, the " +
            "Turkish rules do not exist.",
        },
      ],
    },
    {
      id: "c-locale-bytes",
      title: 'The bytes of UTF-8 "é" under C and C.UTF-8',
      role: "demonstration",
      build: PROBE,
      check: { kind: "run", on: "every", args: ["bytes"], env: NO_LANG },
      expect: [
        {
          when: { family: "glibc" },
          result: "success",
          measurements: {
            "c.mbrtowc": "-1",
            "c.mbrtowc.errno": "EILSEQ",
            "c.iswalpha_e_acute": "0",
            "c_utf8.wc": "U+00E9",
          },
          because:
            "glibc's C locale is ASCII: a byte above 0x7F is an invalid sequence (EILSEQ). " +
            "Under C.UTF-8 the two bytes are one character, U+00E9.",
        },
        {
          when: { family: "musl" },
          result: "success",
          measurements: {
            "c.mbrtowc": "1",
            "c.wc": "U+DFC3",
            "c.iswalpha_e_acute": "1",
            "c_utf8.wc": "U+00E9",
          },
          because:
            "musl's C locale is byte-based: each high byte decodes on its own to U+DF80+byte, so " +
            "nothing is EILSEQ but nothing is é either. Character classes ignore the locale.",
        },
      ],
    },
    {
      id: "available-locales",
      title: "Which locales 'exist': setlocale over a fixed list",
      role: "diagnosis",
      build: PROBE,
      check: { kind: "run", on: "every", args: ["available"], env: NO_LANG },
      expect: [
        {
          when: { family: "glibc" },
          result: "success",
          measurements: {
            "available.de_de_utf_8": "yes",
            "available.sv_se_utf_8": "yes",
            "available.fr_fr_utf_8": "no",
          },
          because:
            "glibc knows exactly what was generated (here by locale-gen in the image): fr_FR was " +
            "not, so it is missing. `locale -a` lists the same.",
        },
        {
          when: { family: "musl" },
          result: "success",
          measurements: { "available.fr_fr_utf_8": "yes", musl_locpath: "unset" },
          because:
            "On musl every name 'exists', so a program (or a configure script) cannot detect a " +
            "missing locale. MUSL_LOCPATH only adds message translations, not collation.",
        },
      ],
    },
    {
      id: "static-glibc-on-musl",
      title: "A static glibc build on musl: no locale comes along",
      role: "demonstration",
      build: { probe: "locale.c", for: "glibc", link: "static" },
      check: { kind: "run", on: "musl", args: ["setlocale"], env: NO_LANG },
      expect: [
        {
          result: "success",
          measurements: {
            "setlocale.c": "C",
            "setlocale.c_utf8": "NULL",
            "setlocale.en_us": "NULL",
            "setlocale.de_de": "NULL",
          },
          because:
            "Static linking does not bundle locale data: glibc still reads it from the running " +
            "system, and a musl system has none, not even C.UTF-8.",
        },
      ],
    },
  ],
  report: {
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
  },
  lesson: {
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
        sources: [
          "glibc manual, 'Locales and Internationalization': https://sourceware.org/glibc/manual/latest/html_node/Locales.html",
        ],
      },
      {
        text:
          "musl has no locale data by design: setlocale accepts any name, strcoll is strcmp (byte " +
          "order), the ' flag groups nothing, dates stay in C format. Only LC_CTYPE's UTF-8 " +
          "matters. So on Alpine a successful setlocale proves nothing.",
        sources: [
          "musl wiki, Functional differences from glibc, 'Character sets and locale': https://wiki.musl-libc.org/functional-differences-from-glibc.html",
          "musl src/locale/strcoll.c, locale_map.c",
          "Rich Felker on missing locales in musl (2017): https://www.openwall.com/lists/musl/2017/11/08/1",
        ],
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
  },
} satisfies z.input<typeof ScenarioSchema>;
