import { hintsFor } from "../../../lab/check/advice.js";
import { describe, expect, test } from "vitest";
import { classify, selectExpectation } from "../../../lab/classify/classify.js";
import { claimViews, measurementTables } from "../../../lab/report/scenario-views.js";
import type { RunResult } from "../../../lab/run-result.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import { sysconf } from "../../../lab/scenarios/sysconf/index.js";
import {
  RECORDED_ENVIRONMENTS,
  ranWith,
  recordedCases,
  recordedResult,
} from "./recorded-output.js";

const [scenario] = loadScenarios([sysconf]);

/** The four environments of the recorded run, as the lab detected them. */
const LIBC = Object.fromEntries(RECORDED_ENVIRONMENTS.map((e) => [e.id, e.libc])) as Record<
  "glibc" | "musl" | "glibc-2.36" | "musl-1.2.3",
  (typeof RECORDED_ENVIRONMENTS)[number]["libc"]
>;
type EnvironmentId = keyof typeof LIBC;

/** `before.*` and `pinned.*` lines as the cpus mode prints them. */
function counts(before: number[], pinned: number[]): string {
  const keys = ["affinity", "onln", "conf", "get_nprocs", "get_nprocs_conf"];
  const lines = (prefix: string, values: number[]) =>
    keys.map((key, i) => `${prefix}.${key}=${values[i]}\n`).join("");
  return `${lines("before", before)}pinned.cpu=0\n${lines("pinned", pinned)}`;
}

const GLIBC_CPUS = counts([2, 2, 2, 2, 2], [1, 2, 2, 2, 2]);
const MUSL_CPUS = counts([2, 2, 2, 2, 2], [1, 1, 1, 1, 1]);
const GLIBC_HOSTNAME =
  "hostname.length=12\nshort.rc=-1\nshort.errno=ENAMETOOLONG\nshort.bytes=d1fa\nshort.terminated=no\n";
const MUSL_HOSTNAME =
  "hostname.length=12\nshort.rc=0\nshort.errno=0\nshort.bytes=474\\0\nshort.terminated=yes\n";
const GLIBC_LIMITS = "arg_max_8m=2097152\narg_max_64m=6291456\nopen_max_256=256\n";
const MUSL_LIMITS = "arg_max_8m=131072\narg_max_64m=131072\nopen_max_256=256\n";
const POOL = "pool.affinity=1\npool.threads=1\n";

/**
 * What the probe printed, per case and environment, in one real run on a 2-CPU machine
 * (`npm run lab -- sysconf --env glibc,musl,glibc-2.36,musl-1.2.3 --json`): glibc = glibc 2.41,
 * musl = musl 1.2.5, glibc-2.36 = glibc 2.36, musl-1.2.3 = musl 1.2.3. The hostname bytes are
 * the start of each container's id, so they differ between runs.
 */
const RECORDED: Record<string, Record<EnvironmentId, string>> = {
  "nprocs-pinned": {
    glibc: GLIBC_CPUS,
    musl: MUSL_CPUS,
    "glibc-2.36": GLIBC_CPUS,
    "musl-1.2.3": MUSL_CPUS,
  },
  "pool-from-affinity": { glibc: POOL, musl: POOL, "glibc-2.36": POOL, "musl-1.2.3": POOL },
  "hostname-short": {
    glibc: GLIBC_HOSTNAME,
    musl: MUSL_HOSTNAME,
    "glibc-2.36": GLIBC_HOSTNAME.replace("d1fa", "ae12"),
    "musl-1.2.3": MUSL_HOSTNAME.replace("474", "07d"),
  },
  "arg-max": {
    glibc: GLIBC_LIMITS,
    musl: MUSL_LIMITS,
    "glibc-2.36": GLIBC_LIMITS,
    "musl-1.2.3": MUSL_LIMITS,
  },
};

function verdictFor(caseId: string, environment: EnvironmentId, stdout: string) {
  const testCase = scenario!.cases.find((c) => c.id === caseId)!;
  const expected = selectExpectation(testCase.expect, LIBC[environment]);
  return { expected, ...classify(testCase.role, expected, ranWith(stdout)) };
}

const ENVIRONMENTS = (Object.keys(LIBC) as EnvironmentId[]).map((id) => ({ id, libc: LIBC[id] }));
const cases = recordedCases(scenario!, ENVIRONMENTS, (caseId, environment) => {
  return RECORDED[caseId]?.[environment as EnvironmentId];
});
const RESULT: RunResult = recordedResult(scenario!, ENVIRONMENTS, cases);

describe("sysconf: the probe's real outputs against the scenario's expectations", () => {
  test("every case classifies as predicted on glibc 2.41/2.36 and musl 1.2.5/1.2.3", () => {
    const surprises = cases.filter(
      (c) => c.outcome !== (c.role === "fix" ? "fix-verified" : "as-expected"),
    );
    expect(surprises.map((c) => `${c.id}@${c.environment}: ${c.mismatches.join("; ")}`)).toEqual(
      [],
    );
  });

  test("the counts are relative: a 64-CPU machine and a --cpuset-cpus=1 container hold too", () => {
    const bigGlibc = counts([64, 64, 64, 64, 64], [1, 64, 64, 64, 64]);
    const bigMusl = counts([64, 64, 64, 64, 64], [1, 1, 1, 1, 1]);
    const cpusetGlibc = counts([1, 2, 2, 2, 2], [1, 2, 2, 2, 2]);
    const cpusetMusl = counts([1, 1, 1, 1, 1], [1, 1, 1, 1, 1]);
    for (const [environment, stdout] of [
      ["glibc", bigGlibc],
      ["musl", bigMusl],
      ["glibc", cpusetGlibc],
      ["musl", cpusetMusl],
    ] as const) {
      expect(verdictFor("nprocs-pinned", environment, stdout).outcome, stdout).toBe("as-expected");
    }
  });

  test("glibc's count on musl is an unexpected failure naming what musl should have said", () => {
    const verdict = verdictFor("nprocs-pinned", "musl", GLIBC_CPUS);
    expect(verdict.outcome).toBe("unexpected-failure");
    expect(verdict.mismatches[0]).toBe("pinned.onln: wanted 1, got 2");
  });

  test("a glibc that counted the mask (as 2.34 briefly did) would be named on glibc", () => {
    const verdict = verdictFor("nprocs-pinned", "glibc", MUSL_CPUS);
    expect(verdict.outcome).toBe("unexpected-failure");
    expect(verdict.mismatches.join("; ")).toContain("pinned.onln");
  });

  test("the tables mark the pinned counts, gethostname and ARG_MAX as differing", () => {
    const [cpus, hostname, limits] = measurementTables(RESULT, RESULT.scenarios[0]!);
    const differing = (table: typeof cpus) =>
      table!.rows.filter((r) => r.differs).map((r) => r.label);
    expect(differing(cpus)).toEqual([
      "pinned: sysconf(_SC_NPROCESSORS_ONLN)",
      "pinned: sysconf(_SC_NPROCESSORS_CONF)",
      "pinned: get_nprocs()",
      "pinned: get_nprocs_conf()",
    ]);
    expect(differing(hostname)).not.toContain("hostname length");
    expect(differing(limits)).toEqual([
      "_SC_ARG_MAX, RLIMIT_STACK 8 MiB",
      "_SC_ARG_MAX, RLIMIT_STACK 64 MiB",
    ]);
  });

  test("claims: sysconf counts the mask on musl only; get_nprocs exists on musl", () => {
    const claims = claimViews(RESULT, RESULT.scenarios[0]!);
    const holds = (claim: string) =>
      Object.fromEntries(
        claims.find((c) => c.claim === claim)!.checks.map((c) => [c.column.id, c.holds]),
      );
    expect(holds("sysconf(_SC_NPROCESSORS_ONLN) counts the CPUs a pinned process may use")).toEqual(
      { glibc: false, musl: true, "glibc-2.36": false, "musl-1.2.3": true },
    );
    expect(holds("get_nprocs() is glibc-only")).toEqual({ musl: false, "musl-1.2.3": false });
    expect(holds("_SC_ARG_MAX grows with ulimit -s")).toEqual({
      glibc: true,
      musl: false,
      "glibc-2.36": true,
      "musl-1.2.3": false,
    });
  });

  test("check points a binary that counts CPUs with get_nprocs at this lesson, not every sysconf user", () => {
    const hinted = (imports: string[]) =>
      hintsFor({ imports, weakImports: [], gnuStackSize: 4096 }, [scenario!]).length > 0;
    expect(hinted(["get_nprocs"])).toBe(true);
    expect(hinted(["sysconf", "printf"])).toBe(false);
  });
});
