import { ENVIRONMENTS } from "../environments/index.js";
import { ConfigurationError } from "../errors.js";
import { dns } from "./dns.js";
import { hello } from "./hello.js";
import { locale } from "./locale.js";
import { threadStack } from "./thread-stack.js";
import { ScenarioSchema, VALUE_PLACEHOLDER, type Case, type Scenario } from "./schema.js";

/** Every scenario the lab runs, in the order `npm run lab` runs them. */
const SCENARIO_DATA: unknown[] = [hello, threadStack, dns, locale];

/** Parses scenario data once, at the edge; inside the lab the types are trusted. */
export function loadScenarios(data: unknown[] = SCENARIO_DATA): Scenario[] {
  const scenarios: Scenario[] = [];
  for (const [index, raw] of data.entries()) {
    const parsed = ScenarioSchema.safeParse(raw);
    if (!parsed.success) {
      const name = (raw as { id?: unknown })?.id ?? `#${index + 1}`;
      const issue = parsed.error.issues[0];
      throw new ConfigurationError(
        `scenario ${String(name)} is invalid: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
      );
    }
    const scenario = parsed.data;
    if (scenarios.some((s) => s.id === scenario.id)) {
      throw new ConfigurationError(`scenario id "${scenario.id}" is defined twice`);
    }
    const caseIds = new Set<string>();
    for (const c of scenario.cases) {
      if (caseIds.has(c.id)) {
        throw new ConfigurationError(`scenario ${scenario.id}: case id "${c.id}" is defined twice`);
      }
      caseIds.add(c.id);
      for (const e of c.expect) {
        for (const pattern of [...(e.stdout ?? []), ...(e.stderr ?? [])])
          assertRegExp(scenario.id, c.id, pattern);
      }
      assertPlaceholder(scenario.id, c);
      for (const id of c.check.kind === "elf" ? [] : c.check.alsoOn) {
        const environment = ENVIRONMENTS.get(id);
        if (!environment || environment.variant) {
          throw new ConfigurationError(
            `scenario ${scenario.id}, case ${c.id}: alsoOn names "${id}", which is not a plain environment`,
          );
        }
      }
    }
    assertReportRefs(scenario);
    for (const fix of scenario.lesson?.fixes ?? []) {
      if (fix.provenBy !== undefined && !caseIds.has(fix.provenBy)) {
        throw new ConfigurationError(
          `scenario ${scenario.id}: the lesson's fix "${fix.fix}" names unknown case "${fix.provenBy}"`,
        );
      }
    }
    scenarios.push(scenario);
  }
  return scenarios;
}

/** A sweep or a search needs somewhere to put its value; a plain run must not leave one unfilled. */
function assertPlaceholder(scenario: string, c: Case): void {
  if (c.check.kind === "elf" && c.build.for === "native") {
    throw new ConfigurationError(
      `scenario ${scenario}, case ${c.id}: an ELF check reads one binary; name its libc in build.for`,
    );
  }
  const args = c.check.kind === "elf" ? [] : c.check.args;
  const uses = args.some((a) => a.includes(VALUE_PLACEHOLDER));
  const varies = c.sweep !== undefined || c.check.kind === "search";
  if (c.sweep && c.check.kind === "search") {
    throw new ConfigurationError(`scenario ${scenario}, case ${c.id}: a search cannot also sweep`);
  }
  if (varies && !uses) {
    throw new ConfigurationError(
      `scenario ${scenario}, case ${c.id}: its args need ${VALUE_PLACEHOLDER} for the values it tries`,
    );
  }
  if (!varies && uses) {
    throw new ConfigurationError(
      `scenario ${scenario}, case ${c.id}: ${VALUE_PLACEHOLDER} in args but no sweep or search fills it`,
    );
  }
}

/** Tables, claims and advice may only name cases (or sweep values) that exist. */
function assertReportRefs(scenario: Scenario): void {
  const ids = new Set<string>();
  for (const c of scenario.cases) {
    ids.add(c.id);
    for (const value of c.sweep?.values ?? []) ids.add(`${c.id}-${value}`);
  }
  const refs = [
    ...scenario.report.tables.flatMap((t) => [
      ...t.rows.flatMap((r) => (r.minus ? [r.case, r.minus.case] : [r.case])),
      ...(t.after ? [t.after] : []),
    ]),
    ...scenario.report.claims.map((c) => c.case),
    ...Object.keys(scenario.report.highlights),
    ...scenario.report.advice.flatMap((a) => [
      ...(a.evidence ? [a.evidence] : []),
      ...(a.measured ? [a.measured.case] : []),
    ]),
  ];
  for (const ref of refs) {
    if (!ids.has(ref)) {
      throw new ConfigurationError(
        `scenario ${scenario.id}: the report names unknown case "${ref}"`,
      );
    }
  }
}

function assertRegExp(scenario: string, caseId: string, pattern: string): void {
  try {
    new RegExp(pattern, "m");
  } catch {
    throw new ConfigurationError(
      `scenario ${scenario}, case ${caseId}: invalid pattern /${pattern}/`,
    );
  }
}
