import { describe, expect, test } from "vitest";
import { classify, selectExpectation, type Observation } from "../../../lab/classify/classify.js";
import { parseMeasurements } from "../../../lab/classify/measurements.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import { MUSL_STABLE_UP_TO, STABLE_ORDER_FNV } from "../../../lab/scenarios/qsort/cases.js";
import { qsort } from "../../../lab/scenarios/qsort/index.js";
import { ranWith as ranClean } from "./recorded-output.js";

const [scenario] = loadScenarios([qsort]);
const caseOf = (id: string) => scenario!.cases.find((c) => c.id === id)!;

const LIBC_OF = {
  glibc: { family: "glibc" as const, version: "2.41" },
  "glibc-2.36": { family: "glibc" as const, version: "2.36" },
  musl: { family: "musl" as const, version: "1.2.5" },
};
type EnvironmentId = keyof typeof LIBC_OF;

/**
 * The probe's real fact lines per `result id@environment` (a sweep's result id ends in its
 * record count), recorded 2026-12 with `npm run lab -- qsort --json` on the offline images
 * (glibc 2.41, glibc 2.36, musl 1.2.5), without the lines that echo its arguments. musl 1.2.3,
 * run by hand, printed the same as musl 1.2.5.
 */
const RECORDED: Record<string, string[]> = {
  "equal-keys-4@glibc": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,1:3,2:1,4:2",
    "order_fnv=b2e45277",
  ],
  "equal-keys-8@glibc": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,1:3,2:1,2:6,3:4,4:2,4:7",
    "order_fnv=3efbfeab",
  ],
  "equal-keys-9@glibc": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,1:3,1:8,2:1,2:6,3:4,4:2,4:7",
    "order_fnv=74b97fb1",
  ],
  "equal-keys-10@glibc": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,1:3,1:8,2:1,2:6,3:4,3:9,4:2,4:7",
    "order_fnv=93f5225e",
  ],
  "equal-keys-16@glibc": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,0:10,0:15,1:3,1:8,1:13,2:1,2:6,2:11,3:4,3:9",
    "order_fnv=f8c5c713",
  ],
  "equal-keys-100@glibc": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,0:10,0:15,0:20,0:25,0:30,0:35,0:40,0:45,0:50,0:55",
    "order_fnv=47ca2ee1",
  ],
  "equal-keys-1000@glibc": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,0:10,0:15,0:20,0:25,0:30,0:35,0:40,0:45,0:50,0:55",
    "order_fnv=42d5b2d5",
  ],
  "equal-keys-100000@glibc": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,0:10,0:15,0:20,0:25,0:30,0:35,0:40,0:45,0:50,0:55",
    "order_fnv=10024a05",
  ],
  "equal-keys-4@musl": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,1:3,2:1,4:2",
    "order_fnv=b2e45277",
  ],
  "equal-keys-8@musl": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,1:3,2:1,2:6,3:4,4:2,4:7",
    "order_fnv=3efbfeab",
  ],
  "equal-keys-9@musl": [
    "sorted=yes",
    "inversions=2",
    "stable=no",
    "head=0:0,0:5,1:8,1:3,2:1,2:6,3:4,4:7,4:2",
    "order_fnv=06e55a49",
  ],
  "equal-keys-10@musl": [
    "sorted=yes",
    "inversions=2",
    "stable=no",
    "head=0:0,0:5,1:8,1:3,2:1,2:6,3:4,3:9,4:7,4:2",
    "order_fnv=568ea29e",
  ],
  "equal-keys-16@musl": [
    "sorted=yes",
    "inversions=6",
    "stable=no",
    "head=0:0,0:15,0:10,0:5,1:3,1:8,1:13,2:6,2:1,2:11,3:14,3:4",
    "order_fnv=6a66e603",
  ],
  "equal-keys-100@musl": [
    "sorted=yes",
    "inversions=52",
    "stable=no",
    "head=0:0,0:80,0:55,0:35,0:65,0:5,0:85,0:75,0:30,0:40,0:10,0:45",
    "order_fnv=9ecf49e7",
  ],
  "equal-keys-1000@musl": [
    "sorted=yes",
    "inversions=613",
    "stable=no",
    "head=0:0,0:950,0:555,0:705,0:410,0:5,0:795,0:735,0:390,0:40,0:10,0:685",
    "order_fnv=40715c2f",
  ],
  "equal-keys-100000@musl": [
    "sorted=yes",
    "inversions=62324",
    "stable=no",
    "head=0:0,0:8360,0:90200,0:78520,0:87310,0:5,0:98315,0:94175,0:59210,0:40,0:10,0:98550",
    "order_fnv=3916b0b3",
  ],
  "equal-keys-4@glibc-2.36": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,1:3,2:1,4:2",
    "order_fnv=b2e45277",
  ],
  "equal-keys-8@glibc-2.36": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,1:3,2:1,2:6,3:4,4:2,4:7",
    "order_fnv=3efbfeab",
  ],
  "equal-keys-9@glibc-2.36": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,1:3,1:8,2:1,2:6,3:4,4:2,4:7",
    "order_fnv=74b97fb1",
  ],
  "equal-keys-10@glibc-2.36": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,1:3,1:8,2:1,2:6,3:4,3:9,4:2,4:7",
    "order_fnv=93f5225e",
  ],
  "equal-keys-16@glibc-2.36": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,0:10,0:15,1:3,1:8,1:13,2:1,2:6,2:11,3:4,3:9",
    "order_fnv=f8c5c713",
  ],
  "equal-keys-100@glibc-2.36": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,0:10,0:15,0:20,0:25,0:30,0:35,0:40,0:45,0:50,0:55",
    "order_fnv=47ca2ee1",
  ],
  "equal-keys-1000@glibc-2.36": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,0:10,0:15,0:20,0:25,0:30,0:35,0:40,0:45,0:50,0:55",
    "order_fnv=42d5b2d5",
  ],
  "equal-keys-100000@glibc-2.36": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,0:10,0:15,0:20,0:25,0:30,0:35,0:40,0:45,0:50,0:55",
    "order_fnv=10024a05",
  ],
  "printed-order@glibc": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,0:10,0:15,0:20,0:25,0:30,0:35,0:40,0:45,0:50,0:55",
    "order_fnv=42d5b2d5",
  ],
  "printed-order@musl": [
    "sorted=yes",
    "inversions=613",
    "stable=no",
    "head=0:0,0:950,0:555,0:705,0:410,0:5,0:795,0:735,0:390,0:40,0:10,0:685",
    "order_fnv=40715c2f",
  ],
  "printed-order@glibc-2.36": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,0:10,0:15,0:20,0:25,0:30,0:35,0:40,0:45,0:50,0:55",
    "order_fnv=42d5b2d5",
  ],
  "fix-tiebreak@glibc": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,0:10,0:15,0:20,0:25,0:30,0:35,0:40,0:45,0:50,0:55",
    "order_fnv=42d5b2d5",
  ],
  "fix-tiebreak@musl": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,0:10,0:15,0:20,0:25,0:30,0:35,0:40,0:45,0:50,0:55",
    "order_fnv=42d5b2d5",
  ],
  "fix-tiebreak@glibc-2.36": [
    "sorted=yes",
    "inversions=0",
    "stable=yes",
    "head=0:0,0:5,0:10,0:15,0:20,0:25,0:30,0:35,0:40,0:45,0:50,0:55",
    "order_fnv=42d5b2d5",
  ],
};

/** A clean exit that printed these lines: what the harness would observe. */
function ranWith(lines: string[]): Observation {
  return ranClean(`${lines.join("\n")}\n`);
}

/** `equal-keys-9` -> the sweep case and its value; any other id is a case of its own. */
function caseAndValue(resultId: string): [string, number | undefined] {
  const sweep = /^(equal-keys)-(\d+)$/.exec(resultId);
  return sweep ? [sweep[1]!, Number(sweep[2])] : [resultId, undefined];
}

function verdict(resultId: string, environment: EnvironmentId, lines: string[]) {
  const [caseId, value] = caseAndValue(resultId);
  const testCase = caseOf(caseId);
  const expectation = selectExpectation(testCase.expect, LIBC_OF[environment], value);
  return classify(testCase.role, expectation, ranWith(lines));
}

const facts = (key: string) => parseMeasurements(`${RECORDED[key]!.join("\n")}\n`);

describe("qsort: the probe's real outputs against the scenario's expectations", () => {
  test("every recorded run classifies as predicted: fixes verified, the rest as expected", () => {
    const surprises = Object.entries(RECORDED).flatMap(([key, lines]) => {
      const [resultId, environment] = key.split("@") as [string, EnvironmentId];
      const wanted =
        caseOf(caseAndValue(resultId)[0]).role === "fix" ? "fix-verified" : "as-expected";
      const got = verdict(resultId, environment, lines);
      return got.outcome === wanted ? [] : [`${key}: ${got.outcome} ${got.mismatches.join("; ")}`];
    });
    expect(surprises).toEqual([]);
  });

  test("musl keeps input order up to 8 records and breaks it from 9; glibc never does", () => {
    expect(facts(`equal-keys-${MUSL_STABLE_UP_TO}@musl`)["stable"]).toBe("yes");
    expect(facts(`equal-keys-${MUSL_STABLE_UP_TO + 1}@musl`)["inversions"]).toBe("2");
    for (const environment of ["glibc", "glibc-2.36"]) {
      expect(facts(`equal-keys-100000@${environment}`)["stable"], environment).toBe("yes");
    }
  });

  test("glibc 2.36 and 2.41 print the same order: no introsort in either", () => {
    for (const id of ["printed-order", "equal-keys-1000", "equal-keys-100000"]) {
      expect(RECORDED[`${id}@glibc-2.36`], id).toEqual(RECORDED[`${id}@glibc`]);
    }
  });

  test("the tie-breaker gives one order everywhere, the stable one", () => {
    for (const environment of Object.keys(LIBC_OF)) {
      expect(facts(`fix-tiebreak@${environment}`)["order_fnv"], environment).toBe(STABLE_ORDER_FNV);
    }
    expect(facts("printed-order@musl")["order_fnv"]).not.toBe(STABLE_ORDER_FNV);
  });

  test("glibc's stable order reported by musl at 100 records would be an unexpected result", () => {
    const got = verdict("equal-keys-100", "musl", RECORDED["equal-keys-100@glibc"]!);
    expect(got.outcome).toBe("unexpected-failure");
    expect(got.mismatches.join("; ")).toMatch(/stable: wanted no/);
  });
});
