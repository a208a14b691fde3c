import { existsSync, mkdtempSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { getContainerRuntimeClient } from "testcontainers";
import { expect, test } from "vitest";
import {
  LABEL_ENVIRONMENT,
  LABEL_LAB,
  LABEL_OWNER_HOST,
  LABEL_OWNER_PID,
  LABEL_RUN,
  removeLeftoverContainers,
} from "../../lab/runtime/container-registry.js";
import { ENVIRONMENTS } from "../../lab/environments/index.js";
import type { Environment } from "../../lab/environments/schema.js";
import { prepareImages } from "../../lab/runtime/prepare-images.js";
import { labStderr, runCli } from "../cli-runner.js";
import { containersOwnedBy, untilContainersOf } from "./helpers.js";

/** A run killed with -9 leaves its containers; the next start finds them by label and removes them. */
test("containers of a dead run are removed at the next start, those of a live one are kept", async () => {
  const prepared = await prepareImages(
    [ENVIRONMENTS.get("musl") as Environment],
    "auto",
    () => undefined,
  );
  const image = prepared.environments.get("musl")?.resolution;
  if (!image || !("tag" in image)) throw new Error("no musl image");
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const create = async (ownerPid: number) => {
    const container = await docker.createContainer({
      Image: image.tag,
      Cmd: ["sleep", "600"],
      HostConfig: { NetworkMode: "none" },
      Labels: {
        [LABEL_LAB]: "true",
        [LABEL_RUN]: `leftover-test-${ownerPid}`,
        [LABEL_OWNER_PID]: String(ownerPid),
        [LABEL_OWNER_HOST]: hostname(),
        [LABEL_ENVIRONMENT]: "musl",
      },
    });
    await container.start();
    return container.id;
  };
  // 2^22 + 1 is above Linux's largest pid, so no process can own it.
  const dead = await create(4_194_305);
  const alive = await create(process.pid);
  const lines: string[] = [];
  try {
    expect(await removeLeftoverContainers(docker, (l) => lines.push(l))).toBeGreaterThanOrEqual(1);
    const remaining = (await docker.listContainers({ all: true })).map((c) => c.Id);
    expect(remaining).not.toContain(dead);
    expect(remaining).toContain(alive);
    expect(lines.join("\n")).toMatch(
      /removed \d+ leftover container\(s\) of crashed run\(s\) .*leftover-test-4194305/,
    );
  } finally {
    await docker
      .getContainer(alive)
      .remove({ force: true })
      .catch(() => undefined);
    await docker
      .getContainer(dead)
      .remove({ force: true })
      .catch(() => undefined);
  }
});

test("kill -9 mid-run: its containers stay behind, and the next run removes them and says so", async () => {
  const out = mkdtempSync(join(tmpdir(), "musl-lab-kill9-"));
  const killed = runCli(["hello", "--output-dir", out]);
  // hello starts exactly three containers (glibc, musl and its variant musl-compat), all at once.
  // Killed once all exist, the CLI has no create in flight: a fixed wait for one to land was a
  // guess, too short under load.
  const HELLO_CONTAINERS = 3;
  await untilContainersOf(killed.pid, HELLO_CONTAINERS);
  killed.kill("SIGKILL");
  await killed;
  expect(await containersOwnedBy(killed.pid)).toHaveLength(HELLO_CONTAINERS);
  expect(existsSync(join(out, "latest.json"))).toBe(false);

  const next = await runCli(["hello", "--output-dir", out]);
  expect(next.exitCode, labStderr(String(next.stderr))).toBe(0);
  expect(labStderr(String(next.stderr))).toMatch(
    /^cleanup: removed \d+ leftover container\(s\) of crashed run\(s\) /m,
  );
  expect(await containersOwnedBy(killed.pid)).toEqual([]);
  expect(existsSync(join(out, "latest.json"))).toBe(true);
});
