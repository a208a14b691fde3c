import type { DnsFixture } from "../scenarios/schema.js";

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
