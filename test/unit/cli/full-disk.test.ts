import { describe, expect, test } from "vitest";
import { runCliIntoFullDisk } from "../../cli-runner.js";

/** What a script reading `$?` must see when the output it redirected is not all there. */
const FULL_DISK_LINE =
  "musl-lab: cannot write to stdout: no space left on device (ENOSPC); what it shows is incomplete";

/** The first test also bundles the CLI; on a busy two-core machine that alone can take seconds. */
const CLI_TEST_TIMEOUT_MS = 60_000;

describe("stdout that cannot be written (/dev/full: a full disk)", () => {
  test.each([[["--list"]], [["--help"]], [["explain", "hello"]], [["exercise"]]])(
    "%j: one line on stderr, exit 2, never 0",
    async (args) => {
      const { exitCode, stderr } = await runCliIntoFullDisk(args);
      expect(stderr.trim()).toBe(FULL_DISK_LINE);
      expect(exitCode).toBe(2);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
