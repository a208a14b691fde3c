import { beforeAll, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { runLab } from "../../lab/run-lab.js";
import { loadScenarios } from "../../lab/scenarios/index.js";

/**
 * The older pair (Debian bookworm: glibc 2.36, musl 1.2.3) that later scenarios need for version
 * differences: it must build offline, be detected as what it is, and tell the same hello story.
 */
let result: RunResult;
beforeAll(async () => {
  result = await runLab({
    scenarios: loadScenarios().filter((s) => s.id === "hello"),
    environmentIds: ["glibc-2.36", "musl-1.2.3"],
    images: "auto",
    log: (line) => process.stderr.write(`[bookworm pair] ${line}\n`),
  });
}, 900_000);

test("glibc-2.36 and musl-1.2.3 are detected as exactly those versions", () => {
  const versions = Object.fromEntries(result.environments.map((e) => [e.id, e.libc.version]));
  expect(versions).toEqual({ "glibc-2.36": "2.36", "musl-1.2.3": "1.2.3" });
});

test("hello behaves as predicted there too", () => {
  const outcomes = Object.fromEntries(
    result.scenarios[0]!.cases.map((c) => [`${c.id}@${c.environment}`, c.outcome]),
  );
  expect(outcomes).toMatchObject({
    "glibc-binary-on-musl@musl-1.2.3": "expected-failure",
    "rebuilt-for-musl@musl-1.2.3": "fix-verified",
    "static-glibc-on-musl@musl-1.2.3": "fix-verified",
    "musl-binary-on-glibc@glibc-2.36": "expected-failure",
  });
  expect(result.exitStatus).toBe(0);
});
