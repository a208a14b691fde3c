import type { z } from "zod";
import type { ScenarioSchema } from "../schema.js";
import { cases } from "./cases.js";
import { report } from "./report.js";
import { lesson } from "./lesson.js";

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
  sources: {
    "musl-functional-differences": {
      title: "musl wiki, Functional differences from glibc, 'Character sets and locale'",
      url: "https://wiki.musl-libc.org/functional-differences-from-glibc.html",
    },
    "musl-locale-source": {
      title:
        "musl src/locale/strcoll.c (strcmp), locale_map.c (any name accepted), setlocale.c, langinfo.c",
    },
    "felker-missing-locales": {
      title: "Rich Felker on missing locales in musl (2017)",
      url: "https://www.openwall.com/lists/musl/2017/11/08/1",
    },
    "musl-c-locale-design": {
      title: "musl's byte-based C locale, design mail (2015)",
      url: "https://inbox.vuxu.org/musl/20150606214007.GA17398@brightrain.aerifal.cx/",
    },
    "glibc-manual-locales": {
      title: "glibc manual, 'Locales and Internationalization'",
      url: "https://sourceware.org/glibc/manual/latest/html_node/Locales.html",
    },
    "postgres-alpine-collation": {
      title: 'docker-library/postgres#327 (Alpine sorts like COLLATE "C")',
    },
  },
  requires: {
    glibcLocales: ["en_US.UTF-8", "de_DE.UTF-8", "tr_TR.UTF-8", "sv_SE.UTF-8", "ja_JP.UTF-8"],
  },
  cases,
  report,
  lesson,
  checkHint: {
    imports: ["setlocale", "strcoll", "strxfrm", "nl_langinfo", "strftime", "newlocale"],
    text: "it uses locales: musl's strcoll is strcmp, it has no locale data for grouping or strftime, and setlocale accepts names glibc refuses",
  },
} satisfies z.input<typeof ScenarioSchema>;
