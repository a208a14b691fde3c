import type { z } from "zod";
import type { CaseSchema } from "../schema.js";

const PROBE = { probe: "qsort.c", for: "native", link: "dynamic" } as const;

/** The record count of the output cases: large enough for every sort's general path. */
export const RECORDS = 1000;
/** The largest count musl's smoothsort kept in input order for this input (measured). */
export const MUSL_STABLE_UP_TO = 8;
/** Record counts of the sweep: around the size where musl's order first breaks, and far past it. */
export const SWEEP = { values: [4, 8, 9, 10, 16, 100, 1000, 100_000], unit: "records" };

/** glibc's order of the first 12 records at N = 1000: equal keys in input order. */
export const INPUT_ORDER_HEAD = "0:0,0:5,0:10,0:15,0:20,0:25,0:30,0:35,0:40,0:45,0:50,0:55";
/** The checksum of the whole order a stable sort (and the tie-breaker fix) gives at N = 1000. */
export const STABLE_ORDER_FNV = "42d5b2d5";

/** Also glibc 2.36 (bookworm): the last release before the qsort rework of 2.37-2.39. */
const ALSO_ON = ["glibc-2.36"];

const GLIBC_MERGESORT =
  "glibc's qsort is a merge sort into a temporary buffer (stdlib/msort.c, later qsort.c), " +
  "which keeps equal keys in input order whenever the buffer can be had. glibc 2.41 is the " +
  "same as 2.36: the introsort that replaced it on master in Oct 2023 was reverted before " +
  "2.39 shipped.";

/** The cases of qsort, in the order they run and the reports show them. */
export const cases: z.input<typeof CaseSchema>[] = [
  {
    id: "equal-keys",
    title: "N records, 5 distinct keys, sorted by key alone: is input order kept?",
    role: "demonstration",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["{value}"], alsoOn: ALSO_ON },
    sweep: SWEEP,
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { sorted: "yes", stable: "yes", inversions: "0" },
        because: GLIBC_MERGESORT,
      },
      {
        when: { family: "musl", value: { max: MUSL_STABLE_UP_TO } },
        result: "success",
        measurements: { sorted: "yes", stable: "yes", inversions: "0" },
        because:
          "For this input, up to 8 records, musl's smoothsort happens to leave equal keys in " +
          "input order: a small test would call it stable.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { sorted: "yes", stable: "no", inversions: { min: 1 } },
        because:
          "musl's qsort is smoothsort (src/stdlib/qsort.c), a heap-based sort that moves equal " +
          "keys past each other: from 9 records on, some equal keys come out of input order.",
      },
    ],
  },
  {
    id: "printed-order",
    title: `What a program that prints the sorted list shows (${RECORDS} records)`,
    role: "demonstration",
    build: PROBE,
    check: { kind: "run", on: "every", args: [String(RECORDS)], alsoOn: ALSO_ON },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { head: INPUT_ORDER_HEAD, order_fnv: STABLE_ORDER_FNV },
        because: "The records with key 0 come out in input order: 0, 5, 10, 15, ...",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: {
          head: "0:0,0:950,0:555,0:705,0:410,0:5,0:795,0:735,0:390,0:40,0:10,0:685",
          order_fnv: "40715c2f",
        },
        because:
          "Sorted by key as asked, but the records with key 0 come out in smoothsort's own " +
          "order: the same program prints another list on Alpine.",
      },
    ],
  },
  {
    id: "fix-tiebreak",
    title: `Fix: compare the original index when keys are equal (${RECORDS} records)`,
    role: "fix",
    build: PROBE,
    check: { kind: "run", on: "every", args: [String(RECORDS), "tiebreak"], alsoOn: ALSO_ON },
    expect: [
      {
        result: "success",
        measurements: {
          stable: "yes",
          head: INPUT_ORDER_HEAD,
          order_fnv: STABLE_ORDER_FNV,
        },
        because:
          "With a tie-breaker no two records compare equal, so the order is fully determined: " +
          "every qsort algorithm must produce the same list, on every libc.",
      },
    ],
  },
];
