import type { HostConfig } from "dockerode";
import { GenericContainer } from "testcontainers";
import { containerLabels } from "./container-registry.js";

/**
 * What a probe container is and may do: a security policy. Probes run as nobody and are meant to
 * crash, hang, fork and fill disks; the harness keeps only what it needs. The data is here, with
 * why each value is what it is; containerFromSpec() is the one place that applies it, and
 * test/container/containment.test.ts reads it back from the engine and from inside.
 */

/** busybox `sleep` has no `infinity`; the container is removed long before this runs out. */
const KEEP_ALIVE_SECONDS = 86_400;
export const WORK_DIR = "/lab";
/** Root's own folder (mode 0700): the batches' files and the temporary files of compiles. */
export const HARNESS_TMP_DIR = `${WORK_DIR}/tmp`;
/**
 * Where probes' stdout and stderr files go: a tmpfs of its own (root's, mode 0700), so a probe
 * printing without end meets ENOSPC here instead of filling the host's disk (seen: 5 GB in 5 s).
 * Its size bounds what a probe's output can tell about its length: 16 MiB holds a probe that
 * prints 8 MiB, with room for stderr and a search's tries side by side.
 */
export const PROBE_OUTPUT_DIR = `${WORK_DIR}/output`;
export const PROBE_OUTPUT_SPACE_MIB = 16;
/**
 * Every folder of the images that a probe (nobody) may write to, each a tmpfs of its own, since
 * on the container's writable layer a probe could fill the host's disk (1.2 GB in 2.5 s). They,
 * /dev/shm and /dev/mqueue are emptied after every probe run. 64 MiB each is what Docker gives
 * /dev/shm by default, more than any probe here needs; tmpfs pages count against the memory
 * limit, so even all of them full leave a probe most of its memory.
 */
export const SCRATCH_DIRS = ["/tmp", "/var/tmp", "/run/lock"];
export const SCRATCH_MIB = 64;
/** Inodes cost memory outside a tmpfs's size, and each file left is one more for the scrub. */
const SCRATCH_INODES = 16_384;
/** Emptied after every probe run, as SCRATCH_DIRS: POSIX shared memory and message queues. */
export const IPC_DIRS = ["/dev/shm", "/dev/mqueue"];
/** The unprivileged user probes run as. */
export const PROBE_UID = 65534;

/**
 * What the harness itself needs inside a probe container, and why; everything else is dropped:
 * - SETUID, SETGID: to start each probe as `nobody` (setpriv / su);
 * - KILL: root (`timeout`, the batch shell) must be able to stop and kill processes of another user;
 * - NET_BIND_SERVICE: the DNS fixture listens on port 53, the only port resolv.conf can name;
 * - SYS_NICE: the time limit's `timeout` and the init run at nice -20, above every probe's 19
 *   (lab/runtime/batch.sh says why). Nice 19 alone does not keep a fork bomb's 500 runnable
 *   processes (weight 15 each) from outweighing a process at nice 0 (1024) seven to one.
 *   A probe, started through setuid to nobody, keeps none of these capabilities.
 * Writing the case's /etc/resolv.conf needs no capability: root owns the file.
 */
export const HARNESS_CAPABILITIES = ["SETUID", "SETGID", "KILL", "NET_BIND_SERVICE", "SYS_NICE"];
/** A fork bomb stops here (threads count too: the DNS probe starts 50). */
export const PIDS_LIMIT = 512;
/** Enough for parallel compiles and 64 MiB stack arrays; a memory hog meets the OOM killer. */
export const MEMORY_LIMIT_MIB = 1024;
/**
 * A probe container's CPU weight (cgroup cpu.shares), that of any default container: on a busy
 * host it weighs what one busy process does, so the harness and the engine get their turn. A
 * weight, not a quota (`--cpus`): under a quota the kernel throttles the whole container once a
 * fork bomb has burnt the period's CPU time, the harness's own `timeout` inside it included.
 * Measured on a 6.18 kernel with `--cpus 1.5`: a 10 s time limit's timer woke, then got 25 µs of
 * CPU a second (a sliver per 100 ms period), so the kill came after more than 30 s and the batch
 * missed its deadline in 3 of 5 fork-bomb exercises. Without the quota the same exercise ended in
 * 3-6 s, 6 of 6, and 6 of 6 beside two busy loops on the host. See the kernel's sched-bwc
 * documentation (CFS bandwidth control).
 */
export const CPU_SHARES = 1024;

/** A probe container of `imageTag` for environment `environmentId`, as this policy says; not started. */
export function containerFromSpec(imageTag: string, environmentId: string): GenericContainer {
  // exec: as on the image's own /tmp, a probe may run what it wrote there.
  const scratch = `rw,nosuid,nodev,exec,size=${SCRATCH_MIB}m,nr_inodes=${SCRATCH_INODES},mode=1777`;
  return (
    new ContainedContainer(imageTag)
      .withCommand(["sleep", String(KEEP_ALIVE_SECONDS)])
      .withNetworkMode("none")
      .withLabels(containerLabels(environmentId))
      // Probes run as nobody and are meant to crash; the harness keeps only what it needs.
      .withDroppedCapabilities("ALL")
      .withAddedCapabilities(...HARNESS_CAPABILITIES)
      .withSecurityOpt("no-new-privileges")
      .withResourcesQuota({ memory: MEMORY_LIMIT_MIB / 1024 })
      .withHostConfig((set) => ({
        PidsLimit: PIDS_LIMIT,
        // docker-init (tini, shipped with docker.io) as PID 1 reaps what killed probes leave: with
        // `sleep` as PID 1, a fork bomb's zombies would hold the pids limit forever.
        Init: true,
        // No swap: a memory hog must meet the limit, not crawl through swap until its timeout.
        MemorySwap: set.Memory,
        CpuShares: CPU_SHARES,
        Tmpfs: {
          ...Object.fromEntries(SCRATCH_DIRS.map((dir) => [dir, scratch])),
          [PROBE_OUTPUT_DIR]: `rw,nosuid,nodev,noexec,size=${PROBE_OUTPUT_SPACE_MIB}m,mode=0700`,
        },
        ShmSize: SCRATCH_MIB * 1024 * 1024,
      }))
  );
}

/** testcontainers has no setters for the HostConfig fields above. */
class ContainedContainer extends GenericContainer {
  /** Sets fields over what the setters have set so far (which `fields` is shown). */
  withHostConfig(fields: (set: Readonly<HostConfig>) => Partial<HostConfig>): this {
    Object.assign(this.hostConfig, fields(this.hostConfig));
    return this;
  }
}
