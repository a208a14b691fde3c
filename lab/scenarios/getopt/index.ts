import type { z } from "zod";
import type { ScenarioSchema } from "../schema.js";
import { cases } from "./cases.js";
import { report } from "./report.js";
import { lesson } from "./lesson.js";

export const getopt = {
  id: "getopt",
  title: "getopt: `prog file -v` sees -v on glibc, not on Alpine",
  summary: "getopt argument permutation, POSIXLY_CORRECT, '--', getopt_long and '+' per libc",
  description:
    "glibc's getopt permutes argv: it finds options after operands (`prog file -v` sees -v) " +
    "unless POSIXLY_CORRECT is set or the option string starts with '+'. musl's getopt is the " +
    "POSIX one and stops at the first operand, so -v becomes an operand, a '--' after an " +
    "operand stays in argv, and mount-style helpers (`helper dev dir -o opts`) lose their " +
    "options. musl's getopt_long does permute, and ignores POSIXLY_CORRECT.",
  sources: {
    "musl-functional-differences": {
      title: "musl wiki, Functional differences from glibc (getopt does not permute)",
      url: "https://wiki.musl-libc.org/functional-differences-from-glibc.html",
    },
    "musl-getopt-source": {
      title:
        "musl src/misc/getopt.c (stops at the first operand; '+'/'-' prefixes; optind past argc " +
        "on a missing argument) and src/misc/getopt_long.c (permute(), no POSIXLY_CORRECT)",
    },
    "musl-getopt-long-permute": {
      title:
        "musl commit 59f6232f, 'support options after non-option arguments in getopt_long' (2014, 1.1.6)",
    },
    "posix-getopt": {
      title: "POSIX XSH getopt(); XBD 12.2 Utility Syntax Guideline 9 (options precede operands)",
      url: "https://pubs.opengroup.org/onlinepubs/9799919799/functions/getopt.html",
    },
    "glibc-manual-getopt": {
      title: "glibc manual, 'Using the getopt function' (permutation, '+', '-', POSIXLY_CORRECT)",
      url: "https://sourceware.org/glibc/manual/latest/html_node/Using-Getopt.html",
    },
    "xbps-102": {
      title: "voidlinux/xbps#102: xbps-uunshare breaks on musl, the '--' is not removed",
      url: "https://github.com/voidlinux/xbps/issues/102",
    },
    "zfs-4264": {
      title: "openzfs/zfs#4264: mount.zfs uses getopt_long to guarantee permutation of argv",
      url: "https://github.com/openzfs/zfs/pull/4264",
    },
    "systemd-39937": {
      title: "systemd/systemd#39937: dissect uses getopt_long(), musl's getopt() stops at operands",
      url: "https://github.com/systemd/systemd/pull/39937",
    },
  },
  cases,
  report,
  lesson,
  checkHint: {
    imports: ["getopt", "getopt_long"],
    text: "it parses options: musl's getopt stops at the first operand (`prog file -v` never sees -v) and ignores POSIXLY_CORRECT",
  },
} satisfies z.input<typeof ScenarioSchema>;
