import { describe, expect, test } from "vitest";
import {
  checkMeasurement,
  classify,
  selectExpectation,
  type Observation,
} from "../../../lab/classify/classify.js";
import type { Expectation } from "../../../lab/scenarios/schema.js";

const ran = (overrides: Partial<Extract<Observation, { kind: "ran" }>> = {}): Observation => ({
  kind: "ran",
  exitCode: 0,
  signal: null,
  stdout: "",
  stderr: "",
  timedOut: false,
  durationMs: 5,
  measurements: {},
  ...overrides,
});

const notFound: Expectation = {
  result: "failure",
  exitCode: 127,
  stderr: [": not found$"],
  because: "no glibc loader on musl",
};
const works: Expectation = {
  result: "success",
  exitCode: 0,
  stdout: ["^hello=ok$"],
  because: "it runs",
};

describe("classify", () => {
  test("a predicted failure that happens is an expected failure", () => {
    const verdict = classify(
      "demonstration",
      notFound,
      ran({ exitCode: 127, stderr: "sh: 1: /lab/bin/hello: not found\n" }),
    );
    expect(verdict).toEqual({
      outcome: "expected-failure",
      explanation: "no glibc loader on musl",
      mismatches: [],
    });
  });

  test("a predicted failure that does not happen is an unexpected pass, with what differed", () => {
    const verdict = classify("demonstration", notFound, ran({ stdout: "hello=ok\n" }));
    expect(verdict.outcome).toBe("unexpected-pass");
    expect(verdict.mismatches).toEqual([
      "wanted a failure, got exit 0",
      "wanted stderr to match /: not found$/, got nothing",
    ]);
  });

  test("a fix that works is fix-verified; a baseline that works is as-expected", () => {
    const observation = ran({ stdout: "built_for=glibc\nhello=ok\n" });
    expect(classify("fix", works, observation).outcome).toBe("fix-verified");
    expect(classify("baseline", works, observation).outcome).toBe("as-expected");
  });

  test("a crash where success was predicted is an unexpected failure naming the signal", () => {
    const verdict = classify("fix", works, ran({ exitCode: null, signal: "SIGSEGV" }));
    expect(verdict.outcome).toBe("unexpected-failure");
    expect(verdict.mismatches[0]).toBe("wanted success, got killed by SIGSEGV");
  });

  test("a failure with the wrong exit code is an unexpected failure", () => {
    const verdict = classify(
      "demonstration",
      notFound,
      ran({ exitCode: 126, stderr: "x: not found" }),
    );
    expect(verdict.outcome).toBe("unexpected-failure");
    expect(verdict.mismatches).toEqual(["wanted exit 127, got exit 126"]);
  });

  test("timeouts, build errors, skips and infrastructure failures have their own outcomes", () => {
    expect(
      classify("fix", works, ran({ timedOut: true, exitCode: null, signal: "SIGKILL" })).outcome,
    ).toBe("timeout");
    expect(classify("fix", works, { kind: "build-failed", output: "error: x" }).outcome).toBe(
      "build-error",
    );
    expect(classify("fix", works, { kind: "skipped", reason: "offline" })).toEqual({
      outcome: "skipped",
      explanation: "offline",
      mismatches: [],
    });
    expect(classify("fix", works, { kind: "infra-failed", message: "engine gone" }).outcome).toBe(
      "infra-error",
    );
  });

  describe("a build the scenario predicts to fail", () => {
    const noExecinfo = {
      when: { family: "musl" as const },
      result: "build-failure" as const,
      output: ["fatal error: execinfo\\.h: No such file or directory"],
      because: "musl has no execinfo.h",
    };
    const compilerSaid =
      "/lab/src/headers-execinfo.c:9:10: fatal error: execinfo.h: No such file or directory\ncompilation terminated.";

    test("failing with the predicted words is an expected build failure", () => {
      expect(
        classify("demonstration", noExecinfo, { kind: "build-failed", output: compilerSaid }),
      ).toEqual({
        outcome: "expected-build-failure",
        explanation: "musl has no execinfo.h",
        mismatches: [],
      });
    });

    test("failing with other words is an unexpected failure listing the pattern missed", () => {
      const verdict = classify("demonstration", noExecinfo, {
        kind: "build-failed",
        output: "x.c:3:1: error: expected ';' before '}' token\ncompilation terminated.",
      });
      expect(verdict.outcome).toBe("unexpected-failure");
      expect(verdict.mismatches).toEqual([
        "wanted the compiler's output to match /fatal error: execinfo\\.h: No such file or directory/, got \"x.c:3:1: error: expected ';' before '}' token\"",
      ]);
    });

    test("building after all is an unexpected pass, and says it ran", () => {
      const verdict = classify("demonstration", noExecinfo, ran({}));
      expect(verdict.outcome).toBe("unexpected-pass");
      expect(verdict.mismatches).toEqual([
        "wanted the build to fail, it compiled and ran (exit 0)",
      ]);
    });

    test("a failed build nobody predicted stays a build error", () => {
      expect(
        classify("demonstration", works, { kind: "build-failed", output: compilerSaid }).outcome,
      ).toBe("build-error");
      expect(classify("demonstration", null, { kind: "build-failed", output: "" }).outcome).toBe(
        "build-error",
      );
    });
  });

  test("a timeout names the pids limit when it refused forks (a contained fork bomb)", () => {
    const killed = { timedOut: true, exitCode: null, signal: "SIGKILL", durationMs: 3_010 };
    expect(classify("baseline", works, ran(killed)).explanation).toBe(
      "killed after 3010 ms without finishing",
    );
    const bomb = classify(
      "baseline",
      works,
      ran({ ...killed, measurements: { "lab.forks_refused": "5123" } }),
    );
    expect(bomb.outcome).toBe("timeout");
    expect(bomb.explanation).toBe(
      "killed after 3010 ms without finishing; meanwhile the container's pids limit refused 5123 forks",
    );
  });

  test("OOM kills are named as such, whatever the expectation", () => {
    const hog = classify(
      "baseline",
      works,
      ran({ exitCode: null, signal: "SIGKILL", oomKilled: true, durationMs: 900 }),
    );
    expect(hog.outcome).toBe("unexpected-failure");
    expect(hog.explanation).toMatch(/killed by the OOM killer \(SIGKILL: out of memory\)/);
  });

  test("no expectation for the libc is reported, not guessed", () => {
    expect(classify("baseline", null, ran()).outcome).toBe("unexpected-failure");
  });

  test("measurements are checked exactly, by range and by pattern", () => {
    const expectation: Expectation = {
      result: "success",
      measurements: {
        interpreter: "/lib64/ld-linux-x86-64.so.2",
        stack_kib: { min: 120, max: 140 },
        v: { pattern: "^GLIBC_2\\.\\d+$" },
      },
      because: "x",
    };
    const ok = classify(
      "diagnosis",
      expectation,
      ran({
        measurements: {
          interpreter: "/lib64/ld-linux-x86-64.so.2",
          stack_kib: "128",
          v: "GLIBC_2.34",
        },
      }),
    );
    expect(ok.outcome).toBe("as-expected");
    const bad = classify(
      "diagnosis",
      expectation,
      ran({ measurements: { interpreter: "none", stack_kib: "8192" } }),
    );
    expect(bad.mismatches).toEqual([
      "interpreter: wanted /lib64/ld-linux-x86-64.so.2, got none",
      "stack_kib: wanted a number in [120, 140], got 8192",
      "v: wanted /^GLIBC_2\\.\\d+$/, got nothing",
    ]);
  });

  test("checkMeasurement treats a missing or non-numeric value as out of range", () => {
    expect(checkMeasurement({ min: 1 }, undefined)).toBe("a number in [1, ∞]");
    expect(checkMeasurement({ max: 3 }, "abc")).toBe("a number in [-∞, 3]");
    expect(checkMeasurement({ min: 1, max: 3 }, "2")).toBeNull();
  });
});

describe("selectExpectation", () => {
  const rules: Expectation[] = [
    { when: { family: "musl", version: "<1.2.4" }, result: "failure", because: "old musl" },
    { when: { family: "musl" }, result: "success", because: "new musl" },
    { result: "success", because: "glibc" },
  ];
  test("picks the first rule matching family and version", () => {
    expect(selectExpectation(rules, { family: "musl", version: "1.2.3" })?.because).toBe(
      "old musl",
    );
    expect(selectExpectation(rules, { family: "musl", version: "1.2.5" })?.because).toBe(
      "new musl",
    );
    expect(selectExpectation(rules, { family: "glibc", version: "2.41" })?.because).toBe("glibc");
  });
  test("returns null when no rule fits", () => {
    expect(selectExpectation([rules[0]!], { family: "glibc", version: "2.41" })).toBeNull();
  });
});
