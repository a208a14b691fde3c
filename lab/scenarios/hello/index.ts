import type { z } from "zod";
import type { ScenarioSchema } from "../schema.js";
import { cases } from "./cases.js";
import { lesson } from "./lesson.js";

export const hello = {
  id: "hello",
  title: "Binary compatibility: works on Ubuntu, `not found` on Alpine",
  summary: "a glibc binary on musl (and back): the failure, its diagnosis and four fixes",
  description:
    "A dynamically linked program names its loader (PT_INTERP) and its libraries (DT_NEEDED) " +
    "inside the binary. A glibc build asks for /lib64/ld-linux-x86-64.so.2 and libc.so.6; a musl " +
    "system has neither, so execve fails with ENOENT and the shell reports the program itself as " +
    "`not found`. The fixes: link statically, rebuild against musl, or add a compatibility layer " +
    "(gcompat). The reverse holds too: a musl binary needs musl's loader.",
  sources: {
    "sysv-abi-pt-interp": {
      title: "System V ABI, AMD64 supplement, 'Program Interpreter' (PT_INTERP)",
    },
    "musl-faq": {
      title: "musl FAQ, 'Can I run glibc binaries on musl?'",
      url: "https://wiki.musl-libc.org/faq.html",
    },
    gcompat: { title: "gcompat", url: "https://git.adelielinux.org/adelie/gcompat" },
    "static-glibc-nss": {
      title:
        "glibc manual, 'Name Service Switch'; Red Hat Developer, 'How we ensure statically linked applications stay that way' (2023)",
      url: "https://developers.redhat.com/articles/2023/08/31/how-we-ensure-statically-linked-applications-stay-way",
    },
    "musl-functional-differences": {
      title: "musl wiki, Functional differences from glibc",
      url: "https://wiki.musl-libc.org/functional-differences-from-glibc.html",
    },
  },
  cases,
  lesson,
} satisfies z.input<typeof ScenarioSchema>;
