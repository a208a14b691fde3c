import { ENVIRONMENTS } from "../environments/index.js";
import { ConfigurationError, describeIssue } from "../errors.js";
import { SEARCH_FACT_KEYS } from "../measure/find-limit.js";
import { dns } from "./dns/index.js";
import { getopt } from "./getopt/index.js";
import { hello } from "./hello/index.js";
import { iconv } from "./iconv/index.js";
import { locale } from "./locale/index.js";
import { qsort } from "./qsort/index.js";
import { regex } from "./regex/index.js";
import { malloc } from "./malloc/index.js";
import { printf } from "./printf/index.js";
import { sysconf } from "./sysconf/index.js";
import { headers } from "./headers/index.js";
import { strerror } from "./strerror/index.js";
import { threadStack } from "./thread-stack/index.js";
import { ScenarioSchema, VALUE_PLACEHOLDER, type Case, type Scenario } from "./schema.js";

/**
 * Every scenario the lab runs, in the order `npm run lab` runs them. Each lives in its own folder
 * (cases, report layout, lesson): adding a scenario is its folder, its probe and its test.
 */
const SCENARIO_DATA: unknown[] = [
  hello,
  threadStack,
  dns,
  locale,
  iconv,
  getopt,
  regex,
  malloc,
  qsort,
  printf,
  sysconf,
  headers,
  strerror,
];

/** Parses scenario data once, at the edge; inside the lab the types are trusted. */
export function loadScenarios(data: unknown[] = SCENARIO_DATA): Scenario[] {
  const scenarios: Scenario[] = [];
  for (const [index, raw] of data.entries()) {
    const parsed = ScenarioSchema.safeParse(raw);
    if (!parsed.success) {
      const name = (raw as { id?: unknown })?.id ?? `#${index + 1}`;
      throw new ConfigurationError(
        `scenario ${String(name)} is invalid: ${describeIssue(parsed.error)}`,
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
        for (const pattern of [...(e.stdout ?? []), ...(e.stderr ?? []), ...(e.output ?? [])])
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
    assertChartRefs(scenario);
    for (const fix of scenario.lesson?.fixes ?? []) {
      if (fix.provenBy !== undefined && !caseIds.has(fix.provenBy)) {
        throw new ConfigurationError(
          `scenario ${scenario.id}: the lesson's fix "${fix.fix}" names unknown case "${fix.provenBy}"`,
        );
      }
    }
    for (const point of scenario.lesson?.whyTheyDiffer ?? []) {
      for (const key of point.sources) {
        if (!(key in scenario.sources)) {
          throw new ConfigurationError(
            `scenario ${scenario.id}: the lesson cites unknown source "${key}"`,
          );
        }
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

/**
 * The facts a case is known to report: those its expectations check (and, for repeated cases,
 * their `.min`/`.median`/`.max`), and for a search its own bookkeeping. A chart that names any
 * other key would stay empty without a word, so the loader refuses it.
 */
function knownKeys(c: Case): Set<string> {
  const keys = new Set<string>(c.check.kind === "search" ? SEARCH_FACT_KEYS : []);
  if (c.check.kind === "search" && c.check.search.hintKey) keys.add(c.check.search.hintKey);
  for (const e of c.expect) {
    for (const key of Object.keys(e.measurements ?? {})) {
      keys.add(key);
      if (c.repeat > 1) keys.add(key.replace(/\.(?:min|median|max)$/, ""));
    }
  }
  return keys;
}

/** Sweep markers and timing charts name cases and measurements that exist. */
function assertChartRefs(scenario: Scenario): void {
  const byId = new Map(scenario.cases.map((c) => [c.id, c]));
  for (const marker of scenario.report.sweepMarkers ?? []) {
    if (!byId.get(marker.sweep)?.sweep) {
      throw new ConfigurationError(
        `scenario ${scenario.id}: the sweep marker "${marker.label}" names "${marker.sweep}", which is not a sweep case`,
      );
    }
    const target = byId.get(marker.case);
    if (!target) {
      throw new ConfigurationError(
        `scenario ${scenario.id}: the sweep marker "${marker.label}" names unknown case "${marker.case}"`,
      );
    }
    if (!knownKeys(target).has(marker.key)) {
      throw new ConfigurationError(
        `scenario ${scenario.id}: the sweep marker "${marker.label}" names measurement "${marker.key}", which case ${marker.case} does not report`,
      );
    }
  }
  const timings = scenario.report.timings;
  if (timings && !scenario.cases.some((c) => c.repeat > 1 && knownKeys(c).has(timings.key))) {
    throw new ConfigurationError(
      `scenario ${scenario.id}: the timing charts draw "${timings.key}", which no repeated case reports`,
    );
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
