import type { Sidecar } from "../run/sidecar.js";
import { shellQuote } from "../run/probe-command.js";
import { WORK_DIR } from "../runtime/session.js";
import type { DnsFixture } from "../scenarios/schema.js";
import { condenseQueryLog, parseQueryLog, queryLogFacts } from "./query-log.js";

const DNS_DIR = `${WORK_DIR}/dns`;

/**
 * The DNS fixture server (c-src/dns-fixture.c) beside a case with a `dns` check: the case's own
 * name servers on loopback, and a log of every query that reached them.
 */
export const DNS_FIXTURE: Sidecar = {
  name: "DNS fixture",
  probe: "dns-fixture.c",
  around: (check) =>
    check.kind === "run" && check.dns
      ? (binary) => dnsFixtureScripts(check.dns as DnsFixture, binary)
      : null,
  evidence: (after) => {
    const log = parseQueryLog(after);
    return { facts: queryLogFacts(log), log: condenseQueryLog(log) };
  },
};

/**
 * Set-up and tear-down around one DNS run. Set-up writes the case's own resolv.conf and hosts
 * (never trusting the copy Docker made of the host's), the fixture's data, and starts the fixture,
 * which daemonizes only once it listens. Tear-down stops it, waits until its pidfile is gone (so
 * the next run can bind port 53 again) and prints the query log.
 */
export function dnsFixtureScripts(
  fixture: DnsFixture,
  fixtureBinary: string,
): { before: string; after: string } {
  const pidfile = `${DNS_DIR}/fixture.pid`;
  const before = [
    "set -e",
    `mkdir -p ${DNS_DIR}`,
    `rm -f ${DNS_DIR}/query.log`,
    `printf '%s' ${shellQuote(fileFromLines(fixture.resolvConf))} >/etc/resolv.conf`,
    `printf '%s' ${shellQuote(fileFromLines(fixture.hosts))} >/etc/hosts`,
    `printf '%s' ${shellQuote(renderFixtureConfig(fixture, pidfile))} >${DNS_DIR}/fixture.conf`,
    `${fixtureBinary} ${DNS_DIR}/fixture.conf ${DNS_DIR}/query.log`,
  ].join("\n");
  // Builtins only until the log is printed: the fixture exits within a millisecond of SIGTERM,
  // and a `sleep` per poll would cost more than the wait itself.
  const after = [
    `if read -r pid <${pidfile} 2>/dev/null; then kill "$pid" 2>/dev/null; fi`,
    "n=0",
    `while [ -e ${pidfile} ] && [ "$n" -lt 1000000 ]; do n=$((n + 1)); done`,
    `cat ${DNS_DIR}/query.log 2>/dev/null`,
    "true",
  ].join("\n");
  return { before, after };
}

/**
 * The fixture's config file (format documented in c-src/dns-fixture.c) for one case. Only data
 * that passed DnsFixtureSchema gets here, so names, addresses and actions are already checked.
 */
export function renderFixtureConfig(fixture: DnsFixture, pidfile: string): string {
  const lines = [
    "# written by musl-lab for one case; see c-src/dns-fixture.c",
    ...fixture.listen.map((address) => `listen ${address}`),
    "port 53",
    `pidfile ${pidfile}`,
    ...fixture.records.map((r) => `record ${r.name} ${r.type} ${r.address}`),
    ...fixture.many.map((m) => `many ${m.name} ${m.count} ${m.truncation}`),
    ...fixture.rules.map(
      (r) => `rule ${r.server} ${r.name} ${r.action === "delay" ? `delay ${r.delayMs}` : r.action}`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

/** A file's content from its lines, ending with a newline as editors and libcs expect. */
export function fileFromLines(lines: string[]): string {
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
