import type { z } from "zod";
import type { LessonSchema } from "../schema.js";

/** What `explain` teaches; each point cites the scenario's sources by key. */
export const lesson = {
  concept: [
    "iconv converts text between charsets: iconv_open(to, from) picks the pair, iconv() converts " +
      "a buffer and returns how many characters it converted irreversibly, or (size_t)-1 with " +
      "errno set. A UTF-8 text usually holds characters an 8-bit charset (ASCII, ISO-8859-1) " +
      "does not have: something has to happen to them.",
    "GNU added two suffixes to the target name: //TRANSLIT (replace what is missing by an " +
      "approximation: é -> e, € -> EUR) and //IGNORE (drop it). They are not POSIX; PHP's " +
      "iconv(), many slug and 'to ASCII' helpers and `iconv -t ASCII//TRANSLIT` rely on them.",
  ],
  whyTheyDiffer: [
    {
      text:
        "POSIX lets the implementation choose what a character the target lacks becomes, and " +
        "asks only that it be counted in iconv()'s return value. glibc chooses to stop with " +
        "EILSEQ; musl writes '*' and counts it, so on musl the conversion 'succeeds'.",
      sources: ["posix-iconv", "glibc-manual-iconv", "musl-iconv-source"],
    },
    {
      text:
        "glibc implements //TRANSLIT from the LC_CTYPE locale's translit tables: under C it " +
        "knows € but not é ('?'), under en_US.UTF-8 é becomes e, under de_DE curly quotes become " +
        "« ». //IGNORE skips characters but still ends with -1/EILSEQ.",
      sources: ["glibc-iconv-open-man", "glibc-manual-iconv"],
    },
    {
      text:
        "musl implements no suffix: its charset lookup compares the whole name, so " +
        "'ASCII//TRANSLIT' is an unknown charset and iconv_open fails with EINVAL, which PHP " +
        "reports as 'Wrong charset' on Alpine images.",
      sources: ["musl-iconv-source", "musl-functional-differences", "php-240", "php-1495"],
    },
    {
      text:
        "musl's charsets are one built-in table: no UTF-7, no MACINTOSH or EBCDIC, GB18030, GBK, " +
        "Big5 and EUC-KR only as a source; cp932 is an alias of Shift_JIS only since 1.2.5. " +
        "glibc loads gconv modules for hundreds of charsets.",
      sources: ["musl-iconv-source", "musl-cp932-commit"],
    },
  ],
  diagnose: [
    {
      tool: "iconv(1)",
      command: "printf 'caf\\303\\251\\n' | iconv -f UTF-8 -t ASCII//TRANSLIT; echo \"exit $?\"",
      shows:
        "glibc prints 'cafe' (or 'caf?' under LC_ALL=C). On Alpine the same line answered " +
        "'iconv: destination charset ASCII//TRANSLIT: Invalid argument' (docker-library/php#1495): " +
        "musl's iconv_open refused the name. Without the suffix a musl iconv writes 'caf*'.",
    },
    {
      tool: "iconv -l",
      command: "iconv -l | tr ',' '\\n' | grep -i -x -e cp932 -e utf-7 -e gb18030",
      shows: "glibc's list of charsets and aliases; musl has no such list: try iconv_open instead.",
    },
    {
      tool: "a tiny probe",
      command: "npm run lab -- iconv",
      shows:
        "What iconv_open and iconv() return per libc, with and without the suffixes, under " +
        "three locales, and which charsets exist, side by side.",
    },
  ],
  fixes: [
    {
      fix: "Transliterate in the program",
      how:
        "Map the characters you care about yourself (a table, or ICU's Any-Latin; " +
        "Latin-ASCII), then convert or keep ASCII.",
      whenToChoose:
        "Slugs, file names, 'ASCII only' output: the only choice that gives the same text on " +
        "every libc and under every locale.",
      provenBy: "fix-own-translit",
    },
    {
      fix: "Convert one character at a time with your own fallback",
      how:
        "Call iconv per character; on -1/EILSEQ (glibc) or a return above 0 (musl) write your " +
        "replacement and reset the state with iconv(cd, NULL, NULL, NULL, NULL).",
      whenToChoose:
        "When the target is a real legacy charset both libcs support (ISO-8859-1, CP1252) and " +
        "only the unrepresentable characters need a rule.",
      provenBy: "fix-fallback-latin1",
    },
    {
      fix: "Bring GNU libiconv",
      how:
        "On Alpine: apk add gnu-libiconv and link against it (PHP images preloaded it; newer " +
        "libiconv no longer ships the preload library).",
      whenToChoose:
        "When you cannot change the code that passes //TRANSLIT. Its translit tables are " +
        "libiconv's own, not glibc's locale ones: output can still differ from glibc.",
    },
    {
      fix: "Stay in UTF-8",
      how: "Keep text in UTF-8 end to end and convert only at a boundary that needs it.",
      whenToChoose: "Whenever the other side accepts UTF-8: nothing is lost, on any libc.",
    },
  ],
  questions: [
    'Why does `iconv_open("ASCII//TRANSLIT", "UTF-8")` fail on Alpine, and what error does ' +
      "a PHP program see?",
    "On musl, iconv() to ASCII returns 5 and sets no errno for 'café € 5 “ok” 中'. What does " +
      "the 5 count, and what is in the output?",
    "Why does glibc's //TRANSLIT turn 'é' into '?' in one container and into 'e' in another, " +
      "and which fix gives the same text in both?",
  ],
} satisfies z.input<typeof LessonSchema>;
