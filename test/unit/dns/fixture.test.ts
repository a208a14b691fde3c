import { describe, expect, test } from "vitest";
import {
  dnsFixtureScripts,
  fileFromLines,
  renderFixtureConfig,
} from "../../../lab/dns/dns-fixture.js";
import { condenseQueryLog, parseQueryLog, queryLogFacts } from "../../../lab/dns/query-log.js";
import { repeatFacts } from "../../../lab/run/observations.js";

import type { ProbeRun } from "../../../lab/runtime/session.js";
import { dns } from "../../../lab/scenarios/dns/index.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import { DnsFixtureSchema } from "../../../lab/scenarios/schema.js";

const FIXTURE = DnsFixtureSchema.parse({
  resolvConf: ["nameserver 127.0.0.1", "nameserver 127.0.0.2", "options timeout:1 attempts:1"],
  listen: ["127.0.0.1", "127.0.0.2"],
  records: [{ name: "db.lab.example", type: "A", address: "192.0.2.10" }],
  many: [{ name: "big.lab.example", count: 40 }],
  rules: [
    { server: "127.0.0.1", name: "*", action: "drop" },
    { server: "*", name: "slow.lab.example", action: "delay", delayMs: 50 },
  ],
});

describe("the fixture's data file", () => {
  test("one directive a line, in the format c-src/dns-fixture.c reads", () => {
    expect(renderFixtureConfig(FIXTURE, "/lab/dns/fixture.pid").split("\n")).toEqual([
      "# written by musl-lab for one case; see c-src/dns-fixture.c",
      "listen 127.0.0.1",
      "listen 127.0.0.2",
      "port 53",
      "pidfile /lab/dns/fixture.pid",
      "record db.lab.example A 192.0.2.10",
      "many big.lab.example 40 tc-empty",
      "rule 127.0.0.1 * drop",
      "rule * slow.lab.example delay 50",
      "",
    ]);
  });

  test("defaults: the fixture listens on 127.0.0.1 and hosts knows localhost", () => {
    const minimal = DnsFixtureSchema.parse({ resolvConf: ["nameserver 127.0.0.1"] });
    expect(minimal.listen).toEqual(["127.0.0.1"]);
    expect(fileFromLines(minimal.hosts)).toBe("127.0.0.1 localhost\n");
  });

  test.each([
    ["nameserver 10.0.0.2", /nameserver 10\.0\.0\.2 is not a loopback address/],
    ["nameserver 8.8.8.8", /not a loopback address/],
    ["nameserver 192.168.1.1", /not a loopback address/],
  ])("a resolv.conf naming %s is refused: no query may leave the container", (line, message) => {
    const parsed = DnsFixtureSchema.safeParse({ resolvConf: [line] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(message);
  });

  test("a fixture may not listen beyond loopback, and names must be DNS names", () => {
    expect(
      DnsFixtureSchema.safeParse({ resolvConf: ["nameserver 127.0.0.1"], listen: ["0.0.0.0"] })
        .success,
    ).toBe(false);
    const badName = {
      resolvConf: ["nameserver 127.0.0.1"],
      records: [{ name: "db lab; rm -rf /", type: "A", address: "192.0.2.1" }],
    };
    expect(DnsFixtureSchema.safeParse(badName).success).toBe(false);
  });

  test("delayMs goes with delay only", () => {
    const parsed = DnsFixtureSchema.safeParse({
      resolvConf: ["nameserver 127.0.0.1"],
      rules: [{ server: "*", name: "*", action: "drop", delayMs: 5 }],
    });
    expect(parsed.error?.issues[0]?.message).toMatch(/delayMs goes with the delay action/);
  });

  test("the scenario's own data passes these checks", () => {
    expect(loadScenarios([dns])[0]?.cases.length).toBeGreaterThanOrEqual(9);
  });

  test("set-up writes the case's own resolv.conf and hosts, quoted, then starts the fixture", () => {
    const { before, after } = dnsFixtureScripts(FIXTURE, "/lab/bin/dns-fixture-musl-dynamic");
    expect(before).toContain(
      "printf '%s' 'nameserver 127.0.0.1\nnameserver 127.0.0.2\noptions timeout:1 attempts:1\n' >/etc/resolv.conf",
    );
    expect(before).toMatch(/^set -e$/m);
    expect(before.trim().split("\n").at(-1)).toBe(
      "/lab/bin/dns-fixture-musl-dynamic /lab/dns/fixture.conf /lab/dns/query.log",
    );
    expect(after).toContain("cat /lab/dns/query.log");
  });
});

const LOG = [
  '{"t_ms":10.5,"server":"127.0.0.1","transport":"udp","client":"127.0.0.1","src_port":40211,"id":1,"qname":"db.lab.example","qtype":"A","action":"drop"}',
  '{"t_ms":10.6,"server":"127.0.0.2","transport":"udp","client":"127.0.0.1","src_port":40211,"id":1,"qname":"db.lab.example","qtype":"A","action":"answer","answers":1}',
  '{"t_ms":10.7,"server":"127.0.0.2","transport":"udp","client":"127.0.0.1","src_port":40211,"id":2,"qname":"db.lab.example","qtype":"AAAA","action":"nodata","answers":0}',
  '{"t_ms":12.0,"server":"127.0.0.2","transport":"tcp","client":"127.0.0.1","src_port":50000,"id":3,"qname":"big.lab.example","qtype":"A","action":"answer","answers":40,"delay_ms":50}',
  "not json at all",
  '{"t_ms":"soon","server":"x"}',
  "",
].join("\n");

describe("the query log", () => {
  test("valid lines become entries; anything else is kept as invalid, never dropped", () => {
    const log = parseQueryLog(LOG);
    expect(log.entries).toHaveLength(4);
    expect(log.invalid).toEqual(["not json at all", '{"t_ms":"soon","server":"x"}']);
  });

  test("condensed, one line a query, times relative to the first", () => {
    expect(condenseQueryLog(parseQueryLog(LOG))).toEqual([
      "+0.0 ms udp A db.lab.example @127.0.0.1 :40211 → drop",
      "+0.1 ms udp A db.lab.example @127.0.0.2 :40211 → answer (1)",
      "+0.2 ms udp AAAA db.lab.example @127.0.0.2 :40211 → nodata",
      "+1.5 ms tcp A big.lab.example @127.0.0.2 :50000 → answer (40) after 50 ms",
      "(not a log entry) not json at all",
      '(not a log entry) {"t_ms":"soon","server":"x"}',
    ]);
  });

  test("facts: counts per transport, servers and questions in first-asked order, one socket", () => {
    expect(queryLogFacts(parseQueryLog(LOG))).toEqual({
      "log.queries": "4",
      "log.udp": "3",
      "log.tcp": "1",
      "log.transports": "udp,tcp",
      "log.servers": "127.0.0.1,127.0.0.2",
      "log.questions": "A db.lab.example,AAAA db.lab.example,A big.lab.example",
      "log.invalid": "2",
      "log.a_aaaa_same_port": "yes",
      "log.first_qtype": "A",
      "log.a_aaaa_gap_ms": "0.2",
    });
  });

  test("an empty log (the answer came from /etc/hosts) says so", () => {
    expect(queryLogFacts(parseQueryLog(""))).toMatchObject({
      "log.queries": "0",
      "log.servers": "none",
      "log.transports": "none",
    });
  });
});

describe("repeated runs", () => {
  const run = (stdout: string, exitCode = 0): ProbeRun => ({
    command: "p",
    exitCode,
    signal: null,
    stdout,
    stderr: "",
    durationMs: 1,
    timedOut: false,
  });

  test("numeric facts get min, median and max; text facts do not", () => {
    const facts = repeatFacts([
      run("total_ms=55.1\nname=db\n"),
      run("total_ms=61.0\nname=db\n"),
      run("total_ms=1003.2\nname=db\n"),
      run("total_ms=57.4\nname=db\n"),
      run("total_ms=58.0\nname=db\n"),
    ]);
    expect(facts).toMatchObject({
      repeats: "5",
      "repeats.consistent": "true",
      "total_ms.min": "55.1",
      "total_ms.median": "58",
      "total_ms.max": "1003.2",
    });
    expect(facts["name.median"]).toBeUndefined();
  });

  test("runs that ended differently are flagged", () => {
    expect(repeatFacts([run("a=1"), run("a=2", 1)])["repeats.consistent"]).toBe("false");
  });
});
