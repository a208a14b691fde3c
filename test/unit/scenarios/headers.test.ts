import { describe, expect, test } from "vitest";
import { classify, selectExpectation } from "../../../lab/classify/classify.js";
import { headers } from "../../../lab/scenarios/headers/index.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import { classifyRecorded, type RecordedBuild } from "./recorded-output.js";

const [scenario] = loadScenarios([headers]);

/**
 * What one real run (`npm run lab -- headers`, 2026-12-02) saw per case and environment: the
 * probe's output, or the error and warning lines of the compiler's output.
 */
const RECORDED: Record<string, Record<string, RecordedBuild>> = {
  "execinfo-backtrace": {
    glibc: { built: true, stdout: "backtrace.frames=some\n", stderr: "" },
    musl: {
      built: false,
      output:
        "/lab/src/headers-execinfo.c:16:10: fatal error: execinfo.h: No such file or directory",
    },
  },
  "execinfo-guarded": {
    glibc: { built: true, stdout: "backtrace.frames=some\n", stderr: "" },
    musl: { built: true, stdout: "backtrace.frames=unsupported\n", stderr: "" },
  },
  "fts-open": {
    glibc: { built: true, stdout: "fts.open=ok\nfts.entries=some\n", stderr: "" },
    musl: { built: true, stdout: "fts.open=ok\nfts.entries=some\n", stderr: "" },
  },
  "glob-brace": {
    glibc: { built: true, stdout: "glob.brace=2\nfnmatch.extmatch=0\n", stderr: "" },
    musl: {
      built: false,
      output:
        "/lab/src/headers-glob.c:24:31: error: 'GLOB_BRACE' undeclared (first use in this function); did you mean 'GLOB_NOSPACE'?\n/lab/src/headers-glob.c:24:44: error: 'GLOB_ONLYDIR' undeclared (first use in this function)\n/lab/src/headers-glob.c:31:58: error: 'FNM_EXTMATCH' undeclared (first use in this function); did you mean 'FNM_NOMATCH'?",
    },
  },
  "glob-guarded": {
    glibc: { built: true, stdout: "glob.brace=2\nfnmatch.extmatch=0\n", stderr: "" },
    musl: { built: true, stdout: "glob.brace=2\nfnmatch.extmatch=unsupported\n", stderr: "" },
  },
  "error-h": {
    glibc: {
      built: true,
      stdout: "error.called=yes\n",
      stderr: "/lab/bin/headers-error-glibc-dynamic: a message through error(3)\n",
    },
    musl: {
      built: false,
      output:
        "/lab/src/headers-error.c:12:10: fatal error: error.h: No such file or directory\n   12 | #include <error.h>",
    },
  },
  "error-warnx": {
    glibc: {
      built: true,
      stdout: "error.called=yes\n",
      stderr: "headers-error-glibc-dynamic-c75e26f9: a message through warnx(3)\n",
    },
    musl: {
      built: true,
      stdout: "error.called=yes\n",
      stderr: "headers-error-musl-dynamic-c75e26f9: a message through warnx(3)\n",
    },
  },
  "argp-h": {
    glibc: { built: true, stdout: "argp.parse=0\n", stderr: "" },
    musl: {
      built: false,
      output: "/lab/src/headers-argp.c:9:10: fatal error: argp.h: No such file or directory",
    },
  },
  "obstack-h": {
    glibc: { built: true, stdout: "obstack.copy=hello\n", stderr: "" },
    musl: {
      built: false,
      output: "/lab/src/headers-obstack.c:9:10: fatal error: obstack.h: No such file or directory",
    },
  },
  "sys-cdefs": {
    glibc: { built: true, stdout: "cdefs.answer=42\n", stderr: "" },
    musl: {
      built: false,
      output: "/lab/src/headers-cdefs.c:12:10: fatal error: sys/cdefs.h: No such file or directory",
    },
  },
  "sys-cdefs-spelled-out": {
    glibc: { built: true, stdout: "cdefs.answer=42\n", stderr: "" },
    musl: { built: true, stdout: "cdefs.answer=42\n", stderr: "" },
  },
  "lseek64-gnu-source": {
    glibc: { built: true, stdout: "lseek64.ok=yes\noff.bits=64\n", stderr: "" },
    musl: {
      built: false,
      output:
        "/lab/src/headers-lseek64.c:28:3: error: unknown type name 'off64_t'; did you mean 'off_t'?\n/lab/src/headers-lseek64.c:28:17: error: implicit declaration of function 'lseek64'; did you mean 'lseek'? [-Wimplicit-function-declaration]",
    },
    "musl-1.2.3": { built: true, stdout: "lseek64.ok=yes\noff.bits=64\n", stderr: "" },
    "glibc-2.36": { built: true, stdout: "lseek64.ok=yes\noff.bits=64\n", stderr: "" },
  },
  "lseek64-no-feature-macro": {
    glibc: {
      built: false,
      output:
        "/lab/src/headers-lseek64.c:28:3: error: unknown type name 'off64_t'; did you mean 'off_t'?\n/lab/src/headers-lseek64.c:28:17: error: implicit declaration of function 'lseek64'; did you mean 'lseek'? [-Wimplicit-function-declaration]",
    },
    musl: {
      built: false,
      output:
        "/lab/src/headers-lseek64.c:28:3: error: unknown type name 'off64_t'; did you mean 'off_t'?\n/lab/src/headers-lseek64.c:28:17: error: implicit declaration of function 'lseek64'; did you mean 'lseek'? [-Wimplicit-function-declaration]",
    },
    "musl-1.2.3": {
      built: false,
      output:
        "/lab/src/headers-lseek64.c:28:3: error: unknown type name 'off64_t'; did you mean 'off_t'?\n/lab/src/headers-lseek64.c:28:17: warning: implicit declaration of function 'lseek64'; did you mean 'lseek'? [-Wimplicit-function-declaration]",
    },
    "glibc-2.36": {
      built: false,
      output:
        "/lab/src/headers-lseek64.c:28:3: error: unknown type name 'off64_t'; did you mean 'off_t'?\n/lab/src/headers-lseek64.c:28:17: warning: implicit declaration of function 'lseek64'; did you mean 'lseek'? [-Wimplicit-function-declaration]",
    },
  },
  "lseek64-largefile64": {
    glibc: { built: true, stdout: "lseek64.ok=yes\noff.bits=64\n", stderr: "" },
    musl: { built: true, stdout: "lseek64.ok=yes\noff.bits=64\n", stderr: "" },
    "musl-1.2.3": { built: true, stdout: "lseek64.ok=yes\noff.bits=64\n", stderr: "" },
    "glibc-2.36": { built: true, stdout: "lseek64.ok=yes\noff.bits=64\n", stderr: "" },
  },
  "lseek-off-t": {
    glibc: { built: true, stdout: "lseek64.ok=yes\noff.bits=64\n", stderr: "" },
    musl: { built: true, stdout: "lseek64.ok=yes\noff.bits=64\n", stderr: "" },
    "musl-1.2.3": { built: true, stdout: "lseek64.ok=yes\noff.bits=64\n", stderr: "" },
    "glibc-2.36": { built: true, stdout: "lseek64.ok=yes\noff.bits=64\n", stderr: "" },
  },
};

describe("headers: the recorded outputs against the scenario's expectations", () => {
  const cases = scenario!.cases;

  test("every case has a recording", () => {
    expect(Object.keys(RECORDED).sort()).toEqual(cases.map((c) => c.id).sort());
  });

  test("every recording classifies as predicted: a failed build fails with the words predicted", () => {
    for (const run of classifyRecorded(scenario!, RECORDED)) {
      expect(run.mismatches, run.where).toEqual([]);
      expect(run.outcome, run.where).toBe(run.wanted);
    }
  });

  test("lseek64 under _GNU_SOURCE builds on musl 1.2.3, not on 1.2.5; gcc 12 warns where gcc 14 refuses", () => {
    expect(RECORDED["lseek64-gnu-source"]!["musl-1.2.3"]!.built).toBe(true);
    expect(RECORDED["lseek64-gnu-source"]!.musl!.built).toBe(false);
    const strict = RECORDED["lseek64-no-feature-macro"]!;
    expect(strict["glibc-2.36"]).toMatchObject({
      output: expect.stringContaining("warning: implicit declaration of function 'lseek64'"),
    });
    expect(strict.glibc).toMatchObject({
      output: expect.stringContaining("error: implicit declaration of function 'lseek64'"),
    });
  });

  test("a build predicted to fail that fails with other words is an unexpected failure", () => {
    const c = cases.find((x) => x.id === "execinfo-backtrace")!;
    const verdict = classify(
      c.role,
      selectExpectation(c.expect, { family: "musl", version: "1.2.5" }),
      {
        kind: "build-failed",
        output: "/lab/src/headers-execinfo.c:20:3: error: expected ';' before '}' token",
      },
    );
    expect(verdict.outcome).toBe("unexpected-failure");
    expect(verdict.mismatches[0]).toMatch(
      /^wanted the compiler's output to match \/fatal error: execinfo/,
    );
  });
});
