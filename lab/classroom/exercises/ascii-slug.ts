import type { z } from "zod";
import type { ExerciseSchema } from "../schema.js";

const HINT =
  "iconv's //TRANSLIT is a GNU extension: musl's iconv_open refuses the name (EINVAL), and " +
  "glibc's result follows the LC_CTYPE locale ('?' for é under C, € -> EUR under en_US). Do the " +
  "transliteration yourself: the letters U+00C0 to U+00FF are two UTF-8 bytes, 0xC3 followed by " +
  "0x80-0xBF; a 64-entry table gives their base letters.";

function slugCheck(id: string, title: string, input: string, slug: string, lang: string | null) {
  return {
    id,
    title,
    run: { on: "every" as const, args: [input], env: { LANG: lang, LC_ALL: null } },
    expect: [{ result: "success" as const, exitCode: 0, stdout: [`^slug=${slug}$`] }],
    wanted: `\`slug=${slug}\` for "${input}"`,
    hint: HINT,
  };
}

export const asciiSlug = {
  name: "ascii-slug",
  scenario: "iconv",
  title: "A URL slug that iconv //TRANSLIT makes differently per C library",
  summary:
    "slugs made with iconv //TRANSLIT fail on Alpine and change with LANG: make them portable",
  task: [
    "c-src/exercises/ascii-slug.c makes an ASCII slug (`slug=creme-brulee-a-zurich`) from a UTF-8 " +
      'title with iconv(..., "ASCII//TRANSLIT", "UTF-8"). On Ubuntu with LANG=en_US.UTF-8 it ' +
      "works; without LANG glibc writes '?' for accented letters; on Alpine iconv_open fails.",
    "Make the slug the same on every C library and under every LANG: the accented letters " +
      "U+00C0 to U+00FF become their base letter, every other non-ASCII character and every " +
      "ASCII character that is not a letter or digit separates words; words are joined with " +
      "one '-' and lower case. Keep the output format and exit 0.",
  ],
  starter: "ascii-slug.c",
  checks: [
    slugCheck(
      "slug-en-us",
      "A French and German title, LANG=en_US.UTF-8",
      "Crème Brûlée à Zürich",
      "creme-brulee-a-zurich",
      "en_US.UTF-8",
    ),
    slugCheck(
      "slug-without-lang",
      "Accented capitals, LANG unset",
      "Déjà Vu ÀÉÎÕÜ",
      "deja-vu-aeiou",
      null,
    ),
    slugCheck(
      "slug-symbols",
      "Symbols outside Latin-1 only separate words, LANG=en_US.UTF-8",
      "Ça coûte 5 € – “très” cher",
      "ca-coute-5-tres-cher",
      "en_US.UTF-8",
    ),
  ],
} satisfies z.input<typeof ExerciseSchema>;
