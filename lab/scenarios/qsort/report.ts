import type { z } from "zod";
import type { ReportSpecSchema } from "../schema.js";
import { SWEEP } from "./cases.js";

/** What the reports show beyond the case list: tables, claims, advice. */
export const report = {
  tables: [
    {
      title: "Adjacent equal keys out of input order (0: input order kept)",
      rows: SWEEP.values.map((value) => ({
        label: `${value} records`,
        case: `equal-keys-${value}`,
        key: "inversions",
      })),
      after: "equal-keys",
    },
    {
      title: "The first 12 sorted records (key:original index) and the whole order's checksum",
      rows: [
        { label: "sorted by key alone", case: "printed-order", key: "head" },
        { label: "checksum", case: "printed-order", key: "order_fnv" },
        { label: "key, then index", case: "fix-tiebreak", key: "head" },
        { label: "checksum", case: "fix-tiebreak", key: "order_fnv" },
      ],
    },
  ],
  claims: [
    {
      claim: "qsort keeps equal elements in input order",
      case: "equal-keys-1000",
      key: "stable",
      holdsWhen: "yes",
    },
    {
      claim: "glibc's qsort stopped being stable in 2.37 (introsort)",
      family: "glibc",
      case: "equal-keys-100000",
      key: "stable",
      holdsWhen: "no",
    },
    {
      claim: "musl's qsort reorders equal keys even in a small array (8 records)",
      family: "musl",
      case: "equal-keys-8",
      key: "stable",
      holdsWhen: "no",
    },
  ],
  highlights: {
    "equal-keys": ["stable", "inversions"],
    "printed-order": ["order_fnv"],
    "fix-tiebreak": ["stable", "order_fnv"],
  },
  advice: [
    {
      text:
        "When equal keys can occur and the order is visible, make the comparator total: compare " +
        "a second key (the original index, a name, an id) when the first is equal.",
      measured: { case: "fix-tiebreak", key: "order_fnv" },
    },
    {
      text:
        "Do not test stability with a handful of elements: smoothsort kept this input in order " +
        "up to 8 records.",
      measured: { case: "equal-keys-8", key: "stable" },
    },
  ],
} satisfies z.input<typeof ReportSpecSchema>;
