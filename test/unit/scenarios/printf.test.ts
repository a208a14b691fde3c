import { describe, expect, test } from "vitest";
import { classify, selectExpectation, type Observation } from "../../../lab/classify/classify.js";
import { parseMeasurements } from "../../../lab/classify/measurements.js";
import type { LibcFamily } from "../../../lab/environments/schema.js";
import { claimViews } from "../../../lab/report/scenario-views.js";
import type { RunResult } from "../../../lab/run-result.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import { printf } from "../../../lab/scenarios/printf/index.js";
import { SAMPLE_RESULT } from "../../fixtures/run-result.js";
import { recordedResult } from "./recorded-output.js";

const [scenario] = loadScenarios([printf]);
const caseOf = (id: string) => scenario!.cases.find((c) => c.id === id)!;

const LIBC = {
  glibc: { family: "glibc" as LibcFamily, version: "2.41" },
  musl: { family: "musl" as LibcFamily, version: "1.2.5" },
  "glibc-2.36": { family: "glibc" as LibcFamily, version: "2.36" },
  "musl-1.2.3": { family: "musl" as LibcFamily, version: "1.2.3" },
};
type EnvironmentId = keyof typeof LIBC;
const ENVIRONMENT_IDS = Object.keys(LIBC) as EnvironmentId[];

/**
 * What the probe printed, per case and environment, in one real run
 * (`npm run lab -- printf --env glibc,musl,glibc-2.36,musl-1.2.3 --json`): glibc = glibc 2.41, musl = musl 1.2.5, glibc-2.36 = glibc 2.36, musl-1.2.3 = musl 1.2.3.
 */
const RECORDED: Record<string, Record<EnvironmentId, string>> = {
  "null-string": {
    glibc:
      "null.s=|(null)|\nnull.s.return=6\nnull.precision3=||\nnull.precision3.return=0\nnull.precision6=|(null)|\nnull.precision6.return=6\nnull.width10=|    (null)|\nnull.width10.return=10\n",
    musl: "null.s=|(null)|\nnull.s.return=6\nnull.precision3=|(nu|\nnull.precision3.return=3\nnull.precision6=|(null)|\nnull.precision6.return=6\nnull.width10=|    (null)|\nnull.width10.return=10\n",
    "glibc-2.36":
      "null.s=|(null)|\nnull.s.return=6\nnull.precision3=||\nnull.precision3.return=0\nnull.precision6=|(null)|\nnull.precision6.return=6\nnull.width10=|    (null)|\nnull.width10.return=10\n",
    "musl-1.2.3":
      "null.s=|(null)|\nnull.s.return=6\nnull.precision3=|(nu|\nnull.precision3.return=3\nnull.precision6=|(null)|\nnull.precision6.return=6\nnull.width10=|    (null)|\nnull.width10.return=10\n",
  },
  "null-real-printf": {
    glibc: "calling=printf_through_pointer\n(null)\npointer.return=7\n",
    musl: "calling=printf_through_pointer\n(null)\npointer.return=7\n",
    "glibc-2.36": "calling=printf_through_pointer\n(null)\npointer.return=7\n",
    "musl-1.2.3": "calling=printf_through_pointer\n(null)\npointer.return=7\n",
  },
  "null-folded-puts": {
    glibc: "calling=printf_s_newline_of_null\n",
    musl: "calling=printf_s_newline_of_null\n",
    "glibc-2.36": "calling=printf_s_newline_of_null\n",
    "musl-1.2.3": "calling=printf_s_newline_of_null\n",
  },
  "null-claim": {
    glibc: "folded.result=SIGSEGV\n(null)\nreal.result=exit 0\n",
    musl: "folded.result=SIGSEGV\n(null)\nreal.result=exit 0\n",
    "glibc-2.36": "folded.result=SIGSEGV\n(null)\nreal.result=exit 0\n",
    "musl-1.2.3": "folded.result=SIGSEGV\n(null)\nreal.result=exit 0\n",
  },
  "percent-m": {
    glibc:
      "m.enoent=No such file or directory\nm.eagain=Resource temporarily unavailable\nm.zero=Success\nm.unknown_9999=Unknown error 9999\nstrerror.enoent=No such file or directory\n",
    musl: "m.enoent=No such file or directory\nm.eagain=Resource temporarily unavailable\nm.zero=No error information\nm.unknown_9999=No error information\nstrerror.enoent=No such file or directory\n",
    "glibc-2.36":
      "m.enoent=No such file or directory\nm.eagain=Resource temporarily unavailable\nm.zero=Success\nm.unknown_9999=Unknown error 9999\nstrerror.enoent=No such file or directory\n",
    "musl-1.2.3":
      "m.enoent=No such file or directory\nm.eagain=Resource temporarily unavailable\nm.zero=No error information\nm.unknown_9999=No error information\nstrerror.enoent=No such file or directory\n",
  },
  "lc-nul": {
    glibc: "lc_nul.return=3\nlc_nul.byte1=0x00\n",
    musl: "lc_nul.return=3\nlc_nul.byte1=0x00\n",
    "glibc-2.36": "lc_nul.return=3\nlc_nul.byte1=0x00\n",
    "musl-1.2.3": "lc_nul.return=2\nlc_nul.byte1=0x5D\n",
  },
  "snprintf-big-n": {
    glibc: "big_n.return=3\nbig_n.errno=0\nbig_n.text=|abc|\n",
    musl: "big_n.return=3\nbig_n.errno=0\nbig_n.text=|abc|\n",
    "glibc-2.36": "big_n.return=3\nbig_n.errno=0\nbig_n.text=|abc|\n",
    "musl-1.2.3": "big_n.return=-1\nbig_n.errno=EOVERFLOW\nbig_n.text=||\n",
  },
  "guarded-fix": {
    glibc: "guarded.s=|(null)|\nguarded.precision3=|(nu|\n",
    musl: "guarded.s=|(null)|\nguarded.precision3=|(nu|\n",
    "glibc-2.36": "guarded.s=|(null)|\nguarded.precision3=|(nu|\n",
    "musl-1.2.3": "guarded.s=|(null)|\nguarded.precision3=|(nu|\n",
  },
};

type Ran = Extract<Observation, { kind: "ran" }>;

/** The one case whose probe dies: puts(NULL), after GCC's rewrite of printf("%s\n", s). */
const CRASHES = "null-folded-puts";

/** How the recorded run ended: SIGSEGV for the folded call, a clean exit for every other. */
function observed(caseId: string, environment: EnvironmentId): Ran {
  const stdout = RECORDED[caseId]![environment];
  const crashed = caseId === CRASHES;
  return {
    kind: "ran",
    exitCode: crashed ? null : 0,
    signal: crashed ? "SIGSEGV" : null,
    stdout,
    stderr: crashed ? "Segmentation fault\n" : "",
    timedOut: false,
    durationMs: 5,
    measurements: parseMeasurements(stdout),
  };
}

const verdictOf = (caseId: string, environment: EnvironmentId, stdoutFrom = environment) => {
  const expectation = selectExpectation(caseOf(caseId).expect, LIBC[environment]);
  return classify(caseOf(caseId).role, expectation, observed(caseId, stdoutFrom));
};

/** The outcome each case's role and expectations predict on every environment. */
const PREDICTED: Record<string, string> = {
  [CRASHES]: "expected-failure",
  "guarded-fix": "fix-verified",
};

describe("printf: the probe's real outputs against the scenario's expectations", () => {
  test("every case classifies as predicted on glibc 2.41/2.36 and musl 1.2.5/1.2.3", () => {
    const got = scenario!.cases.flatMap((c) =>
      ENVIRONMENT_IDS.map((e) => `${c.id}@${e}: ${verdictOf(c.id, e).outcome}`),
    );
    const wanted = scenario!.cases.flatMap((c) =>
      ENVIRONMENT_IDS.map((e) => `${c.id}@${e}: ${PREDICTED[c.id] ?? "as-expected"}`),
    );
    expect(got).toEqual(wanted);
  });

  test("musl 1.2.3's %lc and snprintf answers on musl 1.2.5 would be unexpected failures", () => {
    for (const id of ["lc-nul", "snprintf-big-n"]) {
      const verdict = verdictOf(id, "musl", "musl-1.2.3");
      expect(verdict.outcome, id).toBe("unexpected-failure");
    }
    expect(verdictOf("snprintf-big-n", "musl", "musl-1.2.3").mismatches[0]).toBe(
      "big_n.return: wanted 3, got -1",
    );
  });

  test("a folded call that survived would be an unexpected pass", () => {
    const expectation = selectExpectation(caseOf(CRASHES).expect, LIBC.musl);
    const survived: Ran = {
      ...observed(CRASHES, "musl"),
      exitCode: 0,
      signal: null,
      measurements: { calling: "printf_s_newline_of_null", survived: "yes" },
    };
    expect(classify("demonstration", expectation, survived).outcome).toBe("unexpected-pass");
  });

  test("the real printf's own line is ordinary output, not a fact", () => {
    const stdout = RECORDED["null-real-printf"]!.musl;
    expect(stdout.split("\n")).toContain("(null)");
    expect(parseMeasurements(stdout)).toEqual({
      calling: "printf_through_pointer",
      "pointer.return": "7",
    });
  });

  test("claims checked: the NULL crash is the compiler's on both libcs", () => {
    const cases = scenario!.cases.flatMap((c) =>
      ENVIRONMENT_IDS.map((environment) => ({
        ...SAMPLE_RESULT.scenarios[0]!.cases[0]!,
        scenario: "printf",
        id: c.id,
        caseId: c.id,
        environment,
        measurements: parseMeasurements(RECORDED[c.id]![environment]),
      })),
    );
    const environments = ENVIRONMENT_IDS.map((id) => ({ id, libc: LIBC[id] }));
    const result: RunResult = recordedResult(scenario!, environments, cases);
    const views = claimViews(result, result.scenarios[0]!);
    const holds = (claim: string) =>
      views.find((v) => v.claim === claim)!.checks.map((c) => `${c.column.id}: ${c.holds}`);
    expect(holds("printf(NULL) crashes on musl")).toEqual(["musl: false", "musl-1.2.3: false"]);
    expect(holds('printf("%s\\n", NULL) is safe on glibc')).toEqual([
      "glibc: false",
      "glibc-2.36: false",
    ]);
    expect(holds('a NULL %s prints "(null)" on both libcs')).toEqual(
      ENVIRONMENT_IDS.map((e) => `${e}: true`),
    );
  });
});
