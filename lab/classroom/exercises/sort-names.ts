import type { z } from "zod";
import type { ExerciseSchema } from "../schema.js";

/** The locale scenario's word list: glibc's en_US order is the wanted one (measured). */
const WORDS = [
  "apple",
  "Banana",
  "cherry",
  "Äpfel",
  "zebra",
  "Zürich",
  "éclair",
  "Ångström",
  "Öl",
  "Ost",
];
const WORDS_ORDER = "Ångström|Äpfel|apple|Banana|cherry|éclair|Öl|Ost|zebra|Zürich";
/** A second list, so no order can be typed in: glibc's de_DE order is the wanted one. */
const GERMAN = ["Zoë", "zoo", "Émile", "edam", "Ökonom", "oben", "Übel", "ulme", "Ärger", "anker"];
const GERMAN_ORDER = "anker|Ärger|edam|Émile|oben|Ökonom|Übel|ulme|Zoë|zoo";
/** Names equal but for case or accents: the tie-break (bytes) decides. */
const TIES = ["zebra", "résumé", "Éclair", "apple", "Zürich", "resume", "eclair", "Apple"];
const TIES_ORDER = "Apple|apple|eclair|Éclair|resume|résumé|zebra|Zürich";

const ORDER_HINT =
  "strcoll follows the C library's locale data, and musl has none: its strcoll is strcmp. Compare " +
  "the names with a rule of your own that needs no locale: fold case and the Latin-1 accented " +
  "letters (two UTF-8 bytes, 0xC3 followed by 0x80-0xBF) to a base letter, then compare.";

function orderCheck(
  id: string,
  title: string,
  words: string[],
  order: string,
  lang: string | null,
) {
  return {
    id,
    title,
    run: { on: "every" as const, args: words, env: { LANG: lang, LC_ALL: null } },
    expect: [
      {
        result: "success" as const,
        exitCode: 0,
        stdout: [`^order=${order.replace(/\|/g, "\\|")}$`],
      },
    ],
    wanted: `\`order=${order}\``,
  };
}

export const sortNames = {
  name: "sort-names",
  scenario: "locale",
  title: "A name list whose order depends on the C library",
  summary:
    "names sorted with strcoll come out in byte order on Alpine: sort them the same everywhere",
  task: [
    "c-src/exercises/sort-names.c sorts the names it is given with strcoll and prints " +
      "`order=A|B|...`. On Ubuntu with LANG=en_US.UTF-8 that is dictionary order; on Alpine it " +
      "is byte order (musl has no collation data); without LANG it is byte order on Ubuntu too.",
    "Make the order the same on every C library and under every LANG: compare names ignoring " +
      "case and treating the accented letters U+00C0 to U+00FF (Ä Å é Ö ü ë ...) as their base " +
      "letter; names equal that way go in byte order (as strcmp orders them). Keep the output " +
      "format and exit 0.",
  ],
  starter: "sort-names.c",
  checks: [
    {
      ...orderCheck(
        "order-en-us",
        "The locale scenario's words, LANG=en_US.UTF-8",
        WORDS,
        WORDS_ORDER,
        "en_US.UTF-8",
      ),
      hint: ORDER_HINT,
    },
    {
      ...orderCheck(
        "order-de-de",
        "Other words, LANG=de_DE.UTF-8",
        GERMAN,
        GERMAN_ORDER,
        "de_DE.UTF-8",
      ),
      hint: ORDER_HINT,
    },
    {
      ...orderCheck(
        "order-without-lang",
        "Names that differ only in case or accents, LANG unset",
        TIES,
        TIES_ORDER,
        null,
      ),
      hint:
        "Without LANG the program runs in the C locale, where strcoll compares bytes on every " +
        "libc. Names equal but for case and accents go in byte order. " +
        ORDER_HINT,
    },
  ],
} satisfies z.input<typeof ExerciseSchema>;
