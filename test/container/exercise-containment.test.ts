import { join } from "node:path";
import { expect, test } from "vitest";
import { ExerciseVerdictSchema } from "../../lab/classroom/verdict.js";
import { REPO_ROOT } from "../../lab/runtime/paths.js";
import { labStderr, runCli } from "../cli-runner.js";
import { containersOwnedBy } from "./helpers.js";

/**
 * A student's solution can do anything inside its container; what it does is its verdict. Once,
 * kill(-1, SIGKILL) from a solution killed the harness's reaper (it ran as the probe's user) and
 * the command ended with exit 2 and "returned an unreadable batch", and no verdict.
 */
test("a solution that calls kill(-1, SIGKILL) gets a verdict, check by check", async () => {
  const file = join(REPO_ROOT, "test/fixtures/exercises/run-on-alpine-kills-everyone.c");
  const cli = runCli(["exercise", "run-on-alpine", "--solution", file, "--json"]);
  const result = await cli;
  const stderr = labStderr(String(result.stderr));
  expect(stderr).not.toMatch(/unreadable batch/);
  expect(result.exitCode, stderr).toBe(1);
  const verdict = ExerciseVerdictSchema.parse(JSON.parse(String(result.stdout)));
  const summary = verdict.checks.map((c) => `${c.check}@${c.environment}=${c.status}`).sort();
  // On glibc dash waits for the program, and the kill ends dash too: the run dies of SIGKILL.
  expect(summary).toEqual([
    "reports-its-libc@glibc=fail",
    "reports-its-libc@musl=pass",
    "static-musl-on-ubuntu@glibc=fail",
  ]);
  for (const c of verdict.checks.filter((x) => x.status === "fail")) {
    expect(c.signal, c.check).toBe("SIGKILL");
  }
  expect(await containersOwnedBy(cli.pid)).toEqual([]);
});
