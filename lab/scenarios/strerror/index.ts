import type { z } from "zod";
import type { ScenarioSchema } from "../schema.js";
import { cases } from "./cases.js";
import { lesson } from "./lesson.js";

export const strerror = {
  id: "strerror",
  title: "strerror: other words for the same errno, and two strerror_r",
  summary: "error texts per libc, translated messages, and GNU vs XSI strerror_r",
  description:
    "POSIX fixes the error numbers, not their texts: glibc and musl word them differently, " +
    'musl says "No error information" for 0 and every unknown number, and only glibc ' +
    "translates them here (musl could, from catalogs under MUSL_LOCPATH, but none are installed). " +
    "strerror_r comes in two forms: glibc gives the GNU one " +
    "(returning char *) under _GNU_SOURCE, musl only the XSI one (returning int), so GNU-style " +
    "code does not build with gcc 14 on musl and, with older compilers, builds and gets NULL.",
  sources: {
    "posix-strerror": {
      title:
        "POSIX.1-2017, strerror and strerror_r (the XSI form; texts are implementation-defined)",
      url: "https://pubs.opengroup.org/onlinepubs/9699919799/functions/strerror.html",
    },
    "glibc-manual-error-messages": {
      title: "glibc manual, 'Error Messages' (strerror, strerror_r: the GNU and XSI forms)",
      url: "https://sourceware.org/glibc/manual/latest/html_node/Error-Messages.html",
    },
    "musl-strerror-source": {
      title:
        'musl src/errno/__strerror.h and strerror.c (its table, "No error information"), src/string/strerror_r.c (XSI only)',
    },
    "h2o-strerror-r": {
      title: "h2o/h2o#3109 (int-conversion warning from strerror_r on Alpine), fixed by #3118",
      url: "https://github.com/h2o/h2o/pull/3118",
    },
  },
  requires: { glibcLocales: ["de_DE.UTF-8"] },
  cases,
  lesson,
  checkHint: {
    imports: ["strerror_r", "__xpg_strerror_r"],
    text: "it turns errno into text: musl's messages differ from glibc's and are never translated, and musl has only the XSI strerror_r",
  },
} satisfies z.input<typeof ScenarioSchema>;
