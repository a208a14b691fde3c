import { execa } from "execa";
import { expect, test } from "vitest";
import { InfrastructureError } from "../../lab/errors.js";
import { BATCH_SCRIPT_PATH } from "../../lab/runtime/batch-program.js";
import { ensureHostCommands } from "../../lab/runtime/docker-engine.js";

/**
 * The batch program runs under dash and busybox ash, never under bash, so it is checked as POSIX
 * sh. shellcheck is not on a fresh CI machine: it is installed the way the lab installs its own
 * host tools (apt under the host lock), which may wait up to 120 s for dpkg's lock, then download.
 */
const PROVISION_TIMEOUT_MS = 600_000;

test(
  "lab/runtime/batch.sh passes shellcheck as POSIX sh",
  async () => {
    try {
      await ensureHostCommands([{ command: "shellcheck", debianPackage: "shellcheck" }], (line) =>
        process.stderr.write(`[shellcheck test] ${line}\n`),
      );
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const details =
        error instanceof InfrastructureError && error.details ? `\n${error.details}` : "";
      throw new Error(
        `shellcheck is needed to check ${BATCH_SCRIPT_PATH} and the lab's host provisioning could not install it (as root: apt-get install shellcheck); it said: ${why}${details}`,
      );
    }
    const result = await execa("shellcheck", ["-s", "sh", BATCH_SCRIPT_PATH], {
      reject: false,
      all: true,
    });
    // Installed and still not found (not on PATH): say so, not "exit code undefined".
    if (result.exitCode === undefined)
      throw new Error(`shellcheck could not be run: ${result.shortMessage}`);
    expect({ exitCode: result.exitCode, findings: result.all }).toEqual({
      exitCode: 0,
      findings: "",
    });
  },
  PROVISION_TIMEOUT_MS,
);
