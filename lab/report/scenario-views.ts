import { checkMeasurement } from "../classify/classify.js";
import { OUTCOMES, type Outcome } from "../classify/outcomes.js";
import type { CaseResult, RunResult, ScenarioResult } from "../run-result.js";
import type { MeasurementRef, Unit } from "../scenarios/schema.js";

/**
 * The scenario-level views every reporter draws (console and HTML alike): sweeps as
 * value-by-environment tables, side-by-side measurement tables, claims checked and advice with
 * its evidence. Pure functions of one ScenarioResult, so every reporter shows the same facts.
 */

export interface Column {
  /** Environment id, as in the case results. */
  id: string;
  /** What the header shows: `musl 1.2.5`. */
  label: string;
}

export interface SweepCell {
  outcome: Outcome;
  /** `ok`, `SIGSEGV`, `exit 1`, `timeout`, `skipped`. */
  status: string;
  result: CaseResult;
}

export interface SweepView {
  caseId: string;
  title: string;
  unit: string;
  columns: Column[];
  rows: { value: number; cells: (SweepCell | null)[] }[];
  /** Each distinct explanation with the cells it covers, so a table is explained once, not per cell. */
  explanations: { environment: string; values: number[]; outcome: Outcome; text: string }[];
}

export interface MeasurementTableView {
  title: string;
  /** The case (or sweep) it follows, or null for the end of the case list. */
  after: string | null;
  note: string | null;
  columns: Column[];
  rows: { label: string; cells: (string | null)[]; differs: boolean }[];
}

export interface ClaimView {
  claim: string;
  checks: { column: Column; value: string | null; holds: boolean | null }[];
}

export interface AdviceView {
  text: string;
  /** Per environment, the value of the advice's `measured` fact. */
  measured: { column: Column; value: string | null }[];
  /** Per environment, how the evidence case's results came out. */
  evidence: { column: Column; counts: { outcome: Outcome; count: number }[] }[];
}

export function columnsFor(result: RunResult, cases: CaseResult[]): Column[] {
  const used = new Set(cases.map((c) => c.environment));
  const detected = result.environments.filter((e) => used.has(e.id));
  const columns = detected.map((e) => ({
    id: e.id,
    label: `${e.id} (${e.libc.family} ${e.libc.version})`,
  }));
  for (const id of used) {
    if (!columns.some((c) => c.id === id)) columns.push({ id, label: id });
  }
  return columns;
}

export function runStatus(result: CaseResult): string {
  if (result.outcome === "skipped") return "skipped";
  if (result.outcome === "timeout") return "timeout";
  if (result.outcome === "build-error") return "build error";
  if (result.build && result.build.exitCode !== 0) return "did not build";
  if (result.outcome === "infra-error") return "infra error";
  if (result.signal) return result.signal;
  return result.exitCode === 0 ? "ok" : `exit ${result.exitCode}`;
}

export function sweepViews(result: RunResult, scenario: ScenarioResult): SweepView[] {
  return Object.entries(scenario.sweeps).map(([caseId, sweep]) => {
    const cases = scenario.cases.filter((c) => c.caseId === caseId);
    const columns = columnsFor(result, cases);
    const rows = sweep.values.map((value) => ({
      value,
      cells: columns.map((column) => {
        const hit = cases.find((c) => c.value === value && c.environment === column.id);
        return hit ? { outcome: hit.outcome, status: runStatus(hit), result: hit } : null;
      }),
    }));
    const explanations: SweepView["explanations"] = [];
    for (const c of cases) {
      const same = explanations.find(
        (e) =>
          e.environment === c.environment && e.text === c.explanation && e.outcome === c.outcome,
      );
      if (same) same.values.push(c.value ?? 0);
      else
        explanations.push({
          environment: c.environment,
          values: [c.value ?? 0],
          outcome: c.outcome,
          text: c.explanation,
        });
    }
    const title = cases[0]?.title.replace(/ \([^)]*\)$/, "") ?? caseId;
    return { caseId, title, unit: sweep.unit, columns, rows, explanations };
  });
}

function lookup(scenario: ScenarioResult, ref: MeasurementRef, environment: string): string | null {
  const hit = scenario.cases.find((c) => c.id === ref.case && c.environment === environment);
  return hit?.measurements[ref.key] ?? null;
}

export function measurementTables(
  result: RunResult,
  scenario: ScenarioResult,
): MeasurementTableView[] {
  return scenario.report.tables.map((table) => {
    const refs = table.rows.flatMap((r) => (r.minus ? [r.case, r.minus.case] : [r.case]));
    const columns = columnsFor(
      result,
      scenario.cases.filter((c) => refs.includes(c.id) && c.outcome !== "skipped"),
    );
    const rows = table.rows.map((row) => {
      const cells = columns.map((column) => {
        const value = lookup(scenario, row, column.id);
        if (value === null) return null;
        if (!row.minus) return withUnit(value, row.unit);
        const other = lookup(scenario, row.minus, column.id);
        const difference = Number(value) - Number(other);
        if (other === null || !Number.isFinite(difference)) return null;
        return withUnit(String(difference), row.unit);
      });
      const present = cells.filter((c): c is string => c !== null);
      return { label: row.label, cells, differs: new Set(present).size > 1 };
    });
    return {
      title: table.title,
      after: table.after ?? null,
      note: table.note ?? null,
      columns,
      rows,
    };
  });
}

export function claimViews(result: RunResult, scenario: ScenarioResult): ClaimView[] {
  return scenario.report.claims.map((claim) => {
    const family = (id: string) => result.environments.find((e) => e.id === id)?.libc.family;
    const cases = scenario.cases.filter(
      (c) => c.id === claim.case && (!claim.family || family(c.environment) === claim.family),
    );
    return {
      claim: claim.claim,
      checks: columnsFor(result, cases).map((column) => {
        const value = lookup(scenario, claim, column.id);
        return {
          column,
          value: value === null ? null : withUnit(value, claim.unit),
          holds: value === null ? null : checkMeasurement(claim.holdsWhen, value) === null,
        };
      }),
    };
  });
}

export function adviceViews(result: RunResult, scenario: ScenarioResult): AdviceView[] {
  return scenario.report.advice.map((advice) => {
    const ref = advice.measured;
    const measured = ref
      ? columnsFor(
          result,
          scenario.cases.filter((c) => c.id === ref.case && c.outcome !== "skipped"),
        ).map((column) => {
          const value = lookup(scenario, ref, column.id);
          return { column, value: value === null ? null : withUnit(value, ref.unit) };
        })
      : [];
    if (!advice.evidence) return { text: advice.text, measured, evidence: [] };
    const cases = scenario.cases.filter(
      (c) => (c.caseId === advice.evidence || c.id === advice.evidence) && c.outcome !== "skipped",
    );
    return {
      text: advice.text,
      measured,
      evidence: columnsFor(result, cases).map((column) => {
        const mine = cases.filter((c) => c.environment === column.id);
        const counts = OUTCOMES.map((outcome) => ({
          outcome,
          count: mine.filter((c) => c.outcome === outcome).length,
        })).filter((c) => c.count > 0);
        return { column, counts };
      }),
    };
  });
}

/** A numeric fact with its unit in the right number ("1 TCP query"); other facts as they are. */
export function withUnit(value: string, unit: Unit | undefined): string {
  if (!unit || !/^-?\d/.test(value)) return value;
  const word = typeof unit === "string" ? unit : Number(value) === 1 ? unit.one : unit.other;
  return `${value} ${word}`;
}
