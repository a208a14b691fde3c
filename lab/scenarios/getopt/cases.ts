import type { z } from "zod";
import type { CaseSchema } from "../schema.js";

const PROBE = { probe: "getopt.c", for: "native", link: "dynamic" } as const;

/** The probe's command line: getopt() or getopt_long() with OPTSTRING over ARGS; POSIXLY_CORRECT unset. */
function parse(
  mode: "short" | "long",
  optstring: string,
  args: string[],
  env: Record<string, string | null> = { POSIXLY_CORRECT: null },
) {
  return { kind: "run" as const, on: "every" as const, args: [mode, optstring, ...args], env };
}

/** The cases of getopt, in the order they run and the reports show them. */
export const cases: z.input<typeof CaseSchema>[] = [
  {
    id: "permute",
    title: 'getopt("vo:") over `prog file -v`',
    role: "demonstration",
    build: PROBE,
    check: { ...parse("short", "vo:", ["file", "-v"]), alsoOn: ["musl-1.2.3", "glibc-2.36"] },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { opts: "v", operands: "file", argv: "-v|file" },
        because:
          "glibc's getopt permutes: it skips 'file', returns -v and moves the operand to the end " +
          "of argv (glibc manual, Using Getopt).",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { opts: "(none)", operands: "file|-v", optind: "1" },
        because:
          "musl's getopt is POSIX's: it stops at the first operand, so -v is never seen and " +
          "becomes an operand (musl wiki, Functional differences from glibc).",
      },
    ],
  },
  {
    id: "mount-style",
    title: 'getopt("vo:") over `pool /mnt -o ro`, as mount(8) calls its helpers',
    role: "demonstration",
    build: PROBE,
    check: parse("short", "vo:", ["pool", "/mnt", "-o", "ro"]),
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { opts: "o:ro", operands: "pool|/mnt" },
        because:
          "glibc finds -o ro after both operands, which is how mount(8) calls mount.X helpers.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { opts: "(none)", operands: "pool|/mnt|-o|ro" },
        because:
          "musl stops at 'pool': the mount options are lost, the failure of mount.zfs " +
          "(openzfs/zfs#4264) and systemd-dissect (systemd/systemd#39937) on musl.",
      },
    ],
  },
  {
    id: "posixly-correct",
    title: "The same `prog file -v` with POSIXLY_CORRECT=1",
    role: "demonstration",
    build: PROBE,
    check: parse("short", "vo:", ["file", "-v"], { POSIXLY_CORRECT: "1" }),
    expect: [
      {
        result: "success",
        measurements: { opts: "(none)", operands: "file|-v", optind: "1" },
        because:
          "POSIXLY_CORRECT turns glibc's permutation off, so glibc stops at 'file' as musl " +
          "always does: a program that needs options after operands breaks on glibc too.",
      },
    ],
  },
  {
    id: "double-dash",
    title: '`prog -v -- -o x`: "--" ends the options',
    role: "baseline",
    build: PROBE,
    check: parse("short", "vo:", ["-v", "--", "-o", "x"]),
    expect: [
      {
        result: "success",
        measurements: { opts: "v", operands: "-o|x", optind: "3" },
        because: 'Both libcs end option scanning at "--" and skip it (POSIX getopt).',
      },
    ],
  },
  {
    id: "double-dash-after-operand",
    title: '`prog foo -- bar`: "--" after an operand',
    role: "demonstration",
    build: PROBE,
    check: parse("short", "vo:", ["foo", "--", "bar"]),
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { operands: "foo|bar", argv: "--|foo|bar" },
        because:
          "glibc scans past 'foo', consumes the \"--\" and moves it before the operands: the " +
          "program sees foo and bar.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { operands: "foo|--|bar", optind: "1" },
        because:
          "musl stops at 'foo', so the \"--\" stays among the operands: what broke " +
          "xbps-uunshare on musl (voidlinux/xbps#102).",
      },
    ],
  },
  {
    id: "long-posixly-correct",
    title: "getopt_long over `prog file --verbose` with POSIXLY_CORRECT=1",
    role: "demonstration",
    build: PROBE,
    check: parse("long", "vo:", ["file", "--verbose"], { POSIXLY_CORRECT: "1" }),
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { opts: "(none)", operands: "file|--verbose" },
        because: "glibc's getopt_long honours POSIXLY_CORRECT and stops at the operand.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { opts: "v", operands: "file" },
        because:
          "musl's getopt_long permutes whatever the environment says (src/misc/getopt_long.c " +
          "reads no POSIXLY_CORRECT; only a leading '+' or '-' stops it).",
      },
    ],
  },
  {
    id: "long-abbreviation",
    title: "getopt_long over `prog file --verb` (an abbreviated long option)",
    role: "baseline",
    build: PROBE,
    check: parse("long", "vo:", ["file", "--verb"]),
    expect: [
      {
        result: "success",
        measurements: { opts: "v", operands: "file" },
        because: "Both accept an unambiguous prefix of a long option, and both permute.",
      },
    ],
  },
  {
    id: "unknown-option",
    title: "`prog -x file`: the message for an unknown option",
    role: "demonstration",
    build: PROBE,
    check: parse("short", "vo:", ["-x", "file"]),
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { opts: "?:x", operands: "file" },
        stderr: ["invalid option -- 'x'$"],
        because:
          "glibc prints \"invalid option -- 'x'\" (and \"unrecognized option '--x'\" for long ones).",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { opts: "?:x", operands: "file" },
        stderr: ["unrecognized option: x$"],
        because:
          "musl prints \"unrecognized option: x\": the same '?' to the program, other words on " +
          "stderr, so tests that compare error output differ.",
      },
    ],
  },
  {
    id: "missing-argument",
    title: "`prog -v -o`: the last option's argument is missing",
    role: "demonstration",
    build: PROBE,
    check: parse("short", "vo:", ["-v", "-o"]),
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { opts: "v,?:o", optind: "3", operands: "(none)" },
        stderr: ["option requires an argument -- 'o'$"],
        because: "glibc returns '?' and leaves optind at argc (3).",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { opts: "v,?:o", optind: "4", operands: "(optind past argc)" },
        stderr: ["option requires an argument: o$"],
        because:
          "musl follows POSIX to the letter: optind is incremented by 2 and ends at argc + 1 (4), " +
          "which is how POSIX signals the missing argument. Code that reads argv[optind] " +
          "afterwards reads past the NULL that ends argv.",
      },
    ],
  },
  {
    id: "fix-options-first",
    title: "Fix: options before operands, `prog -v file`",
    role: "fix",
    build: PROBE,
    check: parse("short", "vo:", ["-v", "file"]),
    expect: [
      {
        result: "success",
        measurements: { opts: "v", operands: "file", optind: "2" },
        because:
          "Options first is what POSIX (Utility Syntax Guideline 9) promises: the same on both.",
      },
    ],
  },
  {
    id: "fix-plus",
    title: "Fix: a leading '+' in the option string, getopt(\"+vo:\") over `prog file -v`",
    role: "fix",
    build: PROBE,
    check: parse("short", "+vo:", ["file", "-v"]),
    expect: [
      {
        result: "success",
        measurements: { opts: "(none)", operands: "file|-v", optind: "1" },
        because:
          "'+' makes glibc stop at the first operand like musl (musl skips the '+'): one " +
          "behaviour everywhere, so a test on glibc shows what users on Alpine get.",
      },
    ],
  },
  {
    id: "fix-getopt-long",
    title: "Fix: getopt_long over `pool /mnt -o ro` (permutes on both)",
    role: "fix",
    build: PROBE,
    check: parse("long", "vo:", ["pool", "/mnt", "-o", "ro"]),
    expect: [
      {
        result: "success",
        measurements: { opts: "o:ro", operands: "pool|/mnt", argv: "-o|ro|pool|/mnt" },
        because:
          "musl's getopt_long permutes like glibc's (since musl 1.1.6, commit 59f6232f): the " +
          "fix mount.zfs (openzfs/zfs#4264) and systemd-dissect (#39937) took.",
      },
    ],
  },
  {
    id: "fix-in-order",
    title: "Fix: a leading '-', getopt(\"-vo:\"): operands come back in order as option 1",
    role: "fix",
    build: PROBE,
    check: parse("short", "-vo:", ["file", "-v"]),
    expect: [
      {
        result: "success",
        measurements: { opts: "1:file,v", operands: "(none)" },
        because:
          "With '-' both libcs return each operand as option 1 where it stands, and go on: the " +
          "program sees options and operands in command-line order on glibc and musl alike.",
      },
    ],
  },
];
