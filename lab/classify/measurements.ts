/**
 * Probes report facts as `key=value` lines on stdout. Keys are lower-case words with `_` and `.`;
 * other lines are ordinary output. A key printed twice keeps its last value: probes that report a
 * series number their keys (`lookup.3.ms`).
 */
const FACT_LINE = /^([a-z_][a-z0-9_.]*)=(.*)$/;

export function parseMeasurements(stdout: string): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const match = FACT_LINE.exec(line.trimEnd());
    if (match?.[1] !== undefined && match[2] !== undefined) facts[match[1]] = match[2];
  }
  return facts;
}
