import type Dockerode from "dockerode";
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
import { OUTPUT_CAP_BYTES } from "../../lab/runtime/batch-program.js";
import {
  CPU_SHARES,
  HARNESS_CAPABILITIES,
  HARNESS_TMP_DIR,
  MEMORY_LIMIT_MIB,
  PIDS_LIMIT,
  PROBE_OUTPUT_DIR,
  PROBE_OUTPUT_SPACE_MIB,
  SCRATCH_DIRS,
  SCRATCH_MIB,
} from "../../lab/runtime/container-spec.js";
import { EnvironmentSession } from "../../lab/runtime/session.js";

/**
 * The containment every probe container gets, read back from the engine (what Docker really
 * applied, not what the code asked for) and from inside, as the probe user sees it.
 */
const sessions = new Map<string, EnvironmentSession>();

beforeAll(async () => {
  const environments = ["glibc", "musl"].map((id) => ENVIRONMENTS.get(id) as Environment);
  const prepared = await prepareImages(environments, "auto", () => undefined);
  for (const environment of environments) {
    const image = prepared.environments.get(environment.id)?.resolution;
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

/** This test process's container for environment `id`, as the engine knows it. */
async function containerOf(id: string) {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const containers = await docker.listContainers({
    filters: { label: [`${LABEL_ENVIRONMENT}=${id}`] },
  });
  const mine = containers.filter((c) => c.Labels[LABEL_OWNER_PID] === String(process.pid));
  expect(mine).toHaveLength(1);
  return docker.getContainer(mine[0]!.Id);
}

/** Bytes the container's writable layer (on the host's disk) holds now. */
async function writableLayerBytes(id: string): Promise<number> {
  // The engine's `size` query (docker inspect --size), which dockerode passes on but does not type.
  const options = { size: true } as Parameters<Dockerode.Container["inspect"]>[0];
  const info = (await (await containerOf(id)).inspect(options)) as { SizeRw?: number };
  expect(info.SizeRw).toBeTypeOf("number");
  return info.SizeRw!;
}

const MIB = 1024 * 1024;
/** What the harness itself may leave on the writable layer between two measurements. */
const LAYER_SLACK_BYTES = MIB;

describe.each(["glibc", "musl"])("a probe container on %s", (id) => {
  test("as the engine applied it: no network, capabilities, no-new-privileges, limits, init", async () => {
    const { HostConfig } = await (await containerOf(id)).inspect();
    expect(HostConfig.NetworkMode).toBe("none");
    expect(HostConfig.CapDrop).toEqual(["ALL"]);
    expect([...(HostConfig.CapAdd ?? [])].sort()).toEqual([...HARNESS_CAPABILITIES].sort());
    expect(HostConfig.SecurityOpt).toContain("no-new-privileges");
    expect(HostConfig.PidsLimit).toBe(PIDS_LIMIT);
    expect(HostConfig.Memory).toBe(MEMORY_LIMIT_MIB * 1024 * 1024);
    expect(HostConfig.MemorySwap).toBe(HostConfig.Memory);
    expect(HostConfig.CpuShares).toBe(CPU_SHARES);
    // No CPU quota: it would throttle the harness's own timer with a fork bomb (CPU_SHARES says why).
    expect(HostConfig.NanoCpus ?? 0).toBe(0);
    expect(HostConfig.CpuQuota ?? 0).toBe(0);
    expect(HostConfig.Init).toBe(true);
    for (const dir of SCRATCH_DIRS) {
      expect(HostConfig.Tmpfs?.[dir]).toMatch(new RegExp(`(^|,)size=${SCRATCH_MIB}m(,|$)`));
    }
    expect(HostConfig.ShmSize).toBe(SCRATCH_MIB * MIB);
  });

  test("as a probe sees it: nobody, no capabilities, no new privileges, nice 19, loopback only", async () => {
    const session = sessions.get(id)!;
    const [run] = await session.runBatch([
      {
        command:
          "id -u; grep -E '^(CapEff|CapPrm|NoNewPrivs):' /proc/self/status; " +
          "echo nice=$(cut -d' ' -f19 /proc/self/stat); " +
          "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '",
      },
    ]);
    expect(run!.exitCode, run!.stderr).toBe(0);
    const lines = run!.stdout.trim().split("\n");
    expect(lines[0]).toBe("65534");
    expect(lines).toContain("CapEff:\t0000000000000000");
    expect(lines).toContain("CapPrm:\t0000000000000000");
    expect(lines).toContain("NoNewPrivs:\t1");
    // It yields the CPU to the harness (see batch.sh).
    expect(lines).toContain("nice=19");
    // Network interfaces: loopback, nothing else.
    expect(lines.slice(5)).toEqual(["lo"]);
  });

  test("what must act on time during a fork bomb runs at nice -20: the time limit and the init", async () => {
    const session = sessions.get(id)!;
    // A probe's shell is started by the root waiter that the time limit's `timeout` kills; the
    // init (PID 1) reaps what the batch kills. The stat's comm may hold spaces: cut after ") ".
    const nice = (pid: string) => `sed 's/.*) //' /proc/${pid}/stat | cut -d' ' -f17`;
    const [run] = await session.runBatch([
      {
        command: `echo waiter=$(${nice("$PPID")}) waiter_uid=$(stat -c %u /proc/$PPID) init=$(${nice("1")})`,
      },
    ]);
    expect(run!.exitCode, run!.stderr).toBe(0);
    expect(run!.stdout).toBe("waiter=-20 waiter_uid=0 init=-20\n");
  });
});

describe.each(["glibc", "musl"])("what a probe does stays its outcome, on %s", (id) => {
  test("kill(-1, SIGKILL) kills only the probe's own processes; the next run goes on", async () => {
    const session = sessions.get(id)!;
    const runs = await session.runBatch([
      "sleep 30 & kill -9 -1; echo still here",
      "kill -9 -1",
      "echo next",
    ]);
    // Nothing of the harness's own in a run's stderr either (a job notice of its timer, once).
    expect(runs.map((r) => [r.exitCode, r.signal, r.stdout, r.stderr])).toEqual([
      [0, null, "still here\n", ""],
      [0, null, "", ""],
      [0, null, "next\n", ""],
    ]);
    const [after] = await session.runBatch(["echo and the next batch"]);
    expect(after!.stdout).toBe("and the next batch\n");
  });

  test("a probe has only stdin, stdout and stderr open: no descriptor of the harness", async () => {
    const session = sessions.get(id)!;
    // `; true` keeps the shell from exec-ing ls, so $$ is the probe's shell, not ls.
    const list = "ls /proc/$$/fd; true";
    const runs = await session.runBatch([
      list,
      { command: list, schedule: "side-by-side" },
      { command: list, schedule: "side-by-side" },
    ]);
    for (const run of runs) expect(run.stdout.split("\n").filter(Boolean)).toEqual(["0", "1", "2"]);
  });

  test("the harness's files are out of a probe's reach", async () => {
    const session = sessions.get(id)!;
    const [run] = await session.runBatch([
      "for d in /lab /lab/*; do [ -w $d ] && echo writable: $d; done; " +
        `ls ${HARNESS_TMP_DIR} ${PROBE_OUTPUT_DIR} >/dev/null 2>&1 && echo listed; ` +
        "echo x 2>/dev/null >/proc/self/fd/1 && echo wrote its output file again; " +
        "rm -rf /lab/* 2>/dev/null; true",
    ]);
    expect(run!.stdout).toBe("");
    const [next] = await session.runBatch(["echo fine"]);
    expect(next!.stdout).toBe("fine\n");
  });

  test("writable places are size-limited tmpfs mounts only, and HOME is one of them", async () => {
    const session = sessions.get(id)!;
    const [layer] = await session.runBatch([
      { command: "find / -xdev \\( -perm -0002 -o -user 65534 \\) ! -type l", user: "harness" },
    ]);
    // find reports a mount point with its own mount's mode, and goes no further (-xdev).
    expect(layer!.stdout.split("\n").filter(Boolean).sort()).toEqual([...SCRATCH_DIRS].sort());
    const [mounts] = await session.runBatch([
      `grep -E ' (${SCRATCH_DIRS.join("|")}|/dev/shm) ' /proc/mounts; echo HOME=$HOME; ` +
        "mkdir -p ~/.cache && echo cache ok",
    ]);
    for (const dir of [...SCRATCH_DIRS, "/dev/shm"]) {
      expect(mounts!.stdout).toMatch(
        new RegExp(`^\\S+ ${dir} tmpfs rw,nosuid,nodev,[^ ]*size=${SCRATCH_MIB * 1024}k`, "m"),
      );
    }
    expect(mounts!.stdout).toMatch(/^HOME=\/tmp\ncache ok$/m);
  });

  test("filling /tmp is the probe's ENOSPC, the host's disk does not grow, the next run has room", async () => {
    const session = sessions.get(id)!;
    const before = await writableLayerBytes(id);
    const fill = `dd if=/dev/zero of=/tmp/fill bs=1048576 count=${SCRATCH_MIB * 2}`;
    const runs = await session.runBatch([
      `${fill}; echo status=$?; ls -l /tmp/fill`,
      "ls -A /tmp /var/tmp /dev/shm; dd if=/dev/zero of=/tmp/again bs=1048576 count=8 2>/dev/null && echo room",
    ]);
    expect(runs[0]!.stderr).toMatch(/No space left on device/);
    expect(runs[0]!.stdout).toMatch(/^status=1$/m);
    expect(runs[1]!.stdout).toMatch(/^room$/m);
    expect(runs[1]!.stdout).not.toMatch(/fill/);
    expect((await writableLayerBytes(id)) - before).toBeLessThan(LAYER_SLACK_BYTES);
  });

  test("what a check leaves in its scratch space, however locked, is gone for the next", async () => {
    const session = sessions.get(id)!;
    const folders = [...SCRATCH_DIRS, "/dev/shm"].join(" ");
    const leave =
      `for d in ${folders}; do mkdir -p $d/locked/deep && echo x >$d/locked/deep/f && ` +
      "echo y >$d/.hidden && echo z >$d/-n && ln -s /lab $d/link && " +
      "chmod 000 $d/locked/deep $d/locked || exit 1; done; : >/dev/mqueue/left && echo left";
    const list = `ls -A ${folders} /dev/mqueue; ls /lab`;
    const runs = await session.runBatch([
      leave,
      list,
      { command: leave, schedule: "side-by-side" },
      { command: "true", schedule: "side-by-side" },
      list,
    ]);
    for (const left of [runs[0]!, runs[2]!]) expect(left.stdout, left.stderr).toBe("left\n");
    for (const listing of [runs[1]!, runs[4]!]) {
      const names = listing.stdout.split("\n").filter((l) => l && !l.endsWith(":"));
      // What the symbolic link pointed at is untouched: only /lab's own folders are listed.
      expect(names.sort()).toEqual(["bin", "out", "output", "src", "tmp"]);
    }
  });

  test("an endless printer is cut off at its output space; the disk does not grow", async () => {
    const session = sessions.get(id)!;
    const before = await writableLayerBytes(id);
    const runs = await session.runBatch([
      { command: "yes 0123456789abcdef; echo stopped >&2", timeoutMs: 5_000 },
      "echo next",
    ]);
    expect(runs[0]!.stdout.length).toBe(OUTPUT_CAP_BYTES);
    expect(runs[0]!.truncated?.stdout).toBeLessThanOrEqual(PROBE_OUTPUT_SPACE_MIB * MIB);
    expect(runs[1]!.stdout).toBe("next\n");
    expect((await writableLayerBytes(id)) - before).toBeLessThan(LAYER_SLACK_BYTES);
  });
});
