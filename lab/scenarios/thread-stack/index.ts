import type { z } from "zod";
import type { ScenarioSchema } from "../schema.js";
import { cases } from "./cases.js";
import { report } from "./report.js";
import { lesson } from "./lesson.js";

export const threadStack = {
  id: "thread-stack",
  title: "Thread stacks: a big local array crashes only on Alpine",
  summary: "default thread stack sizes measured, the crash sweep, the survival limit, three fixes",
  description:
    "A thread created without an explicit stack size gets the C library's default. glibc takes " +
    "it from RLIMIT_STACK (`ulimit -s`, 8 MiB in most containers); musl uses a fixed 128 KiB " +
    "(80 KiB before 1.1.21). A thread that puts a few hundred KiB on its stack therefore works on " +
    "Ubuntu and dies of SIGSEGV at the guard page on Alpine. The fixes: ask for a stack size in " +
    "code, link with -Wl,-z,stack-size=N (musl >= 1.1.21 reads it from PT_GNU_STACK), or move the " +
    "buffer to the heap.",
  sources: {
    "musl-whatsnew-1.1.21": {
      title: "musl WHATSNEW 1.1.21: default thread stack 128k, PT_GNU_STACK sets it",
      url: "https://git.musl-libc.org/cgit/musl/tree/WHATSNEW",
    },
    "musl-pthread-impl": {
      title:
        "musl src/internal/pthread_impl.h (DEFAULT_STACK_SIZE) and ldso/dynlink.c (PT_GNU_STACK)",
    },
    "musl-functional-differences": {
      title: "musl wiki, Functional differences from glibc, 'Thread stack size'",
      url: "https://wiki.musl-libc.org/functional-differences-from-glibc.html",
    },
    "glibc-nptl-stack": {
      title:
        "glibc nptl/nptl-stack.c and sysdeps/nptl/pthread_early_init.h: default from RLIMIT_STACK",
    },
    "reported-crashes": {
      title: "memcached#286, cpython gh-148260 (fixed with -z stack-size), duckdb#25010",
    },
  },
  cases,
  report,
  lesson,
  checkHint: {
    imports: ["pthread_create"],
    unlessStackSize: true,
    text: "it starts threads and has no PT_GNU_STACK size: on musl each thread gets 128 KiB of stack unless it asks (glibc gives RLIMIT_STACK, usually 8 MiB); deep recursion or big locals in a thread crash there",
  },
} satisfies z.input<typeof ScenarioSchema>;
