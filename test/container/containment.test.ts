import { getContainerRuntimeClient } from "testcontainers";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ENVIRONMENTS } from "../../lab/environments/index.js";
import type { Environment } from "../../lab/environments/schema.js";
import {
  LABEL_ENVIRONMENT,
  LABEL_OWNER_PID,
  removeAllContainers,
} from "../../lab/runtime/container-registry.js";
import { isResolved } from "../../lab/runtime/images.js";
import { prepareImages } from "../../lab/runtime/prepare-images.js";
import {
  CPU_LIMIT,
  EnvironmentSession,
  HARNESS_CAPABILITIES,
  MEMORY_LIMIT_MIB,
  PIDS_LIMIT,
} from "../../lab/runtime/session.js";

/**
 * The containment every probe container gets, read back from the engine (what Docker really
 * applied, not what the code asked for) and from inside, as the probe user sees it.
 */
const sessions = new Map<string, EnvironmentSession>();

beforeAll(async () => {
  const environments = ["glibc", "musl"].map((id) => ENVIRONMENTS.get(id) as Environment);
  const { resolutions } = await prepareImages(environments, "auto", () => undefined);
  for (const environment of environments) {
    const image = resolutions.get(environment.id);
    if (!image || !isResolved(image)) throw new Error(`no image for ${environment.id}`);
    sessions.set(
      environment.id,
      await EnvironmentSession.start(environment, image.mode, image.tag),
    );
  }
});

afterAll(async () => {
  await Promise.all([...sessions.values()].map((s) => s.stop()));
  await removeAllContainers();
});

describe.each(["glibc", "musl"])("a probe container on %s", (id) => {
  test("as the engine applied it: no network, capabilities, no-new-privileges, limits, init", async () => {
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const containers = await docker.listContainers({
      filters: { label: [`${LABEL_ENVIRONMENT}=${id}`] },
    });
    const mine = containers.filter((c) => c.Labels[LABEL_OWNER_PID] === String(process.pid));
    expect(mine).toHaveLength(1);
    const { HostConfig } = await docker.getContainer(mine[0]!.Id).inspect();
    expect(HostConfig.NetworkMode).toBe("none");
    expect(HostConfig.CapDrop).toEqual(["ALL"]);
    expect([...(HostConfig.CapAdd ?? [])].sort()).toEqual([...HARNESS_CAPABILITIES].sort());
    expect(HostConfig.SecurityOpt).toContain("no-new-privileges");
    expect(HostConfig.PidsLimit).toBe(PIDS_LIMIT);
    expect(HostConfig.Memory).toBe(MEMORY_LIMIT_MIB * 1024 * 1024);
    expect(HostConfig.MemorySwap).toBe(HostConfig.Memory);
    expect(HostConfig.NanoCpus).toBe(CPU_LIMIT * 1e9);
    expect(HostConfig.Init).toBe(true);
  });

  test("as a probe sees it: nobody, no capabilities, no new privileges, loopback only", async () => {
    const session = sessions.get(id)!;
    const [run] = await session.runBatch([
      {
        command:
          "id -u; grep -E '^(CapEff|CapPrm|NoNewPrivs):' /proc/self/status; " +
          "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '",
      },
    ]);
    expect(run!.exitCode, run!.stderr).toBe(0);
    const lines = run!.stdout.trim().split("\n");
    expect(lines[0]).toBe("65534");
    expect(lines).toContain("CapEff:\t0000000000000000");
    expect(lines).toContain("CapPrm:\t0000000000000000");
    expect(lines).toContain("NoNewPrivs:\t1");
    // Network interfaces: loopback, nothing else.
    expect(lines.slice(4)).toEqual(["lo"]);
  });
});
