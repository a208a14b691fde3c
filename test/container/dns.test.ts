import { beforeAll, describe, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { loadScenarios } from "../../lab/scenarios/index.js";
import { caseFinder, countRunContainers, runScenario } from "./helpers.js";

let result: RunResult;
const find = caseFinder(() => result, "dns");

beforeAll(async () => {
  result = await runScenario("dns");
});

describe("dns, run for real against the fixture server", () => {
  test("the big answer fails on musl 1.2.3 (no TCP in the log) and works elsewhere over TCP", () => {
    const old = find("big-answer", "musl-1.2.3");
    expect(result.environments.find((e) => e.id === "musl-1.2.3")?.libc.version).toBe("1.2.3");
    expect(old.outcome).toBe("expected-failure");
    expect(old.measurements["log.tcp"]).toBe("0");
    expect(old.queryLog?.some((l) => / udp A big\.lab\.example .*truncated/.test(l))).toBe(true);
    for (const environment of ["glibc", "musl"]) {
      const c = find("big-answer", environment);
      expect(c.outcome, environment).toBe("as-expected");
      expect(c.measurements["lookup.1.count"]).toBe("40");
      expect(
        c.queryLog?.some((l) => / tcp A big\.lab\.example /.test(l)),
        environment,
      ).toBe(true);
    }
  });

  test("caching: 10 lookups are 10 queries at the server on both libcs", () => {
    for (const environment of ["glibc", "musl"]) {
      const c = find("caching", environment);
      expect(c.measurements["ok"]).toBe("10");
      expect(c.measurements["log.queries"]).toBe("10");
    }
  });

  test("a dead first nameserver: both servers queried; glibc waits its timeout, musl does not", () => {
    for (const environment of ["glibc", "musl"]) {
      const c = find("dead-first-server", environment);
      expect(c.measurements["log.servers"]).toBe("127.0.0.1,127.0.0.2");
      expect(c.measurements["repeats"]).toBe("5");
      expect(c.outcome).toBe("as-expected");
    }
    const glibc = Number(find("dead-first-server", "glibc").measurements["total_ms.median"]);
    const musl = Number(find("dead-first-server", "musl").measurements["total_ms.median"]);
    expect(glibc).toBeGreaterThan(musl * 10);
  });

  test("resolv.conf names only loopback servers, and exactly those were asked", () => {
    // What the harness writes into /etc/resolv.conf is the scenario's data: loopback only (the
    // schema refuses anything else; the container has no other interface, see containment.test).
    const dns = loadScenarios().find((s) => s.id === "dns")!;
    const configured = new Set<string>();
    for (const c of dns.cases) {
      if (c.check.kind !== "run" || !c.check.dns) continue;
      for (const line of c.check.dns.resolvConf.filter((l) => l.startsWith("nameserver"))) {
        const address = line.split(/\s+/)[1]!;
        expect(address, `${c.id}: ${line}`).toMatch(/^127\./);
        configured.add(address);
      }
    }
    // Every query the resolvers sent reached the fixture at one of those addresses.
    const asked = new Set(
      result.scenarios[0]!.cases.flatMap((c) =>
        (c.measurements["log.servers"] ?? "none").split(",").filter((s) => s !== "none"),
      ),
    );
    expect([...asked].sort()).toEqual([...configured].sort());
  });

  test("every case as predicted, and no container left behind", async () => {
    const surprises = result.scenarios[0]!.cases.filter(
      (c) => !["as-expected", "expected-failure", "fix-verified"].includes(c.outcome),
    );
    expect(surprises.map((c) => `${c.id}@${c.environment}: ${c.explanation}`)).toEqual([]);
    expect(await countRunContainers()).toBe(0);
  });
});
