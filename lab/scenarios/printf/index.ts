import type { z } from "zod";
import type { ScenarioSchema } from "../schema.js";
import { cases } from "./cases.js";
import { report } from "./report.js";
import { lesson } from "./lesson.js";

export const printf = {
  id: "printf",
  title: "printf: the NULL myth, %m, and what changed in musl 1.2.5",
  summary:
    "printf of NULL (real and folded into puts), %.3s of NULL, %m, %lc of L'\\0', n > INT_MAX",
  description:
    'Both libcs print "(null)" for a NULL %s: the crash people blame on musl comes from GCC, ' +
    'which rewrites printf("%s\\n", s) into puts(s), and puts(NULL) crashes on glibc too. They ' +
    'differ with a precision (%.3s of NULL: nothing on glibc, "(nu" on musl) and in some %m ' +
    "texts. musl 1.2.5 changed two printf behaviours, shown against musl 1.2.3: %lc of L'\\0' " +
    "now writes the nul byte, and snprintf no longer fails with EOVERFLOW for a size above " +
    "INT_MAX.",
  sources: {
    "musl-vfprintf": {
      title:
        'musl src/stdio/vfprintf.c (NULL %s becomes "(null)", cut to the precision; %m), vsnprintf.c (1.2.3: n > INT_MAX is EOVERFLOW)',
    },
    "musl-whatsnew-1-2-5": {
      title:
        "musl WHATSNEW 1.2.5, standards updates: '%lc of nul wchar now produces output', 'snprintf and swprintf no longer fail on n > INT_MAX'",
      url: "https://git.musl-libc.org/cgit/musl/tree/WHATSNEW",
    },
    "glibc-vfprintf": {
      title:
        'glibc stdio-common/vfprintf-process-arg.c: a NULL %s prints "(null)" only if the precision is -1 or at least 6',
    },
    "glibc-manual-output-conversions": {
      title: "glibc manual, 'Other Output Conversions' (%s of a null pointer, %m)",
      url: "https://sourceware.org/glibc/manual/latest/html_node/Other-Output-Conversions.html",
    },
    "gcc-printf-to-puts": {
      title:
        'GCC\'s builtin printf folding (gimple-fold.cc, gimple_fold_builtin_printf): printf("%s\\n", s) becomes puts(s); -fno-builtin-printf disables it',
    },
    "c-standard-printf": {
      title:
        "C17 7.21.6.1 (%s needs a pointer to a string: NULL is undefined behaviour); C17 7.21.6.5 snprintf (no limit on n)",
    },
    "musl-strerror": {
      title: "musl src/errno/__strerror.h (the message table; 'No error information' otherwise)",
    },
  },
  cases,
  report,
  lesson,
} satisfies z.input<typeof ScenarioSchema>;
