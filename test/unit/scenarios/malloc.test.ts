import { describe, expect, test } from "vitest";
import { classify, selectExpectation } from "../../../lab/classify/classify.js";
import { parseMeasurements } from "../../../lab/classify/measurements.js";
import type { LibcFamily } from "../../../lab/environments/schema.js";
import { claimViews, measurementTables } from "../../../lab/report/scenario-views.js";
import type { RunResult } from "../../../lab/run-result.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import { malloc } from "../../../lab/scenarios/malloc/index.js";
import { ranWith, recordedCases, recordedResult } from "./recorded-output.js";

const [scenario] = loadScenarios([malloc]);

/** The four environments of the recorded run, as the lab detected them. */
const LIBC = {
  glibc: { family: "glibc" as LibcFamily, version: "2.41" },
  musl: { family: "musl" as LibcFamily, version: "1.2.5" },
  "glibc-2.36": { family: "glibc" as LibcFamily, version: "2.36" },
  "musl-1.2.3": { family: "musl" as LibcFamily, version: "1.2.3" },
};
type EnvironmentId = keyof typeof LIBC;

/**
 * What the probe printed, per case and environment, in one real run
 * (`npm run lab -- malloc --env glibc,musl,glibc-2.36,musl-1.2.3 --json`): glibc = glibc 2.41, musl = musl 1.2.5, glibc-2.36 = glibc 2.36, musl-1.2.3 = musl 1.2.3.
 */
const RECORDED: Record<string, Record<EnvironmentId, string>> = {
  "malloc-zero": {
    glibc: "malloc0.null=no\nmalloc0.distinct=yes\nmalloc0.usable=24\nfree_null=ok\n",
    musl: "malloc0.null=no\nmalloc0.distinct=yes\nmalloc0.usable=0\nfree_null=ok\n",
    "glibc-2.36": "malloc0.null=no\nmalloc0.distinct=yes\nmalloc0.usable=24\nfree_null=ok\n",
    "musl-1.2.3": "malloc0.null=no\nmalloc0.distinct=yes\nmalloc0.usable=0\nfree_null=ok\n",
  },
  "realloc-zero": {
    glibc: "realloc0.null=yes\nrealloc0.same_pointer=no\nrealloc0.errno=0\nrealloc_null0.null=no\n",
    musl: "realloc0.null=no\nrealloc0.same_pointer=yes\nrealloc0.errno=0\nrealloc0.usable=0\nrealloc_null0.null=no\n",
    "glibc-2.36":
      "realloc0.null=yes\nrealloc0.same_pointer=no\nrealloc0.errno=0\nrealloc_null0.null=no\n",
    "musl-1.2.3":
      "realloc0.null=no\nrealloc0.same_pointer=yes\nrealloc0.errno=0\nrealloc0.usable=0\nrealloc_null0.null=no\n",
  },
  "usable-size": {
    glibc:
      "usable.0=24\nusable.1=24\nusable.8=24\nusable.24=24\nusable.25=40\nusable.100=104\nusable.1000=1000\nusable.4096=4104\nusable.100000=100008\n",
    musl: "usable.0=0\nusable.1=1\nusable.8=8\nusable.24=24\nusable.25=25\nusable.100=100\nusable.1000=1000\nusable.4096=4096\nusable.100000=100000\n",
    "glibc-2.36":
      "usable.0=24\nusable.1=24\nusable.8=24\nusable.24=24\nusable.25=40\nusable.100=104\nusable.1000=1000\nusable.4096=4104\nusable.100000=100008\n",
    "musl-1.2.3":
      "usable.0=0\nusable.1=1\nusable.8=8\nusable.24=24\nusable.25=25\nusable.100=100\nusable.1000=1000\nusable.4096=4096\nusable.100000=100000\n",
  },
  "glibc-malloc-api": {
    glibc:
      "has.mallinfo=yes\nhas.mallinfo2=yes\nhas.malloc_trim=yes\nhas.malloc_stats=yes\nhas.mallopt=yes\nhas.malloc_info=yes\nhas.malloc_usable_size=yes\n",
    musl: "has.mallinfo=no\nhas.mallinfo2=no\nhas.malloc_trim=no\nhas.malloc_stats=no\nhas.mallopt=no\nhas.malloc_info=no\nhas.malloc_usable_size=yes\n",
    "glibc-2.36":
      "has.mallinfo=yes\nhas.mallinfo2=yes\nhas.malloc_trim=yes\nhas.malloc_stats=yes\nhas.mallopt=yes\nhas.malloc_info=yes\nhas.malloc_usable_size=yes\n",
    "musl-1.2.3":
      "has.mallinfo=no\nhas.mallinfo2=no\nhas.malloc_trim=no\nhas.malloc_stats=no\nhas.mallopt=no\nhas.malloc_info=no\nhas.malloc_usable_size=yes\n",
  },
  "portable-fix": {
    glibc: "realloc0.null=yes\ngrow_from_null.null=no\ntrim=called\n",
    musl: "realloc0.null=yes\ngrow_from_null.null=no\ntrim=not-compiled\n",
    "glibc-2.36": "realloc0.null=yes\ngrow_from_null.null=no\ntrim=called\n",
    "musl-1.2.3": "realloc0.null=yes\ngrow_from_null.null=no\ntrim=not-compiled\n",
  },
};

const ENVIRONMENTS = (Object.keys(LIBC) as EnvironmentId[]).map((id) => ({ id, libc: LIBC[id] }));
const cases = recordedCases(scenario!, ENVIRONMENTS, (caseId, environment) => {
  return RECORDED[caseId]?.[environment as EnvironmentId];
});
const RESULT: RunResult = recordedResult(scenario!, ENVIRONMENTS, cases);

describe("malloc: the probe's real outputs against the scenario's expectations", () => {
  test("every case classifies as predicted on glibc 2.41/2.36 and musl 1.2.5/1.2.3", () => {
    const surprises = cases.filter(
      (c) => c.outcome !== (c.role === "fix" ? "fix-verified" : "as-expected"),
    );
    expect(surprises.map((c) => `${c.id}@${c.environment}: ${c.mismatches.join("; ")}`)).toEqual(
      [],
    );
  });

  test("glibc's realloc(p, 0) answer on musl is an unexpected failure naming the NULL", () => {
    const testCase = scenario!.cases.find((c) => c.id === "realloc-zero")!;
    const expectation = selectExpectation(testCase.expect, LIBC.musl);
    const verdict = classify(
      "demonstration",
      expectation,
      ranWith(RECORDED["realloc-zero"]!.glibc),
    );
    expect(verdict.outcome).toBe("unexpected-failure");
    expect(verdict.mismatches[0]).toBe("realloc0.null: wanted no, got yes");
  });

  test("malloc_usable_size: glibc's slack and musl's exact sizes", () => {
    const glibc = parseMeasurements(RECORDED["usable-size"]!.glibc);
    const musl = parseMeasurements(RECORDED["usable-size"]!.musl);
    expect([glibc["usable.25"], glibc["usable.4096"]]).toEqual(["40", "4104"]);
    expect([musl["usable.25"], musl["usable.4096"]]).toEqual(["25", "4096"]);
  });

  test("the tables mark realloc(p, 0), usable sizes and the glibc-only functions as differing", () => {
    const [zero, usable, api] = measurementTables(RESULT, RESULT.scenarios[0]!);
    const differs = (table: typeof zero, label: string) =>
      table!.rows.find((r) => r.label === label)?.differs;
    expect(differs(zero, "malloc(0) is NULL")).toBe(false);
    expect(differs(zero, "realloc(p, 0) is NULL")).toBe(true);
    expect(differs(usable, "n = 1000")).toBe(false);
    expect(differs(usable, "n = 25")).toBe(true);
    expect(api!.rows.filter((r) => r.differs).map((r) => r.label)).toEqual([
      "mallinfo",
      "mallinfo2",
      "malloc_trim",
      "malloc_stats",
      "mallopt",
      "malloc_info",
    ]);
  });

  test("claims: realloc(p, 0) returns NULL on glibc only; malloc(0) is NULL nowhere", () => {
    const claims = claimViews(RESULT, RESULT.scenarios[0]!);
    const holds = (claim: string) =>
      Object.fromEntries(
        claims.find((c) => c.claim === claim)!.checks.map((c) => [c.column.id, c.holds]),
      );
    expect(holds("realloc(p, 0) frees p and returns NULL")).toEqual({
      glibc: true,
      musl: false,
      "glibc-2.36": true,
      "musl-1.2.3": false,
    });
    expect(Object.values(holds("malloc(0) returns NULL"))).toEqual([false, false, false, false]);
  });
});
