import type { z } from "zod";
import type { CaseSchema } from "../schema.js";

/** The probe's word list in byte order: what `C`, and every musl locale, sort it into. */
export const BYTE_ORDER = "Banana|Ost|Zürich|apple|cherry|zebra|Äpfel|Ångström|Öl|éclair";
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

/** The cases of locale, in the order they run and the reports show them. */
export const cases: z.input<typeof CaseSchema>[] = [
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
];
