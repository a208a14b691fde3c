import { describe, expect, test } from "vitest";
import { runLab } from "../../lab/run-lab.js";
import { loadScenarios } from "../../lab/scenarios/index.js";

/**
 * The instrument itself: c-src/dns-malformed.c throws short packets, bad label lengths,
 * compression loops, oversized names and abusive TCP connections at the fixture, then asks a
 * normal question over UDP and TCP. The fixture must survive, log the garbage and keep answering.
 */
const ROBUSTNESS = {
  id: "dns-fixture-robustness",
  title: "The DNS fixture survives malformed queries",
  summary: "malformed queries against the fixture",
  description: "A guard for the instrument, not a libc difference.",
  sources: { "rfc-1035": { title: "RFC 1035 4.1" }, "rfc-7766": { title: "RFC 7766" } },
  exclusiveRuns: true,
  cases: [
    {
      id: "malformed-then-valid",
      title: "Malformed UDP and TCP messages, then a valid query",
      role: "baseline",
      build: { probe: "dns-malformed.c", for: "native", link: "dynamic" },
      check: {
        kind: "run",
        on: "every",
        args: ["127.0.0.1", "53", "db.lab.example"],
        timeoutMs: 20_000,
        dns: {
          resolvConf: ["nameserver 127.0.0.1"],
          records: [{ name: "db.lab.example", type: "A", address: "192.0.2.10" }],
        },
      },
      expect: [
        {
          result: "success",
          measurements: { udp_answer: "ok", tcp_answer: "ok", "log.invalid": "0" },
          because: "The fixture logs and drops what it cannot parse and goes on answering.",
        },
      ],
    },
  ],
};

describe("the DNS fixture under attack", () => {
  test("survives malformed queries on glibc and musl, logs them, and still answers", async () => {
    const result = await runLab({
      scenarios: loadScenarios([ROBUSTNESS]),
      environmentIds: ["glibc", "musl"],
      images: "auto",
      log: () => undefined,
    });
    const cases = result.scenarios[0]!.cases;
    expect(cases.map((c) => c.environment)).toEqual(["glibc", "musl"]);
    for (const c of cases) {
      expect(c.outcome, `${c.environment}: ${c.explanation}`).toBe("as-expected");
      const attacks = Number(c.measurements["attacks_sent"]);
      expect(attacks).toBeGreaterThan(5);
      // every attack is in the log, as malformed or as a question it could still read
      expect(c.queryLog?.some((l) => l.includes("→ malformed"))).toBe(true);
      for (const transport of ["udp", "tcp"]) {
        const answered = new RegExp(
          `^\\S+ ms ${transport} A db\\.lab\\.example @127\\.0\\.0\\.1 .*→ answer \\(1\\)$`,
        );
        expect(
          c.queryLog?.some((l) => answered.test(l)),
          transport,
        ).toBe(true);
      }
    }
  });
});
