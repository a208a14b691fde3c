import { cpus } from "node:os";
import { beforeAll, describe, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { caseFinder, countRunContainers, runScenario } from "./helpers.js";

let result: RunResult;
const find = caseFinder(() => result, "sysconf");

beforeAll(async () => {
  result = await runScenario("sysconf");
});

const number = (value: string | undefined) => Number(value);

describe("sysconf, run for real on glibc and musl (musl 1.2.3 and glibc 2.36 join two cases)", () => {
  test("the versions that joined are the ones the expectations name", () => {
    const version = (id: string) => result.environments.find((e) => e.id === id)?.libc.version;
    expect([version("musl-1.2.3"), version("glibc-2.36")]).toEqual(["1.2.3", "2.36"]);
  });

  test("pinned to one CPU, glibc still counts the machine and musl says 1", () => {
    // The lab's containers have no cpuset of their own: the mask is at most the host's CPUs (a
    // CI runner's cgroup may narrow it), while /sys/devices/system/cpu/online lists them all.
    const machine = cpus().length;
    for (const environment of ["glibc", "glibc-2.36"]) {
      const m = find("nprocs-pinned", environment).measurements;
      expect(number(m["before.affinity"]), environment).toBeLessThanOrEqual(machine);
      expect(m["pinned.affinity"], environment).toBe("1");
      expect(number(m["pinned.onln"]), environment).toBe(machine);
      expect(number(m["pinned.get_nprocs"]), environment).toBe(machine);
      expect(number(m["pinned.conf"]), environment).toBeGreaterThanOrEqual(machine);
    }
    for (const environment of ["musl", "musl-1.2.3"]) {
      const m = find("nprocs-pinned", environment).measurements;
      expect(m["before.onln"], environment).toBe(m["before.affinity"]);
      for (const key of ["affinity", "onln", "conf", "get_nprocs", "get_nprocs_conf"]) {
        expect(m[`pinned.${key}`], `${environment} pinned.${key}`).toBe("1");
      }
    }
  });

  test("gethostname(buf, 4): -1 ENAMETOOLONG and no NUL on glibc, 0 and 3 characters on musl", () => {
    for (const environment of ["glibc", "glibc-2.36"]) {
      const m = find("hostname-short", environment).measurements;
      expect([m["short.rc"], m["short.errno"], m["short.terminated"]], environment).toEqual([
        "-1",
        "ENAMETOOLONG",
        "no",
      ]);
    }
    for (const environment of ["musl", "musl-1.2.3"]) {
      const m = find("hostname-short", environment).measurements;
      expect([m["short.rc"], m["short.terminated"]], environment).toEqual(["0", "yes"]);
      expect(m["short.bytes"], environment).toMatch(/^[0-9a-f]{3}\\0$/);
    }
  });

  test("_SC_ARG_MAX follows RLIMIT_STACK on glibc only", () => {
    const glibc = find("arg-max", "glibc").measurements;
    const musl = find("arg-max", "musl").measurements;
    expect([glibc["arg_max_8m"], glibc["arg_max_64m"]]).toEqual(["2097152", "6291456"]);
    expect([musl["arg_max_8m"], musl["arg_max_64m"]]).toEqual(["131072", "131072"]);
  });

  test("the fix: a pool sized from sched_getaffinity starts one thread on both", () => {
    for (const environment of ["glibc", "musl"]) {
      const c = find("pool-from-affinity", environment);
      expect(c.outcome, environment).toBe("fix-verified");
      expect(c.measurements["pool.threads"], environment).toBe("1");
    }
  });

  test("every case as predicted, and no container left behind", async () => {
    const surprises = result.scenarios[0]!.cases.filter(
      (c) => !["as-expected", "fix-verified"].includes(c.outcome),
    );
    expect(surprises.map((c) => `${c.id}@${c.environment}: ${c.explanation}`)).toEqual([]);
    expect(result.exitStatus).toBe(0);
    expect(await countRunContainers()).toBe(0);
  });
});
