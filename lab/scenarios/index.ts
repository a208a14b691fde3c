import { ConfigurationError } from "../errors.js";
import { hello } from "./hello.js";
import { ScenarioSchema, type Scenario } from "./schema.js";

/** Every scenario the lab runs, in the order `npm run lab` runs them. */
const SCENARIO_DATA: unknown[] = [hello];

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
    }
    scenarios.push(scenario);
  }
  return scenarios;
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
