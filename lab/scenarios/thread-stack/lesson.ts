import type { z } from "zod";
import type { LessonSchema } from "../schema.js";

/** What `explain` teaches; each point cites the scenario's sources by key. */
export const lesson = {
  concept: [
    "Every thread has its own stack: a fixed-size memory area for its local variables and " +
      "call frames. Unlike the main thread's stack, a thread's stack does not grow: it is " +
      "allocated once, at pthread_create, with a guard page below it. Writing past its end " +
      "touches the guard page and the kernel kills the process with SIGSEGV.",
    "How big that stack is, unless the program says otherwise, is the C library's choice: " +
      "POSIX leaves the default to the implementation. A program that keeps big arrays in " +
      "local variables of a thread therefore depends on a number it never chose.",
  ],
  whyTheyDiffer: [
    {
      text:
        "glibc sizes default thread stacks by RLIMIT_STACK (`ulimit -s`), usually 8 MiB, so " +
        "big local arrays just work there, until someone lowers the limit.",
      sources: ["glibc-nptl-stack"],
    },
    {
      text:
        "musl uses a fixed 128 KiB (80 KiB before 1.1.21) to keep many threads cheap, and " +
        "never reads RLIMIT_STACK for threads. Since 1.1.21 a binary can raise the default " +
        "with the PT_GNU_STACK size the linker writes (-Wl,-z,stack-size=N).",
      sources: ["musl-whatsnew-1.1.21", "musl-functional-differences", "musl-pthread-impl"],
    },
  ],
  diagnose: [
    {
      tool: "the exit status",
      command: "./app; echo $?",
      shows: "139 = 128 + 11: killed by SIGSEGV. Only on Alpine? Suspect the thread stack.",
    },
    {
      tool: "gdb",
      command: "gdb -batch -ex run -ex bt -ex 'info threads' ./app",
      shows:
        "The crash in a thread other than main, in a function with a big local array, at an " +
        "address just below the thread's stack (the guard page).",
    },
    {
      tool: "readelf -l",
      command: "readelf -lW ./app | grep GNU_STACK",
      shows:
        "The PT_GNU_STACK segment; a MemSiz other than 0 is the stack size asked for with " +
        "-z stack-size, which musl >= 1.1.21 uses as the default thread stack.",
    },
    {
      tool: "pthread_getattr_np",
      command: "npm run lab -- thread-stack   (case default-stack)",
      shows: "The stack a thread really got, measured per libc: musl ~130 KiB, glibc = ulimit -s.",
    },
  ],
  fixes: [
    {
      fix: "Ask for a stack size in code",
      how: "pthread_attr_setstacksize(&attr, size) before pthread_create.",
      whenToChoose:
        "When you own the code that creates the thread: explicit, portable, works on every libc " +
        "and under every ulimit.",
      provenBy: "fix-explicit-stack",
    },
    {
      fix: "Move big buffers off the stack",
      how: "malloc them (or make them static, for one thread) instead of local arrays.",
      whenToChoose:
        "The most robust fix: no stack size matters at all. Best when the buffer size is large " +
        "or depends on input.",
    },
    {
      fix: "Link with -Wl,-z,stack-size=N",
      how: "Add the linker flag; musl >= 1.1.21 takes the default thread stack from PT_GNU_STACK.",
      whenToChoose:
        "When you cannot change the code (threads made by a library), only for musl: glibc " +
        "ignores the flag for threads.",
      provenBy: "fix-link-flag",
    },
    {
      fix: "Raise ulimit -s",
      how: "ulimit -s 65536 before starting the program.",
      whenToChoose:
        "Never as the fix for Alpine: musl does not read it for threads. It only helps glibc.",
      provenBy: "big-ulimit-on-musl",
    },
  ],
  questions: [
    "A thread with a 512 KiB local array works on Ubuntu and dies of SIGSEGV on Alpine. What " +
      "default differs, and what is it on each libc?",
    "Why does raising `ulimit -s` not help on Alpine, and when does it break glibc too?",
    "You cannot change the code that creates the threads. Which fix remains, and on which " +
      "libc does it work?",
  ],
} satisfies z.input<typeof LessonSchema>;
