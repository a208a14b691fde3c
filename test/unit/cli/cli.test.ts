import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { labStderr, runCli } from "../../cli-runner.js";
import { tempDir } from "../temp-dirs.js";

/** The real CLI, for mistakes that never reach Docker: one line on stderr, exit 2, no stack. */
describe("npm run lab, bad input", () => {
  test("an unknown scenario names the valid ones", async () => {
    const result = await runCli(["no-such-scenario"]);
    expect(result.exitCode).toBe(2);
    expect(labStderr(String(result.stderr))).toBe(
      'musl-lab: unknown scenario "no-such-scenario"; known scenarios: hello, thread-stack, dns, locale, iconv, getopt, regex, malloc, qsort, printf, sysconf, headers, strerror',
    );
  });

  test("an unknown flag", async () => {
    const result = await runCli(["--frobnicate"]);
    expect(result.exitCode).toBe(2);
    expect(labStderr(String(result.stderr))).toBe(
      "musl-lab: unknown option --frobnicate; see --help for the options",
    );
  });

  test("an engine that does not answer at DOCKER_HOST is never replaced by one of ours", async () => {
    const result = await runCli(["hello"], { DOCKER_HOST: "unix:///nonexistent/docker.sock" });
    expect(result.exitCode).toBe(2);
    expect(labStderr(String(result.stderr))).toBe(
      "musl-lab: no Docker engine answers at DOCKER_HOST=unix:///nonexistent/docker.sock: start that engine or unset DOCKER_HOST",
    );
  });

  test("LAB_NO_PROVISION=1 refuses to provision and says what to do", async () => {
    const result = await runCli(["hello"], {
      DOCKER_HOST: "unix:///nonexistent/docker.sock",
      LAB_NO_PROVISION: "1",
    });
    expect(result.exitCode).toBe(2);
    const stderr = labStderr(String(result.stderr));
    expect(stderr.split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/LAB_NO_PROVISION=1 forbids starting one: install and start Docker/);
  });

  test("--list and --help print to stdout and exit 0", async () => {
    const list = await runCli(["--list"]);
    expect(list.exitCode).toBe(0);
    expect(String(list.stdout)).toMatch(/^hello\s+a glibc binary on musl/m);
    const help = await runCli(["--help"]);
    expect(help.exitCode).toBe(0);
    expect(String(help.stdout)).toMatch(/--images MODE/);
  });

  test("a baseline that cannot be used stops the run before it starts, in one line", async () => {
    const dir = tempDir("musl-lab-cli-baseline-");
    const missing = join(dir, "missing.json");
    const result = await runCli(["hello", "--baseline", missing]);
    expect(result.exitCode).toBe(2);
    expect(labStderr(String(result.stderr))).toBe(
      `musl-lab: baseline ${missing} does not exist; run once with --accept to create it`,
    );
    const old = join(dir, "old.json");
    writeFileSync(old, JSON.stringify({ schemaVersion: 99, tool: { name: "musl-lab" } }));
    const version = await runCli(["hello", "--baseline", old]);
    expect(version.exitCode).toBe(2);
    expect(labStderr(String(version.stderr))).toMatch(
      /^musl-lab: baseline .*old\.json has schema version 99 but this musl-lab writes version 1; /,
    );
  });

  test("--accept without --baseline", async () => {
    const result = await runCli(["--accept"]);
    expect(result.exitCode).toBe(2);
    expect(labStderr(String(result.stderr))).toBe(
      "musl-lab: --accept writes the new baseline: it needs --baseline FILE",
    );
  });
});

/** The classroom commands that never need Docker: proven by a DOCKER_HOST that cannot answer. */
describe("npm run lab, classroom commands without Docker", () => {
  const NO_DOCKER = { DOCKER_HOST: "unix:///nonexistent/docker.sock", LAB_NO_PROVISION: "1" };

  test("explain prints the lesson, boxed, no colour when not a terminal, exit 0", async () => {
    const result = await runCli(["explain", "thread-stack"], NO_DOCKER);
    expect(result.exitCode).toBe(0);
    const stdout = String(result.stdout);
    expect(stdout).not.toMatch(/\u001b\[/);
    expect(stdout).toMatch(/^╭─ lesson thread-stack: /);
    expect(stdout).toContain("Review questions");
    expect(stdout).toContain("npm run lab -- exercise worker-stack");
    expect(labStderr(String(result.stderr))).toBe("");
  });

  test("explain with colour forced", async () => {
    const result = await runCli(["explain", "hello"], {
      ...NO_DOCKER,
      NO_COLOR: "",
      FORCE_COLOR: "1",
    });
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toMatch(/\u001b\[/);
  });

  test("explain of an unknown scenario: one line, exit 2", async () => {
    const result = await runCli(["explain", "nope"], NO_DOCKER);
    expect(result.exitCode).toBe(2);
    expect(labStderr(String(result.stderr))).toBe(
      'musl-lab: unknown scenario "nope"; known scenarios: hello, thread-stack, dns, locale, iconv, getopt, regex, malloc, qsort, printf, sysconf, headers, strerror',
    );
  });

  test("exercise lists the exercises; exercise NAME shows the task", async () => {
    const list = await runCli(["exercise"], NO_DOCKER);
    expect(list.exitCode).toBe(0);
    expect(String(list.stdout)).toMatch(/^worker-stack\s+thread-stack\s+/m);
    const task = await runCli(["exercise", "sort-names"], NO_DOCKER);
    expect(task.exitCode).toBe(0);
    expect(String(task.stdout)).toContain("c-src/exercises/sort-names.c");
  });

  test("a solution that cannot be read: one line, exit 2, before any container", async () => {
    const dir = tempDir("musl-lab-cli-solution-");
    const missing = await runCli(
      ["exercise", "worker-stack", "--solution", join(dir, "nope.c")],
      NO_DOCKER,
    );
    expect(missing.exitCode).toBe(2);
    expect(labStderr(String(missing.stderr))).toBe(
      `musl-lab: cannot read the solution ${join(dir, "nope.c")}: no such file (ENOENT)`,
    );
    const directory = await runCli(["exercise", "worker-stack", "--solution", dir], NO_DOCKER);
    expect(directory.exitCode).toBe(2);
    expect(labStderr(String(directory.stderr))).toBe(
      `musl-lab: cannot read the solution ${dir}: it is a directory (EISDIR)`,
    );
  });
});

/**
 * The files named on the command line, checked before any container: a DOCKER_HOST that cannot
 * answer proves it (a check made after Docker was asked would report the engine instead).
 */
describe("npm run lab, files named on the command line", () => {
  const NO_DOCKER = { DOCKER_HOST: "unix:///nonexistent/docker.sock", LAB_NO_PROVISION: "1" };
  const dir = () => tempDir("musl-lab-cli-files-");
  /** Several CLI starts each, on a busy 2-core machine: each may take seconds. */
  const SLOW = 240_000;
  /** The CLI, killed if it has not ended in a minute: a hang fails the test, not the suite. */
  const runBounded = async (args: string[], env: Record<string, string> = {}) => {
    const child = runCli(args, { ...NO_DOCKER, ...env });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const result = await child;
    clearTimeout(timer);
    return { ...result, stderr: labStderr(String(result.stderr)) };
  };

  test(
    "a FIFO or /dev/zero as --baseline or --solution: refused in one line, never read",
    async () => {
      const fifo = join(dir(), "fifo");
      execFileSync("mkfifo", [fifo]);
      const runs = [
        [["hello", "--baseline", fifo], `musl-lab: cannot read the baseline ${fifo}: it is a FIFO`],
        [
          ["hello", "--baseline", "/dev/zero"],
          "musl-lab: cannot read the baseline /dev/zero: it is",
        ],
        [["exercise", "worker-stack", "--solution", fifo], `musl-lab: cannot read the solution`],
        [["exercise", "worker-stack", "--solution", "/dev/zero"], "musl-lab: cannot read the"],
      ] as const;
      for (const [args, start] of runs) {
        const result = await runBounded([...args]);
        expect(result.signal).toBeUndefined();
        expect(result.exitCode).toBe(2);
        expect(result.stderr.split("\n")).toHaveLength(1);
        expect(result.stderr.startsWith(start)).toBe(true);
        expect(result.stderr).toMatch(/, not a regular file$/);
      }
    },
    SLOW,
  );

  test(
    "an --output-dir that is a regular file: one line, exit 2, before Docker is asked",
    async () => {
      const file = join(dir(), "reports");
      writeFileSync(file, "not a folder");
      const result = await runBounded(["hello", "--output-dir", file]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toBe(`musl-lab: --output-dir ${file}: ${file} is not a directory`);
    },
    SLOW,
  );

  test(
    "relative --baseline and --output-dir are taken from where the user typed (INIT_CWD)",
    async () => {
      const typedIn = dir();
      writeFileSync(join(typedIn, "b.json"), "{ damaged");
      const baseline = await runBounded(["hello", "--baseline", "b.json"], { INIT_CWD: typedIn });
      expect(baseline.exitCode).toBe(2);
      expect(baseline.stderr).toMatch(/^musl-lab: baseline b\.json is not JSON: /);
      writeFileSync(join(typedIn, "out"), "");
      const output = await runBounded(["hello", "--output-dir", "out"], { INIT_CWD: typedIn });
      expect(output.exitCode).toBe(2);
      expect(output.stderr).toBe(
        `musl-lab: --output-dir out: ${join(typedIn, "out")} is not a directory`,
      );
    },
    SLOW,
  );

  test(
    "outputs that clash with a device, each other or the baseline: refused before the run",
    async () => {
      const d = dir();
      writeFileSync(join(d, "b.json"), "{}");
      const device = await runBounded(["hello", "--junit", "/dev/null"]);
      expect(device.exitCode).toBe(2);
      expect(device.stderr).toMatch(/^musl-lab: --junit \/dev\/null: it is a character device, /);
      const onBaseline = await runBounded(["hello", "--baseline", "b.json", "--junit", "b.json"], {
        INIT_CWD: d,
      });
      expect(onBaseline.exitCode).toBe(2);
      expect(onBaseline.stderr).toMatch(
        /^musl-lab: --baseline b\.json is also --junit b\.json: this run would replace the baseline, /,
      );
      const onJson = await runBounded(["hello", "--output-dir", d, "--junit", `${d}/latest.json`]);
      expect(onJson.exitCode).toBe(2);
      expect(onJson.stderr).toMatch(/is the same file as latest\.json in --output-dir /);
    },
    SLOW,
  );

  test(
    "a damaged baseline's bytes reach the terminal escaped",
    async () => {
      const file = join(dir(), "damaged.json");
      writeFileSync(file, Buffer.from("\u0000\u001b[31mRED\u001b]0;title\u0007"));
      const result = await runBounded(["hello", "--baseline", file]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/^musl-lab: baseline .* is not JSON: /);
      expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      expect(result.stderr).toContain("\\u001b[31mRED");
    },
    SLOW,
  );

  test(
    "FORCE_COLOR=0 means no colour",
    async () => {
      const result = await runBounded(["explain", "hello"], { NO_COLOR: "", FORCE_COLOR: "0" });
      expect(result.exitCode).toBe(0);
      expect(String(result.stdout)).toMatch(/^╭─ lesson hello: /);
      expect(String(result.stdout)).not.toMatch(/\u001b\[/);
    },
    SLOW,
  );
});
