import type { z } from "zod";
import type { LessonSchema } from "../schema.js";

/** What `explain` teaches; each point cites the scenario's sources by key. */
export const lesson = {
  concept: [
    "printf walks its format string and takes one argument per conversion: %s wants a pointer " +
      "to a string, %lc a wide character, %m none (it prints strerror(errno), a GNU extension). " +
      "snprintf writes at most n bytes and returns the length the whole text would have had.",
    "The compiler knows printf too. GCC rewrites calls it can prove equivalent into cheaper " +
      'ones: printf("hello\\n") into puts("hello"), printf("%s\\n", s) into puts(s), and ' +
      "snprintf of constants into its result. Most of the time nobody notices; with s == NULL " +
      "the rewrite changes the behaviour, because puts has no NULL check.",
  ],
  whyTheyDiffer: [
    {
      text:
        'A NULL %s is undefined in C; both libcs print "(null)" for it anyway. glibc does so ' +
        "only when the precision lets all six characters through, so %.3s prints nothing; " +
        'musl cuts "(null)" like any string, so %.3s prints "(nu".',
      sources: ["c-standard-printf", "glibc-vfprintf", "musl-vfprintf"],
    },
    {
      text:
        'The "printf(NULL) crashes on musl" reports are puts(NULL) after GCC\'s rewrite, which ' +
        "crashes on glibc as well: measured, the folded call dies of SIGSEGV on both and the " +
        'real printf prints "(null)" on both.',
      sources: ["gcc-printf-to-puts", "glibc-manual-output-conversions"],
    },
    {
      text:
        "%m exists on both; the texts come from each libc's own table, equal for the common " +
        "errors, different for errno 0 ('Success' vs 'No error information') and unknown values.",
      sources: ["glibc-manual-output-conversions", "musl-strerror"],
    },
    {
      text:
        "musl 1.2.5 fixed two standard conformance points: %lc of L'\\0' now writes the nul " +
        "byte (1.2.3 wrote nothing), and snprintf accepts n > INT_MAX (1.2.3 failed with " +
        "EOVERFLOW and wrote nothing).",
      sources: ["musl-whatsnew-1-2-5", "musl-vfprintf"],
    },
  ],
  diagnose: [
    {
      tool: "nm",
      command: "nm -D ./prog | grep -E ' (puts|printf)'",
      shows:
        "Whether the binary imports puts although the source only calls printf: the compiler " +
        "rewrote a printf, and a NULL argument there crashes on every libc.",
    },
    {
      tool: "gcc -Wall",
      command: "gcc -O2 -Wall -c file.c",
      shows:
        'When GCC can see the NULL (gcc 14, measured): printf("%s|\\n", NULL) warns ' +
        "\"'%s' directive argument is null [-Wformat-overflow=]\" (snprintf: " +
        '-Wformat-truncation=), and printf("%s\\n", NULL), already rewritten, warns ' +
        '"argument 1 null where non-null expected [-Wnonnull]": the warning about puts. A ' +
        "NULL that arrives at run time shows only in a debugger.",
    },
    {
      tool: "gdb",
      command: "gdb -batch -ex run -ex bt --args ./prog",
      shows: "A crash in puts (or strlen under it) called from a line that reads printf.",
    },
    {
      tool: "a tiny probe",
      command: "npm run lab -- printf",
      shows: "Each NULL form, %m and the musl 1.2.5 changes per libc, side by side.",
    },
  ],
  fixes: [
    {
      fix: "Substitute NULL yourself",
      how: 'printf("%s\\n", s ? s : "(null)"), or a helper that returns a fallback text.',
      whenToChoose:
        "Always, when a pointer may be NULL: the same text on every libc and no puts(NULL).",
      provenBy: "guarded-fix",
    },
    {
      fix: "Turn the rewrite off",
      how: "-fno-builtin-printf (or -fno-builtin): printf stays printf.",
      whenToChoose:
        "Only to confirm a diagnosis: the program is still undefined and the text still differs " +
        "with a precision.",
    },
    {
      fix: "Pass snprintf the real buffer size",
      how: "snprintf(buf, sizeof buf, ...), never SIZE_MAX or a made-up bound as 'unlimited'.",
      whenToChoose: "Always; it is essential on musl before 1.2.5 (Alpine before 3.20).",
      provenBy: "snprintf-big-n",
    },
  ],
  questions: [
    'printf("%s\\n", name) crashes when name is NULL, but printf("name: %s\\n", name) prints ' +
      '"(null)". Why, and on which libc?',
    "What does %.3s print for a NULL pointer on glibc and on musl, and why does the guard " +
      's ? s : "(null)" make them agree?',
    "A program passes SIZE_MAX to snprintf. What happens on Alpine 3.17 (musl 1.2.3) and on " +
      "Alpine 3.20 (musl 1.2.5)?",
  ],
} satisfies z.input<typeof LessonSchema>;
