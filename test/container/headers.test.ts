import { beforeAll, describe, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { caseFinder, countRunContainers, runScenario } from "./helpers.js";

let result: RunResult;
const find = caseFinder(() => result, "headers");

beforeAll(async () => {
  result = await runScenario("headers");
});

/** The compiler's output of a case that did not build (nothing ran). */
const compilerSaid = (id: string, environment: string) => {
  const c = find(id, environment);
  expect(c.outcome, `${id}@${environment}`).toBe("expected-build-failure");
  expect(c.command, `${id}@${environment}`).toBeNull();
  return c.build?.output ?? "";
};

describe("headers, built for real with gcc 14 and musl-gcc (musl 1.2.3 and glibc 2.36 with gcc 12)", () => {
  test("glibc-only headers: glibc builds and runs, musl-gcc stops at the #include", () => {
    for (const [id, header] of [
      ["execinfo-backtrace", "execinfo.h"],
      ["error-h", "error.h"],
      ["argp-h", "argp.h"],
      ["obstack-h", "obstack.h"],
      ["sys-cdefs", "sys/cdefs.h"],
    ] as const) {
      expect(find(id, "glibc").outcome, id).toBe("as-expected");
      expect(compilerSaid(id, "musl")).toContain(
        `fatal error: ${header}: No such file or directory`,
      );
    }
  });

  test("GLOB_BRACE, GLOB_ONLYDIR and FNM_EXTMATCH are undeclared on musl", () => {
    expect(find("glob-brace", "glibc").measurements["glob.brace"]).toBe("2");
    const output = compilerSaid("glob-brace", "musl");
    for (const name of ["GLOB_BRACE", "GLOB_ONLYDIR", "FNM_EXTMATCH"]) {
      expect(output).toContain(`'${name}' undeclared`);
    }
  });

  test("fts builds on this lab's musl too: Debian's musl bundles musl-fts", () => {
    for (const environment of ["glibc", "musl"]) {
      expect(find("fts-open", environment).measurements["fts.open"], environment).toBe("ok");
    }
  });

  test("lseek64 under _GNU_SOURCE: built on musl 1.2.3, refused by musl 1.2.5", () => {
    expect(find("lseek64-gnu-source", "musl-1.2.3").measurements["lseek64.ok"]).toBe("yes");
    const output = compilerSaid("lseek64-gnu-source", "musl");
    expect(output).toContain("error: unknown type name 'off64_t'");
    expect(output).toContain("error: implicit declaration of function 'lseek64'");
  });

  test("without a feature-test macro both libcs hide lseek64; gcc 12 only warns about the call", () => {
    for (const environment of ["glibc", "musl"]) {
      expect(compilerSaid("lseek64-no-feature-macro", environment)).toContain(
        "error: implicit declaration of function 'lseek64'",
      );
    }
    for (const environment of ["glibc-2.36", "musl-1.2.3"]) {
      const output = compilerSaid("lseek64-no-feature-macro", environment);
      expect(output, environment).toContain("error: unknown type name 'off64_t'");
      expect(output, environment).toContain("warning: implicit declaration of function 'lseek64'");
    }
  });

  test("every fix builds and runs on every environment it joins", () => {
    const fixes = result.scenarios[0]!.cases.filter((c) => c.role === "fix");
    expect(new Set(fixes.map((c) => c.outcome))).toEqual(new Set(["fix-verified"]));
    expect(find("execinfo-guarded", "musl").measurements["backtrace.frames"]).toBe("unsupported");
    expect(find("lseek64-largefile64", "musl").measurements["lseek64.ok"]).toBe("yes");
  });

  test("every case as predicted, and no container left behind", async () => {
    const surprises = result.scenarios[0]!.cases.filter(
      (c) => !["as-expected", "expected-build-failure", "fix-verified"].includes(c.outcome),
    );
    expect(surprises.map((c) => `${c.id}@${c.environment}: ${c.explanation}`)).toEqual([]);
    expect(result.exitStatus).toBe(0);
    expect(await countRunContainers()).toBe(0);
  });
});
