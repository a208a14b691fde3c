import type { z } from "zod";
import type { ExerciseSchema } from "../schema.js";

const REPORTS_GLIBC = "^libc=glibc 2\\.\\d+$";
const REPORTS_MUSL = "^libc=musl$";
const HINT_GLIBC_ONLY =
  "<gnu/libc-version.h> and gnu_get_libc_version() exist only in glibc. Ask the C library at " +
  "run time through an interface both libcs have (look at confstr(3) and its _CS_ names), or " +
  "test at compile time for a macro that only glibc defines. Read the compiler's first error.";

export const runOnAlpine = {
  name: "run-on-alpine",
  scenario: "hello",
  title: "A tool that says which C library it runs on, on Ubuntu and on Alpine",
  summary: "whichlibc uses a glibc-only API: make it build and run on musl too",
  task: [
    "c-src/exercises/run-on-alpine.c prints `libc=glibc 2.41` on Ubuntu. On Alpine it does not " +
      "even compile: it includes <gnu/libc-version.h> and calls gnu_get_libc_version(), glibc " +
      "extensions that musl does not have.",
    "Make it build and run with both C libraries: with glibc it prints `libc=glibc VERSION`, " +
      "with musl `libc=musl`, and exits 0. It must also tell the truth as a static musl binary " +
      "copied to Ubuntu: the C library inside a static binary is the one that runs.",
    "You only change the C file; the lab builds it natively in each environment (dynamic) and " +
      "once statically against musl.",
  ],
  starter: "run-on-alpine.c",
  checks: [
    {
      id: "reports-its-libc",
      title: "Builds natively and reports the libc it runs on",
      run: { on: "every" },
      expect: [
        { when: { family: "glibc" }, result: "success", exitCode: 0, stdout: [REPORTS_GLIBC] },
        { when: { family: "musl" }, result: "success", exitCode: 0, stdout: [REPORTS_MUSL] },
      ],
      wanted:
        "it compiles, exits 0 and prints `libc=glibc 2.x` with glibc or `libc=musl` with musl",
      hint: HINT_GLIBC_ONLY,
    },
    {
      id: "static-musl-on-ubuntu",
      title: "Linked statically against musl, run on Ubuntu",
      build: { for: "musl", link: "static" },
      run: { on: "glibc" },
      expect: [{ result: "success", exitCode: 0, stdout: [REPORTS_MUSL] }],
      wanted: "a static musl build run on a glibc system exits 0 and prints `libc=musl`",
      hint:
        "A static binary carries its own C library: the answer must come from the libc inside " +
        "the binary, not from the system it was copied to. " +
        HINT_GLIBC_ONLY,
    },
  ],
} satisfies z.input<typeof ExerciseSchema>;
