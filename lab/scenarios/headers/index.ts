import type { z } from "zod";
import type { ScenarioSchema } from "../schema.js";
import { cases } from "./cases.js";
import { lesson } from "./lesson.js";
import { report } from "./report.js";

export const headers = {
  id: "headers",
  title: "Headers: code that builds on glibc and not on musl",
  summary:
    "execinfo.h, GLOB_BRACE, error.h, argp.h, obstack.h, sys/cdefs.h and lseek64: the compiler's real messages",
  description:
    "Much code that 'does not work on Alpine' never gets to run: it includes a glibc header " +
    "musl does not have (<execinfo.h>, <error.h>, <argp.h>, <obstack.h>, <sys/cdefs.h>) or " +
    "names a glibc extension (GLOB_BRACE, FNM_EXTMATCH). Each case here is predicted to fail " +
    "to build on musl with the compiler's exact words, next to the fix that builds on both. " +
    "Versions matter: lseek64 and off64_t built on musl 1.2.3 under _GNU_SOURCE and fail on " +
    "musl 1.2.4 and later, which declare them only under _LARGEFILE64_SOURCE. And a distro " +
    "may add what upstream lacks: Debian's musl bundles fts, Alpine's does not.",
  sources: {
    "musl-functional-differences": {
      title: "musl wiki, Functional differences from glibc",
      url: "https://wiki.musl-libc.org/functional-differences-from-glibc.html",
    },
    "musl-whatsnew-1-2-4": {
      title:
        "musl WHATSNEW, 1.2.4: the LFS64 interfaces are no longer provided under _GNU_SOURCE, only under explicit _LARGEFILE64_SOURCE",
      url: "https://git.musl-libc.org/cgit/musl/tree/WHATSNEW",
    },
    "glibc-manual-feature-test-macros": {
      title:
        "glibc manual, 'Feature Test Macros' (_GNU_SOURCE, _LARGEFILE64_SOURCE, _FILE_OFFSET_BITS)",
      url: "https://sourceware.org/glibc/manual/latest/html_node/Feature-Test-Macros.html",
    },
    "glibc-manual-backtraces": {
      title: "glibc manual, 'Backtraces' (backtrace, backtrace_symbols)",
      url: "https://sourceware.org/glibc/manual/latest/html_node/Backtraces.html",
    },
    "glibc-manual-globbing": {
      title:
        "glibc manual, 'More Flags for Globbing' (GLOB_BRACE, GLOB_ONLYDIR) and 'Wildcard Matching' (FNM_EXTMATCH)",
      url: "https://sourceware.org/glibc/manual/latest/html_node/More-Flags-for-Globbing.html",
    },
    "debian-musl-fts": {
      title: "Debian bug #989746: musl-dev imports musl-fts (fts in Debian's musl libc)",
      url: "https://bugs.debian.org/989746",
    },
    "h2o-execinfo": {
      title: "h2o/h2o#2328: fatal error: execinfo.h: No such file or directory on Alpine",
      url: "https://github.com/h2o/h2o/issues/2328",
    },
    "zeek-fts": {
      title: "zeek/zeek#3244: undefined reference to `fts_open' on Alpine 3.18",
      url: "https://github.com/zeek/zeek/issues/3244",
    },
    "zend-stdlib-glob-brace": {
      title:
        "zendframework/zend-stdlib#58: GLOB_BRACE support on Alpine and other musl-based distros (fixed by #59)",
      url: "https://github.com/zendframework/zend-stdlib/issues/58",
    },
    "openwrt-lseek64": {
      title:
        "openwrt/openwrt#12555: toolchain/musl update to 1.2.4; packages using LFS64 names under _GNU_SOURCE needed -D_LARGEFILE64_SOURCE",
      url: "https://github.com/openwrt/openwrt/pull/12555",
    },
  },
  cases,
  report,
  lesson,
  checkHint: {
    imports: [
      "backtrace",
      "backtrace_symbols",
      "backtrace_symbols_fd",
      "error",
      "error_at_line",
      "argp_parse",
      "_obstack_begin",
      "fts_open",
      "lseek64",
    ],
    text: "it calls glibc extensions musl lacks (backtrace, error, argp, obstacks) or LFS64 names: its source will not build against musl as it is",
  },
} satisfies z.input<typeof ScenarioSchema>;
