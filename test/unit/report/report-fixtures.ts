import { OUTCOMES } from "../../../lab/classify/outcomes.js";
import { concludeRun } from "../../../lab/compare/exit-status.js";
import type { CaseResult, RunResult, SummaryCounts } from "../../../lab/run-result.js";
import { report as dnsReport } from "../../../lab/scenarios/dns/report.js";
import { SAMPLE_RESULT } from "../../fixtures/run-result.js";

/** A DNS timing case as a repeated run reports it: `total_ms` with its min/median/max. */
function timingCase(environment: string, min: number, median: number, max: number): CaseResult {
  return {
    scenario: "dns",
    id: "concurrency",
    caseId: "concurrency",
    value: null,
    title: "50 concurrent lookups, server delays every answer 50 ms",
    role: "demonstration",
    environment,
    builtIn: "glibc",
    build: null,
    command: "/lab/bin/dns-probe many db.lab.example 50",
    exitCode: 0,
    signal: null,
    stdout: `total_ms=${median}\n`,
    stderr: "",
    durationMs: Math.round(median),
    measurements: {
      repeats: "5",
      total_ms: String(median),
      "total_ms.min": String(min),
      "total_ms.median": String(median),
      "total_ms.max": String(max),
      lookups: "50",
    },
    expected: { result: "success", because: "in parallel" },
    outcome: "as-expected",
    explanation: "in parallel",
    mismatches: [],
    note: null,
    queryLog: ["udp A db.lab.example from 127.0.0.1"],
  };
}

/** SAMPLE_RESULT plus a dns scenario with a repeated timing case on both environments. */
export function resultWithTimings(): RunResult {
  const result = structuredClone(SAMPLE_RESULT);
  result.scenarios.push({
    id: "dns",
    title: "DNS",
    description: "What getaddrinfo really sends.",
    sources: ["RFC 1035"],
    sweeps: {},
    // The real scenario's timing charts: the HTML test checks the ones dns gets.
    report: {
      tables: [],
      claims: [],
      highlights: {},
      advice: [],
      timings: dnsReport.timings,
      tolerances: dnsReport.tolerances,
    },
    cases: [timingCase("glibc", 60.3, 66.4, 74.2), timingCase("musl", 58.1, 63.6, 67.6)],
  });
  return recount(result);
}

/** A copy of a result with one case changed: `(scenario, id, environment)` must exist. */
export function withCase(
  result: RunResult,
  where: { scenario: string; id: string; environment: string },
  change: (c: CaseResult) => CaseResult | null,
): RunResult {
  const copy = structuredClone(result);
  for (const scenario of copy.scenarios) {
    if (scenario.id !== where.scenario) continue;
    const index = scenario.cases.findIndex(
      (c) => c.id === where.id && c.environment === where.environment,
    );
    const found = scenario.cases[index];
    if (!found) throw new Error(`no case ${where.scenario}/${where.id} on ${where.environment}`);
    const changed = change(found);
    if (changed) scenario.cases[index] = changed;
    else scenario.cases.splice(index, 1);
    return recount(copy);
  }
  throw new Error(`no scenario ${where.scenario}`);
}

/** Summary and exit status as the lab would compute them from the cases. */
export function recount(result: RunResult): RunResult {
  const cases = result.scenarios.flatMap((s) => s.cases);
  const summary = Object.fromEntries([
    ["total", cases.length],
    ...OUTCOMES.map((o) => [o, cases.filter((c) => c.outcome === o).length]),
  ]) as SummaryCounts;
  return concludeRun({ ...result, summary }, result.baseline ?? null);
}
