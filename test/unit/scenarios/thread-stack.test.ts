import { describe, expect, test } from "vitest";
import { classify, selectExpectation, type Observation } from "../../../lab/classify/classify.js";
import { ENVIRONMENTS } from "../../../lab/environments/index.js";
import type { Environment } from "../../../lab/environments/schema.js";
import { planScenario } from "../../../lab/run/plan.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import { threadStack } from "../../../lab/scenarios/thread-stack/index.js";

const [scenario] = loadScenarios([threadStack]);
const caseOf = (id: string) => scenario!.cases.find((c) => c.id === id)!;
const MUSL = { family: "musl" as const, version: "1.2.5" };
const GLIBC = { family: "glibc" as const, version: "2.41" };

const crashed: Observation = {
  kind: "ran",
  exitCode: null,
  signal: "SIGSEGV",
  stdout: "attr=default\nrequested_kib=256\nstack_kib=130\n",
  stderr: "Segmentation fault\n",
  timedOut: false,
  durationMs: 20,
  measurements: { stack_kib: "130", rlimit_stack_kib: "8192" },
};
const survived = (facts: Record<string, string>): Observation => ({
  kind: "ran",
  exitCode: 0,
  signal: null,
  stdout: `${Object.entries(facts)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n")}\nsurvived=yes\n`,
  stderr: "",
  timedOut: false,
  durationMs: 20,
  measurements: { ...facts, survived: "yes" },
});

describe("thread-stack expectations", () => {
  test.each([
    [64, "success"],
    [128, "success"],
    [256, "failure"],
    [1024, "failure"],
  ])("default attributes on musl, %i KiB: %s", (kib, result) => {
    expect(selectExpectation(caseOf("default-sweep").expect, MUSL, kib)?.result).toBe(result);
  });

  test("glibc survives the whole default sweep", () => {
    for (const kib of [64, 128, 256, 512, 1024]) {
      expect(selectExpectation(caseOf("default-sweep").expect, GLIBC, kib)?.result).toBe("success");
    }
  });

  test("a musl crash above the default is an expected failure, a pass there is unexpected", () => {
    const expectation = selectExpectation(caseOf("default-sweep").expect, MUSL, 256);
    expect(classify("demonstration", expectation, crashed).outcome).toBe("expected-failure");
    expect(classify("demonstration", expectation, survived({})).outcome).toBe("unexpected-pass");
  });

  test("a glibc crash in the default sweep is an unexpected failure", () => {
    const expectation = selectExpectation(caseOf("default-sweep").expect, GLIBC, 256);
    expect(classify("demonstration", expectation, crashed).outcome).toBe("unexpected-failure");
  });

  test("musl before 1.1.21 is expected to give 80 KiB, not 128", () => {
    const old = selectExpectation(caseOf("default-stack").expect, {
      family: "musl",
      version: "1.1.20",
    });
    expect(old?.measurements?.["stack_kib"]).toEqual({ min: 80, max: 90 });
    const current = selectExpectation(caseOf("default-stack").expect, MUSL);
    const verdict = classify("baseline", current, survived({ stack_kib: "80" }));
    expect(verdict.outcome).toBe("unexpected-failure");
    expect(verdict.mismatches[0]).toMatch(/stack_kib: wanted a number in \[128, 140\], got 80/);
  });

  test("glibc's default must equal RLIMIT_STACK, whatever it is", () => {
    const expectation = selectExpectation(caseOf("default-stack").expect, GLIBC);
    const same = survived({ stack_kib: "256", rlimit_stack_kib: "256" });
    const differs = survived({ stack_kib: "8192", rlimit_stack_kib: "256" });
    expect(classify("baseline", expectation, same).outcome).toBe("as-expected");
    expect(classify("baseline", expectation, differs).mismatches).toEqual([
      "stack_kib: wanted the same as rlimit_stack_kib (256), got 8192",
    ]);
  });

  test("fixes are verified by a pass, on every size", () => {
    for (const id of ["fix-explicit-stack", "fix-link-flag"]) {
      const expectation = selectExpectation(caseOf(id).expect, MUSL, 1024);
      expect(classify("fix", expectation, survived({ stack_kib: "2050" })).outcome).toBe(
        "fix-verified",
      );
    }
  });

  test("the plan: every case on both environments, sweeps expanded, flags only where named", () => {
    const environments = ["glibc", "musl"].map((id) => ENVIRONMENTS.get(id) as Environment);
    const plan = planScenario(scenario!, environments);
    const count = (id: string, env: string) =>
      plan.filter((i) => i.testCase.id === id && i.targetName === env).length;
    expect(count("default-sweep", "glibc")).toBe(5);
    expect(count("default-sweep", "musl")).toBe(5);
    expect(count("survival-limit", "musl")).toBe(1);
    expect(count("fix-link-flag", "glibc")).toBe(0);
    expect(count("link-flag-on-glibc", "glibc")).toBe(5);
    // native builds: each environment runs a binary built for its own libc
    const nativeMusl = plan.find(
      (i) => i.testCase.id === "default-stack" && i.targetName === "musl",
    );
    expect(nativeMusl?.buildFor?.id).toBe("musl");
  });
});

describe("scenario data checks", () => {
  test("a sweep without {value} in its args is refused", () => {
    const sweep = threadStack.cases.find((c) => c.id === "default-sweep")!;
    const broken = {
      ...threadStack,
      cases: [{ ...sweep, check: { ...sweep.check, args: ["64", "default"] } }],
      report: { tables: [], claims: [], highlights: {}, advice: [] },
    };
    expect(() => loadScenarios([broken])).toThrow(
      "scenario thread-stack, case default-sweep: its args need {value} for the values it tries",
    );
  });

  test("{value} without a sweep or search is refused", () => {
    const plain = threadStack.cases.find((c) => c.id === "default-stack")!;
    const broken = {
      ...threadStack,
      cases: [{ ...plain, check: { ...plain.check, args: ["{value}"] } }],
      report: { tables: [], claims: [], highlights: {}, advice: [] },
    };
    expect(() => loadScenarios([broken])).toThrow(/\{value\} in args but no sweep or search/);
  });

  test("a report that names an unknown case is refused", () => {
    const broken = {
      ...threadStack,
      report: { ...threadStack.report, advice: [{ text: "x", evidence: "no-such-case" }] },
    };
    expect(() => loadScenarios([broken])).toThrow('the report names unknown case "no-such-case"');
  });
});
