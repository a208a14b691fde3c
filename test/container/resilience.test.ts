import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { labStderr, runCli } from "../cli-runner.js";
import {
  containersOwnedBy,
  EngineProxy,
  removeContainersOf,
  untilContainersOf,
  watchStderr,
} from "./helpers.js";

/** Every report file in `dir` is complete JSON: nothing half-written, no temporary left. */
function assertReportsWhole(dir: string): string[] {
  const files = existsSync(dir) ? readdirSync(dir) : [];
  expect(files.filter((f) => f.endsWith(".tmp"))).toEqual([]);
  for (const file of files) JSON.parse(readFileSync(join(dir, file), "utf8"));
  return files;
}

describe("interrupted runs", () => {
  // Moments after the run's first container appears: at once (containers still starting), during
  // compiles and copies, during the runs, and late. SIGINT and SIGTERM both.
  const MOMENTS: [number, "SIGINT" | "SIGTERM"][] = [
    [0, "SIGINT"],
    [150, "SIGTERM"],
    [400, "SIGINT"],
    [900, "SIGTERM"],
    [1_600, "SIGINT"],
  ];

  test.each(MOMENTS)(
    "%i ms after the first container, %s: no container left, no half report, exit 130/143",
    async (delay, signal) => {
      const out = mkdtempSync(join(tmpdir(), "musl-lab-interrupt-"));
      const child = runCli(["hello", "thread-stack", "--output-dir", out]);
      await untilContainersOf(child.pid);
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill(signal);
      const result = await child;
      // hello and thread-stack take several seconds warm, far longer than the latest moment: the
      // signal always lands mid-run, so anything but 130/143 is a failure, never a pass.
      expect(result.exitCode).toBe(signal === "SIGINT" ? 130 : 143);
      const stderr = labStderr(String(result.stderr));
      expect(stderr).toMatch(new RegExp(`^${signal}: removing this run's containers`, "m"));
      expect(stderr).toMatch(
        new RegExp(
          `^musl-lab: interrupted by ${signal}; every container of this run was removed$`,
          "m",
        ),
      );
      expect(assertReportsWhole(out)).toEqual([]);
      expect(await containersOwnedBy(child.pid)).toEqual([]);
      rmSync(out, { recursive: true, force: true });
    },
  );
});

describe("two runs at once", () => {
  test("both complete, neither removes the other's containers, no report is overwritten", async () => {
    const out = mkdtempSync(join(tmpdir(), "musl-lab-twice-"));
    const runs = [runCli(["hello", "--output-dir", out]), runCli(["hello", "--output-dir", out])];
    const [first, second] = await Promise.all(runs);
    expect([first!.exitCode, second!.exitCode]).toEqual([0, 0]);
    const files = assertReportsWhole(out);
    // two timestamped reports and one latest.json, which is one whole report of the two
    expect(files.filter((f) => f !== "latest.json")).toHaveLength(2);
    const latest = JSON.parse(readFileSync(join(out, "latest.json"), "utf8"));
    expect(latest.exitStatus).toBe(0);
    expect(latest.summary.total).toBeGreaterThan(0);
    for (const run of runs) expect(await containersOwnedBy(run.pid)).toEqual([]);
    rmSync(out, { recursive: true, force: true });
  });
});

describe("the Docker engine disappears mid-run", () => {
  test("an infrastructure error in one line, exit 2, no hang, the containers left named", async () => {
    // The lab talks to the engine through a socket this test owns; closing it mid-run is, for
    // the lab, exactly a daemon that went away (the real daemon keeps serving the other tests).
    const proxy = await EngineProxy.start();
    const reports = join(proxy.dir, "reports");
    const started = Date.now();
    const child = runCli(["hello", "thread-stack", "--output-dir", reports], proxy.env);
    try {
      // Mid-run: hello has run, so both containers are started and known to the lab, and
      // thread-stack's search keeps the probes running for seconds more.
      const stderr = watchStderr(child);
      await stderr.until(/^ran hello: /m);
      proxy.close();
      const result = await child;
      const lines = labStderr(String(result.stderr));
      expect(result.exitCode).toBe(2);
      // one line naming what failed: `musl-lab: exec in environment "glibc" failed: the Docker
      // engine stopped answering (socket hang up)`
      expect(lines).toMatch(/^musl-lab: .*the Docker engine stopped answering/m);
      expect(lines).not.toMatch(/\n\s+at .*:\d+:\d+/); // no stack trace
      expect(Date.now() - started).toBeLessThan(150_000);
      expect(assertReportsWhole(reports)).toEqual([]);
      // Without its engine the lab cannot remove its containers: it names every one it leaves.
      const left = (await containersOwnedBy(child.pid)).map((id) => id.slice(0, 12));
      const line = lines.split("\n").find((l) => /could not be removed/.test(l)) ?? "";
      expect(line).toMatch(
        /^musl-lab: \d+ container\(s\) of this run could not be removed: .*; the next run removes them/,
      );
      expect(line.match(/\b[0-9a-f]{12}\b/g) ?? []).toEqual(expect.arrayContaining(left));
    } finally {
      child.kill("SIGKILL");
      // What the lab could not remove without its engine: the next run's leftover sweep would;
      // here the test cleans up itself, on the real daemon.
      await removeContainersOf(child.pid);
      proxy.dispose();
    }
  });
});
