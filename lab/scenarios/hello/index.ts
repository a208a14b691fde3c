import type { z } from "zod";
import type { ScenarioSchema } from "../schema.js";
import { cases } from "./cases.js";
import { lesson } from "./lesson.js";

export const hello = {
  id: "hello",
  title: "Binary compatibility: works on Ubuntu, `not found` on Alpine",
  summary: "a glibc binary on musl (and back): not found, symbol not found, diagnosis, five fixes",
  description:
    "A dynamically linked program names its loader (PT_INTERP) and its libraries (DT_NEEDED) " +
    "inside the binary. A glibc build asks for /lib64/ld-linux-x86-64.so.2 and libc.so.6; a musl " +
    "system has neither, so execve fails with ENOENT and the shell reports the program itself as " +
    "`not found`. The fixes: link statically, rebuild against musl, or add a compatibility layer " +
    "(gcompat). Linking glibc's names to musl (libc6-compat) only moves the failure: the binary " +
    "starts, and musl's loader stops at the glibc-only symbols it imports (`Error relocating …: " +
    "symbol not found`). The reverse holds too: a musl binary needs musl's loader.",
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
    "alpine-libc6-compat": {
      title:
        "Alpine aports, main/musl APKBUILD: the libc6-compat subpackage, links from glibc's loader and library names to musl's libc",
      url: "https://gitlab.alpinelinux.org/alpine/aports/-/blob/3.20-stable/main/musl/APKBUILD",
    },
    "musl-dynlink": {
      title:
        "musl source, ldso/dynlink.c: do_relocs reports 'Error relocating %s: %s: symbol not found' for each unbound non-weak symbol",
      url: "https://git.musl-libc.org/cgit/musl/tree/ldso/dynlink.c",
    },
    "glibc-fortify": {
      title: "glibc manual, 'Source Fortification' (_FORTIFY_SOURCE and the __*_chk functions)",
      url: "https://www.gnu.org/software/libc/manual/html_node/Source-Fortification.html",
    },
    "ubuntu-compiler-flags": {
      title: "Ubuntu wiki, ToolChain/CompilerFlags: gcc enables -D_FORTIFY_SOURCE by default",
      url: "https://wiki.ubuntu.com/ToolChain/CompilerFlags",
    },
    "musl-functional-differences": {
      title: "musl wiki, Functional differences from glibc",
      url: "https://wiki.musl-libc.org/functional-differences-from-glibc.html",
    },
  },
  cases,
  lesson,
} satisfies z.input<typeof ScenarioSchema>;
