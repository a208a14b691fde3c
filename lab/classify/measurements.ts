/**
 * Probes report facts as `key=value` lines on stdout. Keys are lower-case words with `_` and `.`;
 * other lines are ordinary output. A key printed twice keeps its last value: probes that report a
 * series number their keys (`lookup.3.ms`). FACT_KEY is the one spelling of a key, for the
 * scenario schema's references to facts as much as for this parser.
 */
export const FACT_KEY = /^[a-z_][a-z0-9_.]*$/;
const FACT_LINE = new RegExp(`^(${FACT_KEY.source.slice(1, -1)})=(.*)$`);

export function parseMeasurements(stdout: string): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const match = FACT_LINE.exec(line.trimEnd());
    if (match?.[1] !== undefined && match[2] !== undefined) facts[match[1]] = match[2];
  }
  return facts;
}
