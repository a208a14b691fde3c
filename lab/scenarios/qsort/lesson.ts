import type { z } from "zod";
import type { LessonSchema } from "../schema.js";

/** What `explain` teaches; each point cites the scenario's sources by key. */
export const lesson = {
  concept: [
    "A sort is stable when elements that compare equal keep the order they had in the input. " +
      "Sorting a list of people by city with a stable sort leaves each city's people in the " +
      "order they were listed; with an unstable sort they come out in whatever order the " +
      "algorithm leaves them.",
    "qsort sorts with your comparator and nothing else: what it does with elements the " +
      "comparator calls equal is the implementation's choice. C and POSIX say so explicitly.",
  ],
  whyTheyDiffer: [
    {
      text: "The standard leaves the order of equal elements unspecified, so both libcs are right.",
      sources: ["c11-qsort"],
    },
    {
      text:
        "glibc's qsort is a merge sort into a temporary buffer, stable in practice; only when " +
        "the buffer cannot be allocated does it fall back to an unstable sort. A switch to " +
        "introsort reached glibc's master branch in October 2023 and was reverted before 2.39 " +
        "because programs relied on the order: no release shipped it, and 2.36 and 2.41 " +
        "measure the same.",
      sources: ["glibc-msort", "glibc-introsort-revert"],
    },
    {
      text:
        "musl's qsort is smoothsort: in place, O(n log n) worst case, no allocation, and not " +
        "stable. Small inputs can still come out in order by luck.",
      sources: ["musl-qsort"],
    },
    {
      text:
        "Real programs have printed different results per platform because of it, and fixed " +
        "it with a stable sort or a tie-breaker.",
      sources: ["gmt-stable-sort", "zstd-stable-sort"],
    },
  ],
  diagnose: [
    {
      tool: "a tiny probe",
      command: "npm run lab -- qsort",
      shows:
        "Whether equal keys stay in input order for 4 to 100 000 records, and the printed " +
        "order, per libc.",
    },
    {
      tool: "a test with ties",
      command: "sort records with many equal keys, N >= 100, and compare the output to glibc's",
      shows:
        "A difference only where the comparator returns 0 for distinct records: the sign of an " +
        "unspecified order, not of a wrong sort.",
    },
  ],
  fixes: [
    {
      fix: "A tie-breaker key",
      how: "When the keys are equal, compare the original index (or another unique field).",
      whenToChoose:
        "Almost always: one more comparison, no allocation, and the same output on every libc " +
        "and every qsort algorithm.",
      provenBy: "fix-tiebreak",
    },
    {
      fix: "A stable sort of your own",
      how: "A merge sort in the program (or a library's stable sort) instead of qsort.",
      whenToChoose:
        "When the records carry no unique field to break ties and you cannot add one; costs a " +
        "buffer of the array's size.",
    },
  ],
  questions: [
    "Your test sorts 6 records with equal keys and passes on Alpine, yet production output " +
      "differs. Why did the test not catch it?",
    "Is glibc's qsort guaranteed to be stable? What did the glibc 2.39 development cycle show?",
    "Write a comparator for records sorted by city that gives the same output on glibc and musl.",
  ],
} satisfies z.input<typeof LessonSchema>;
