import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getContainerRuntimeClient } from "testcontainers";
import { describe, expect, test } from "vitest";
import { labStderr, runCli } from "../cli-runner.js";
import { containersOwnedBy, untilContainersOf, waitFor } from "./helpers.js";

const DOCKER_SOCKET = "/var/run/docker.sock";

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
      expect(labStderr(String(result.stderr))).toMatch(
        new RegExp(`${signal}: removing this run's containers`),
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
  test("an infrastructure error in one line, exit 2, no hang", async () => {
    // The lab talks to the engine through a socket this test owns; closing it mid-run is, for
    // the lab, exactly a daemon that went away (the real daemon keeps serving the other tests).
    const dir = mkdtempSync(join(tmpdir(), "musl-lab-engine-"));
    const proxyPath = join(dir, "docker.sock");
    const connections = new Set<Socket>();
    const proxy = createServer((client) => {
      const upstream = createConnection(DOCKER_SOCKET);
      connections.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
    });
    await new Promise<void>((resolve) => proxy.listen(proxyPath, resolve));

    const started = Date.now();
    const child = runCli(["hello", "thread-stack", "--output-dir", join(dir, "reports")], {
      DOCKER_HOST: `unix://${proxyPath}`,
      LAB_NO_PROVISION: "1",
    });
    let leftovers: string[] = [];
    try {
      // Mid-run: the probes are running (thread-stack's search takes seconds).
      let log = "";
      child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
      await waitFor(async () => /compiled \d+ builds?/.test(log), 60_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      proxy.close();
      for (const socket of connections) socket.destroy();
      const result = await child;
      const stderr = labStderr(String(result.stderr));
      expect(result.exitCode).toBe(2);
      // one line naming what failed: `musl-lab: exec in environment "glibc" failed: the Docker
      // engine stopped answering (socket hang up)`
      expect(stderr).toMatch(/^musl-lab: .*the Docker engine stopped answering/m);
      expect(stderr).not.toMatch(/\n\s+at .*:\d+:\d+/); // no stack trace
      expect(Date.now() - started).toBeLessThan(90_000);
      expect(assertReportsWhole(join(dir, "reports"))).toEqual([]);
    } finally {
      proxy.close();
      child.kill("SIGKILL");
      // What the lab could not remove without its engine: the next run's leftover sweep would;
      // here the test cleans up itself, on the real daemon.
      leftovers = await containersOwnedBy(child.pid);
      const docker = (await getContainerRuntimeClient()).container.dockerode;
      await Promise.all(leftovers.map((id) => docker.getContainer(id).remove({ force: true })));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
