import type { z } from "zod";
import type { ExerciseSchema } from "../schema.js";

const HINT =
  "musl's getopt stops at the first operand (POSIX), glibc's permutes unless POSIXLY_CORRECT is " +
  "set. getopt_long permutes on musl, but glibc's honours POSIXLY_CORRECT. Look at what a " +
  "leading '-' in the option string does on both C libraries (getopt(3)), or collect the " +
  "operands yourself and restart getopt after each one.";

function parseCheck(
  id: string,
  title: string,
  args: string[],
  wanted: { verbose: string; out: string; files: string },
  env: Record<string, string | null> = { POSIXLY_CORRECT: null },
) {
  const files = wanted.files.replace(/[|().]/g, "\\$&");
  return {
    id,
    title,
    run: { on: "every" as const, args, env },
    expect: [
      {
        result: "success" as const,
        exitCode: 0,
        stdout: [
          `^verbose=${wanted.verbose}$`,
          `^out=${wanted.out.replace(/\./g, "\\.")}$`,
          `^files=${files}$`,
        ],
      },
    ],
    wanted: `verbose=${wanted.verbose}, out=${wanted.out}, files=${wanted.files} for \`tool ${args.join(" ")}\``,
    hint: HINT,
  };
}

export const optionsAnywhere = {
  name: "options-anywhere",
  scenario: "getopt",
  title: "A tool whose options after the files work on glibc only",
  summary: "options after the operands are lost on Alpine: accept them anywhere on every libc",
  task: [
    "c-src/exercises/options-anywhere.c is documented as `tool FILE... [-v] [-o OUT]` and " +
      'parses its command line with getopt("vo:"), printing verbose=, out= and files=. On ' +
      "Ubuntu `tool in.txt -v -o out.txt` works because glibc permutes argv; on Alpine musl " +
      "stops at in.txt and -v, -o and out.txt become files.",
    "Make the options work anywhere, on every C library and with POSIXLY_CORRECT set too: files " +
      'keep their order, "--" still ends the options. Keep the output lines and exit 0.',
  ],
  starter: "options-anywhere.c",
  checks: [
    parseCheck("options-last", "Options after the file", ["in.txt", "-v", "-o", "out.txt"], {
      verbose: "1",
      out: "out.txt",
      files: "in.txt",
    }),
    parseCheck(
      "options-between",
      "Options between files",
      ["a.txt", "-o", "out.txt", "b.txt", "-v", "c.txt"],
      { verbose: "1", out: "out.txt", files: "a.txt|b.txt|c.txt" },
    ),
    parseCheck(
      "double-dash",
      '"--" after a file still ends the options',
      ["a.txt", "-v", "--", "-o", "b.txt"],
      { verbose: "1", out: "-", files: "a.txt|-o|b.txt" },
    ),
    parseCheck(
      "posixly-correct",
      "Options after the file with POSIXLY_CORRECT=1",
      ["in.txt", "-v"],
      { verbose: "1", out: "-", files: "in.txt" },
      { POSIXLY_CORRECT: "1" },
    ),
  ],
} satisfies z.input<typeof ExerciseSchema>;
