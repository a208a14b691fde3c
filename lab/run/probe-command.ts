import { fileFromLines, renderFixtureConfig } from "../dns/fixture-config.js";
import { WORK_DIR } from "../runtime/session.js";
import { VALUE_PLACEHOLDER, type Case, type DnsFixture } from "../scenarios/schema.js";

/**
 * The shell command for one probe run, as a user would type it: `ulimit` first, variables set or
 * unset by the shell itself (so a missing loader still reads `sh: …: not found`), then the binary.
 */
export function probeCommand(
  binary: string,
  check: Extract<Case["check"], { kind: "run" | "search" }>,
  value: number | null,
): string {
  const parts: string[] = [];
  if (check.limits) parts.push(`ulimit -s ${check.limits.stackKib};`);
  const unset = Object.keys(check.env).filter((k) => check.env[k] === null);
  if (unset.length > 0) parts.push(`unset ${unset.join(" ")};`);
  for (const [name, v] of Object.entries(check.env)) {
    if (v !== null) parts.push(`${name}=${shellQuote(v)}`);
  }
  parts.push(binary);
  for (const arg of check.args) {
    parts.push(shellQuote(value === null ? arg : arg.replaceAll(VALUE_PLACEHOLDER, String(value))));
  }
  return parts.join(" ");
}

const DNS_DIR = `${WORK_DIR}/dns`;

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

/** Quotes an argument for `sh -c` (POSIX single quotes). */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./=:,+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
