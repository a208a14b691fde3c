import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { labStderr, runCli } from "../cli-runner.js";
import {
  containersOwnedBy,
  EngineProxy,
  removeContainersOf,
  untilContainersOf,
  waitFor,
  watchStderr,
  cleanups,
  runCleanups,
  scratchDir,
} from "./helpers.js";

/** Generous: every test here waits for a run to start and then for its clean-up, under load. */
const SIGNAL_TEST_TIMEOUT_MS = 300_000;

afterEach(runCleanups);

async function engineProxy(): Promise<EngineProxy> {
  const proxy = await EngineProxy.start();
  cleanups.push(() => proxy.dispose());
  return proxy;
}

/** Started through `proxy`; whatever it leaves on the real engine is removed after the test. */
function startCli(args: string[], env: Record<string, string>) {
  const child = runCli(args, env);
  cleanups.push(async () => {
    child.kill("SIGKILL");
    await child;
    await removeContainersOf(child.pid);
  });
  return child;
}

/**
 * Every container the CLI left is named in its last line, by its short id (as `docker ps` shows
 * it), and nothing else is: the test froze the engine only after the CLI knew all its containers.
 */
async function expectExactlyTheLeftoversNamed(line: string | undefined, pid: number | undefined) {
  const left = (await containersOwnedBy(pid)).map((id) => id.slice(0, 12));
  const named = line?.match(/\b[0-9a-f]{12}\b/g) ?? [];
  expect(left.length).toBeGreaterThan(0);
  expect(named.sort()).toEqual(left.sort());
}

/**
 * Starts hello and thread-stack through `proxy` and returns once hello has run: both containers
 * have been started and are known to the CLI (a warm build cache compiles nothing, so "compiled"
 * says nothing about them), and thread-stack's search keeps the run busy for seconds more.
 */
async function startBusyRun(proxy: EngineProxy, prefix: string) {
  const child = startCli(["hello", "thread-stack", "--output-dir", scratchDir(prefix)], proxy.env);
  const stderr = watchStderr(child);
  await stderr.until(/^ran hello: /m);
  return { child, stderr };
}

describe("the signals that end a session", () => {
  // SIGHUP: the terminal closed or the ssh session dropped; SIGQUIT: Ctrl-\.
  test.each([
    ["SIGHUP", 129],
    ["SIGQUIT", 131],
    ["SIGTERM", 143],
  ] as const)(
    "%s mid-run: every container removed, one line saying so, exit %i",
    async (signal, status) => {
      const out = scratchDir("musl-lab-signal-");
      const child = startCli(["hello", "--output-dir", out], {});
      await untilContainersOf(child.pid);
      child.kill(signal);
      const result = await child;
      expect(result.exitCode).toBe(status);
      const stderr = labStderr(String(result.stderr));
      expect(stderr).toMatch(new RegExp(`^${signal}: removing this run's containers…$`, "m"));
      expect(stderr).toMatch(
        new RegExp(
          `^musl-lab: interrupted by ${signal}; every container of this run was removed$`,
          "m",
        ),
      );
      expect(await containersOwnedBy(child.pid)).toEqual([]);
      expect(readdirSync(out)).toEqual([]);
    },
    SIGNAL_TEST_TIMEOUT_MS,
  );
});

describe("signals during the clean-up", () => {
  // The engine is held (frozen) from just before the first signal until the second one has been
  // handled: the clean-up is certainly under way when the second signal comes, however fast or
  // slow the machine. dns starts three containers, the most of any scenario.
  test(
    "a second Ctrl-C waits for the clean-up: nothing left, exit 130",
    async () => {
      const proxy = await engineProxy();
      const child = startCli(["dns", "--output-dir", scratchDir("musl-lab-twice-")], proxy.env);
      const stderr = watchStderr(child);
      await untilContainersOf(child.pid, 3);
      proxy.freeze();
      child.kill("SIGINT");
      await stderr.until(/^SIGINT: removing this run's containers…$/m);
      child.kill("SIGINT");
      await stderr.until(/^SIGINT: still removing this run's containers; one more signal exits/m);
      proxy.thaw();
      const result = await child;
      expect(result.exitCode).toBe(130);
      expect(labStderr(String(result.stderr))).toMatch(
        /^musl-lab: interrupted by SIGINT; every container of this run was removed$/m,
      );
      expect(await containersOwnedBy(child.pid)).toEqual([]);
    },
    SIGNAL_TEST_TIMEOUT_MS,
  );

  test(
    "a SIGTERM after a SIGHUP is a second signal too: the status stays the first's",
    async () => {
      const proxy = await engineProxy();
      const child = startCli(["hello", "--output-dir", scratchDir("musl-lab-mixed-")], proxy.env);
      const stderr = watchStderr(child);
      await untilContainersOf(child.pid, 2);
      proxy.freeze();
      child.kill("SIGHUP");
      await stderr.until(/^SIGHUP: removing this run's containers…$/m);
      child.kill("SIGTERM");
      await stderr.until(/^SIGTERM: still removing this run's containers/m);
      proxy.thaw();
      const result = await child;
      expect(result.exitCode).toBe(129);
      expect(await containersOwnedBy(child.pid)).toEqual([]);
    },
    SIGNAL_TEST_TIMEOUT_MS,
  );

  test(
    "a third signal exits at once and names every container it leaves",
    async () => {
      const proxy = await engineProxy();
      const { child, stderr } = await startBusyRun(proxy, "musl-lab-thrice-");
      proxy.freeze();
      child.kill("SIGINT");
      await stderr.until(/^SIGINT: removing/m);
      child.kill("SIGINT");
      await stderr.until(/^SIGINT: still removing/m);
      child.kill("SIGINT");
      // The engine never answers again: only the forced exit can end this process.
      const result = await child;
      proxy.close();
      expect(result.exitCode).toBe(130);
      const line = labStderr(String(result.stderr))
        .split("\n")
        .find((l) => l.startsWith("musl-lab: SIGINT a third time"));
      expect(line, String(result.stderr)).toMatch(
        /^musl-lab: SIGINT a third time: exiting without waiting for the clean-up; .*the next run removes them/,
      );
      await expectExactlyTheLeftoversNamed(line, child.pid);
    },
    SIGNAL_TEST_TIMEOUT_MS,
  );

  test(
    "an engine that stops answering: one Ctrl-C still ends the run, naming what is left",
    async () => {
      const proxy = await engineProxy();
      const { child } = await startBusyRun(proxy, "musl-lab-stalled-");
      proxy.freeze();
      child.kill("SIGINT");
      // The clean-up gives the engine 30 s (CLEANUP_TIMEOUT_MS), then reports; never a hang.
      const result = await child;
      proxy.close();
      expect(result.exitCode).toBe(130);
      const line = labStderr(String(result.stderr))
        .split("\n")
        .find((l) => l.startsWith("musl-lab: interrupted by SIGINT"));
      // One container per started environment (musl's variants join hello): the count, then each.
      const stated = line?.match(
        /^musl-lab: interrupted by SIGINT; (\d+) container\(s\) of this run could not be removed: ([0-9a-f]{12}(?:, [0-9a-f]{12})*); the next run removes them \(or now: docker rm -f \$\(docker ps -aq --filter label=musl-lab\.run=[0-9T]+-\d+\)\)$/,
      );
      expect(stated, String(result.stderr)).not.toBeNull();
      expect(stated?.[2]?.split(", ")).toHaveLength(Number(stated?.[1]));
      await expectExactlyTheLeftoversNamed(line, child.pid);
    },
    SIGNAL_TEST_TIMEOUT_MS,
  );
});

describe("Ctrl-C while a solution is checked", () => {
  test(
    "the solution's temporary folder goes at once, the containers next, exit 130",
    async () => {
      // The CLI's temporary folders go here, so the test sees exactly this run's.
      const tmp = scratchDir("musl-lab-tmpdir-");
      const solution = join(scratchDir("musl-lab-student-"), "solution.c");
      writeFileSync(solution, "int main(void) { return 0; }\n");
      const proxy = await engineProxy();
      const child = startCli(["exercise", "worker-stack", "--solution", solution], {
        ...proxy.env,
        TMPDIR: tmp,
      });
      const stderr = watchStderr(child);
      const solutionFolders = () =>
        readdirSync(tmp).filter((f) => f.startsWith("musl-lab-solution-"));
      await untilContainersOf(child.pid);
      expect(solutionFolders()).toHaveLength(1);
      // With the engine held, the run cannot get anywhere: the folder must not wait for it.
      proxy.freeze();
      child.kill("SIGINT");
      await stderr.until(/^SIGINT: removing this run's containers…$/m);
      await waitFor(async () => solutionFolders().length === 0, 30_000);
      proxy.thaw();
      const result = await child;
      expect(result.exitCode).toBe(130);
      expect(solutionFolders()).toEqual([]);
      expect(await containersOwnedBy(child.pid)).toEqual([]);
      expect(existsSync(solution)).toBe(true);
    },
    SIGNAL_TEST_TIMEOUT_MS,
  );
});
