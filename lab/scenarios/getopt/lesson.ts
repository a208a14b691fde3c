import type { z } from "zod";
import type { LessonSchema } from "../schema.js";

/** What `explain` teaches; each point cites the scenario's sources by key. */
export const lesson = {
  concept: [
    'getopt(argc, argv, "vo:") walks a command line and returns one option letter per call ' +
      "(optarg holds an option's argument), then -1; the operands are argv[optind] onwards. " +
      "getopt_long does the same with --long options too.",
    "POSIX says options come before operands and getopt stops at the first operand (or at " +
      '"--"). GNU programs accept options anywhere (`ls dir -l`) because glibc\'s getopt ' +
      "reorders argv while it scans: argument permutation.",
  ],
  whyTheyDiffer: [
    {
      text:
        "glibc's getopt permutes by default; a leading '+' in the option string or the " +
        "POSIXLY_CORRECT variable turns that off, a leading '-' returns operands as option 1.",
      sources: ["glibc-manual-getopt"],
    },
    {
      text:
        "musl's getopt is POSIX's: it stops at the first operand and never reorders argv, so " +
        '`prog file -v` leaves -v as an operand and `prog foo -- bar` keeps the "--". It ' +
        "accepts '+' (no effect) and '-' for compatibility.",
      sources: ["musl-functional-differences", "musl-getopt-source", "posix-getopt", "xbps-102"],
    },
    {
      text:
        "musl's getopt_long does permute, like glibc's, and reads no POSIXLY_CORRECT: switching " +
        "to it is how mount.zfs and systemd-dissect fixed helper calls with options last.",
      sources: ["musl-getopt-long-permute", "zfs-4264", "systemd-39937"],
    },
    {
      text:
        'Errors differ in words and in optind: musl prints "unrecognized option: x" where glibc ' +
        "prints \"invalid option -- 'x'\", and a missing last argument leaves optind at argc + 1 " +
        "on musl (as POSIX words it), at argc on glibc.",
      sources: ["musl-getopt-source", "posix-getopt"],
    },
  ],
  diagnose: [
    {
      tool: "the program itself",
      command: "prog file -v; prog -v file",
      shows: "If only the second order works on Alpine, the program relies on glibc's permutation.",
    },
    {
      tool: "POSIXLY_CORRECT on glibc",
      command: "POSIXLY_CORRECT=1 prog file -v",
      shows:
        "Reproduces musl's getopt() on a glibc machine, without Alpine (it does not reproduce " +
        "musl's getopt_long, which permutes anyway).",
    },
    {
      tool: "a tiny probe",
      command: "npm run lab -- getopt",
      shows:
        "What getopt and getopt_long return per libc for the same command lines, side by side.",
    },
  ],
  fixes: [
    {
      fix: "Options first",
      how: "Call the program with options before operands, and document that order.",
      whenToChoose: "Whenever you control the callers: POSIX's order works with every getopt.",
      provenBy: "fix-options-first",
    },
    {
      fix: "A leading '+' in the option string",
      how: 'getopt(argc, argv, "+vo:"): glibc then stops at the first operand like musl.',
      whenToChoose:
        "When the program should behave the same everywhere and you test on glibc: the tests " +
        "then see Alpine's behaviour. Users lose 'options anywhere' on glibc too.",
      provenBy: "fix-plus",
    },
    {
      fix: "getopt_long",
      how: "Use getopt_long (with an empty or real long-option table) instead of getopt.",
      whenToChoose:
        "When the calling convention puts options after operands (mount(8) helpers: " +
        "`helper dev dir -o opts`) and both libcs must find them. Under POSIXLY_CORRECT " +
        "glibc's getopt_long stops at the first operand again (case long-posixly-correct).",
      provenBy: "fix-getopt-long",
    },
    {
      fix: "A leading '-' in the option string",
      how: 'getopt(argc, argv, "-vo:"): each operand comes back as option 1, in order.',
      whenToChoose: "When the program wants options and operands interleaved, in order, on both.",
      provenBy: "fix-in-order",
    },
  ],
  questions: [
    "`tool input.txt -v` ignores -v on Alpine and works on Debian. What does each getopt do " +
      "with that command line?",
    "Why does POSIXLY_CORRECT=1 reproduce the problem with getopt() on glibc, but not with " +
      "getopt_long() on musl?",
    "mount(8) calls helpers as `helper device dir -o options`. Which fix lets such a helper " +
      "work on both libcs, and why does '+' not help here?",
  ],
} satisfies z.input<typeof LessonSchema>;
