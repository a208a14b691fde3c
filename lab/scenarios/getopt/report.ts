import type { z } from "zod";
import type { ReportSpecSchema } from "../schema.js";

/** What the reports show beyond the case list: tables, claims, advice. */
export const report = {
  tables: [
    {
      title: "What the program sees: options returned, then the operands left",
      rows: [
        { label: "prog file -v: options", case: "permute", key: "opts" },
        { label: "prog file -v: operands", case: "permute", key: "operands" },
        { label: "prog pool /mnt -o ro: options", case: "mount-style", key: "opts" },
        { label: "prog pool /mnt -o ro: operands", case: "mount-style", key: "operands" },
        { label: "POSIXLY_CORRECT=1 prog file -v: options", case: "posixly-correct", key: "opts" },
        { label: "prog -v -- -o x: operands", case: "double-dash", key: "operands" },
        { label: "prog foo -- bar: operands", case: "double-dash-after-operand", key: "operands" },
        {
          label: "getopt_long, POSIXLY_CORRECT=1, prog file --verbose: options",
          case: "long-posixly-correct",
          key: "opts",
        },
        { label: "prog -v -o (argument missing): optind", case: "missing-argument", key: "optind" },
      ],
      note: "Operands are argv[optind..] after getopt returned -1, joined with '|'.",
    },
    {
      title: "The fixes: the same on glibc and musl",
      rows: [
        { label: "prog -v file", case: "fix-options-first", key: "opts" },
        { label: 'getopt("+vo:"), prog file -v', case: "fix-plus", key: "operands" },
        { label: "getopt_long, prog pool /mnt -o ro", case: "fix-getopt-long", key: "opts" },
        { label: 'getopt("-vo:"), prog file -v', case: "fix-in-order", key: "opts" },
      ],
    },
  ],
  claims: [
    {
      claim: "options may come after the operands",
      case: "permute",
      key: "opts",
      holdsWhen: "v",
    },
    {
      claim: "getopt_long on musl does not permute either",
      family: "musl",
      case: "fix-getopt-long",
      key: "opts",
      holdsWhen: "(none)",
    },
    {
      claim: "POSIXLY_CORRECT makes getopt_long stop at the first operand",
      case: "long-posixly-correct",
      key: "opts",
      holdsWhen: "(none)",
    },
  ],
  highlights: {
    permute: ["opts", "operands"],
    "mount-style": ["opts", "operands"],
    "posixly-correct": ["opts", "operands"],
    "double-dash": ["opts", "operands"],
    "double-dash-after-operand": ["operands"],
    "long-posixly-correct": ["opts", "operands"],
    "long-abbreviation": ["opts", "operands"],
    "unknown-option": ["opts"],
    "missing-argument": ["opts", "optind"],
    "fix-options-first": ["opts", "operands"],
    "fix-plus": ["opts", "operands"],
    "fix-getopt-long": ["opts", "operands"],
    "fix-in-order": ["opts"],
  },
  advice: [
    {
      text:
        "Document and use options before operands (POSIX's rule): it is the only order every " +
        "getopt parses the same way.",
      evidence: "fix-options-first",
    },
    {
      text:
        "Start the option string with '+' so glibc stops at the first operand like musl: then a " +
        "test run on glibc shows what Alpine users get.",
      evidence: "fix-plus",
    },
    {
      text:
        "When the calling convention puts options last (mount helpers), use getopt_long: it " +
        "permutes on glibc and on musl alike.",
      evidence: "fix-getopt-long",
    },
    {
      text: "Do not read argv[optind] after a missing-argument error: on musl optind is argc + 1.",
      measured: { case: "missing-argument", key: "optind" },
    },
  ],
} satisfies z.input<typeof ReportSpecSchema>;
