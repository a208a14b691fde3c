import { z } from "zod";

/** One line of the fixture's query log (c-src/dns-fixture.c), checked before it is believed. */
export const QueryLogEntrySchema = z.object({
  t_ms: z.number(),
  server: z.string(),
  transport: z.enum(["udp", "tcp"]),
  client: z.string().optional(),
  src_port: z.number().int().optional(),
  id: z.number().int().nullable(),
  qname: z.string(),
  qtype: z.string(),
  action: z.string(),
  delay_ms: z.number().optional(),
  answers: z.number().int().optional(),
  error: z.string().optional(),
});
export type QueryLogEntry = z.infer<typeof QueryLogEntrySchema>;

export interface QueryLog {
  entries: QueryLogEntry[];
  /** Lines that were not a valid entry: a broken fixture is evidence too, never silently dropped. */
  invalid: string[];
}

export function parseQueryLog(text: string): QueryLog {
  const entries: QueryLogEntry[] = [];
  const invalid: string[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      invalid.push(line);
      continue;
    }
    const parsed = QueryLogEntrySchema.safeParse(json);
    if (parsed.success) entries.push(parsed.data);
    else invalid.push(line);
  }
  return { entries, invalid };
}

/**
 * One short line per query, as the report shows it:
 * `+0.4 ms udp A db.lab.example @127.0.0.2 :40211 → answer (1)`.
 */
export function condenseQueryLog(log: QueryLog): string[] {
  const start = log.entries[0]?.t_ms ?? 0;
  const lines = log.entries.map((e) => {
    const at = `+${(e.t_ms - start).toFixed(1)} ms`;
    const port = e.src_port === undefined ? "" : ` :${e.src_port}`;
    const outcome =
      e.action === "answer" && e.answers !== undefined ? `answer (${e.answers})` : e.action;
    const delay = e.delay_ms ? ` after ${e.delay_ms} ms` : "";
    const error = e.error ? ` (${e.error})` : "";
    return `${at} ${e.transport} ${e.qtype} ${e.qname || "-"} @${e.server}${port} → ${outcome}${error}${delay}`;
  });
  return [...lines, ...log.invalid.map((line) => `(not a log entry) ${line.slice(0, 120)}`)];
}

/**
 * Facts about what reached the server, as measurements a scenario can state expectations on:
 * counts per transport, the servers and names in the order first asked, and whether an A and
 * AAAA pair shared one source port (one socket) and how far apart they were sent.
 */
export function queryLogFacts(log: QueryLog): Record<string, string> {
  const { entries } = log;
  const distinct = (values: string[]) => [...new Set(values)];
  const count = (predicate: (e: QueryLogEntry) => boolean) =>
    String(entries.filter(predicate).length);
  const facts: Record<string, string> = {
    "log.queries": String(entries.length),
    "log.udp": count((e) => e.transport === "udp"),
    "log.tcp": count((e) => e.transport === "tcp"),
    "log.transports": distinct(entries.map((e) => e.transport)).join(",") || "none",
    "log.servers": distinct(entries.map((e) => e.server)).join(",") || "none",
    "log.questions": distinct(entries.map((e) => `${e.qtype} ${e.qname}`)).join(",") || "none",
    "log.invalid": String(log.invalid.length),
  };
  const a = entries.find((e) => e.qtype === "A" && e.transport === "udp");
  const aaaa = entries.find((e) => e.qtype === "AAAA" && e.transport === "udp");
  if (a && aaaa && a.src_port !== undefined && aaaa.src_port !== undefined) {
    facts["log.a_aaaa_same_port"] = a.src_port === aaaa.src_port ? "yes" : "no";
    facts["log.first_qtype"] = a.t_ms <= aaaa.t_ms ? "A" : "AAAA";
    // Sent together or one after the other? With the server delaying its answers, a gap well
    // under the delay means the second query left before the first answer came back.
    facts["log.a_aaaa_gap_ms"] = String(Math.round(Math.abs(aaaa.t_ms - a.t_ms) * 10) / 10);
  }
  return facts;
}
