import { getContainerRuntimeClient } from "testcontainers";
import { expect, test } from "vitest";
import { labStderr, runCli } from "../cli-runner.js";

/**
 * A build that cannot download its packages (a Debian mirror on a closed loopback port: nothing
 * leaves the machine) must stop the lab with the failing step and its output, exit 2, and leave
 * no image tagged that a later run could mistake for a finished one.
 */
test("a failing image build names the step, shows its output and tags nothing", async () => {
  const result = await runCli(["hello", "--env", "musl", "--images", "offline"], {
    LAB_DEBIAN_MIRROR: "http://127.0.0.1:9/debian",
  });
  expect(result.exitCode).toBe(2);
  const stderr = labStderr(String(result.stderr));
  const message = stderr.split("\n").find((line) => line.startsWith("musl-lab: "));
  expect(message).toMatch(
    /^musl-lab: building (musl-lab\/\S+): docker\/offline\/(musl|glibc)-rootfs\.sh trixie failed with exit code \d+ during "(download|bootstrap) /,
  );
  expect(stderr).toMatch(/^ {2}\| .*127\.0\.0\.1/m);
  expect(stderr).not.toMatch(/^\s+at /m);

  const tag = /building (musl-lab\/\S+):/.exec(message ?? "")?.[1];
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const images = await docker.listImages({ filters: { reference: [tag ?? "none"] } });
  expect(images).toHaveLength(0);
});
