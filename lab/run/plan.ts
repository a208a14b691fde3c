/**
 * Planning: which case runs in which environment, built where — before any container starts.
 * Pure, so the matrix a scenario expands to is unit-tested without Docker.
 */
import { ENVIRONMENTS } from "../environments/index.js";
import type { Environment, LibcFamily } from "../environments/schema.js";
import type { Build, Case, Scenario } from "../scenarios/schema.js";
import { sidecarBuild, sidecarEnvironment, sidecarOf } from "./sidecar.js";

/** One case (one value of it, for a sweep) in one environment, before it runs. */
export interface CaseInstance {
  scenario: Scenario;
  testCase: Case;
  /** The sweep's value this instance runs with, or null. */
  value: number | null;
  target: Environment | null;
  /** Family placeholder shown when no environment of the needed family is selected. */
  targetName: string;
  buildFor: Environment | null;
  skipReason: string | null;
}

/** The chosen environments, and the variants (e.g. glibc+gcompat) built on any of them. */
export function selectEnvironments(ids: string[]): Environment[] {
  const chosen = ids.map((id) => ENVIRONMENTS.get(id)).filter((e): e is Environment => !!e);
  const variants = [...ENVIRONMENTS.values()].filter(
    (e) => e.variant && chosen.some((c) => c.id === e.variant?.of),
  );
  return [...chosen, ...variants];
}

/** Every case of every scenario, in the chosen environments, in report order. */
export function planRun(scenarios: Scenario[], environmentIds: string[]): CaseInstance[] {
  const selected = selectEnvironments(environmentIds);
  return scenarios.flatMap((scenario) => planScenario(scenario, selected));
}

/** The environments the plan runs in or builds for, each once. */
export function involvedEnvironments(instances: CaseInstance[]): Environment[] {
  const involved = instances.flatMap((i) => [i.target, i.buildFor]);
  return [...new Set(involved.filter((e): e is Environment => !!e))];
}

/** Expands each case over the selected environments it concerns, and over its sweep's values. */
export function planScenario(scenario: Scenario, selected: Environment[]): CaseInstance[] {
  return planEnvironments(scenario, selected).flatMap((instance) =>
    instance.testCase.sweep
      ? instance.testCase.sweep.values.map((value) => ({ ...instance, value }))
      : [instance],
  );
}

function planEnvironments(scenario: Scenario, selected: Environment[]): CaseInstance[] {
  const plain = selected.filter((e) => !e.variant);
  const firstOf = (family: LibcFamily) => plain.find((e) => e.family === family) ?? null;
  return scenario.cases.flatMap((testCase): CaseInstance[] => {
    const { build, check } = testCase;
    const notSelected = (family: string) =>
      `no ${family} environment is selected (add one with --env)`;
    if (check.kind === "elf") {
      // The schema loader refuses `native` for ELF checks: there is no target to be native to.
      const family = build.for as LibcFamily;
      const target = firstOf(family);
      return [
        {
          scenario,
          testCase,
          value: null,
          target,
          targetName: target?.id ?? family,
          buildFor: target,
          skipReason: target ? null : notSelected(family),
        },
      ];
    }
    const onFamily = (e: Environment) => check.on === "every" || e.family === check.on;
    const joining = check.alsoOn
      .map((id) => ENVIRONMENTS.get(id))
      .filter(
        (e): e is Environment =>
          !!e && !plain.includes(e) && plain.some((p) => p.family === e.family),
      );
    const targets = check.feature
      ? selected.filter((e) => onFamily(e) && e.variant?.feature === check.feature)
      : [...plain, ...joining].filter(onFamily);
    if (targets.length === 0) {
      return [
        {
          scenario,
          testCase,
          value: null,
          target: null,
          targetName: check.feature ? `${check.on}+${check.feature}` : check.on,
          buildFor: null,
          skipReason: check.feature
            ? `no selected environment offers ${check.feature}`
            : notSelected(check.on),
        },
      ];
    }
    return targets.map((target) => {
      const family = build.for === "native" ? target.family : build.for;
      const buildFor = target.family === family && !target.variant ? target : firstOf(family);
      return {
        scenario,
        testCase,
        value: null,
        target,
        targetName: target.id,
        buildFor,
        skipReason: buildFor ? null : notSelected(family),
      };
    });
  });
}

/** What an instance needs compiled: its probe, and its sidecar when its check has one. */
export function buildsOf(instance: CaseInstance): [Build, Environment][] {
  const { testCase, buildFor, target } = instance;
  if (!buildFor) return [];
  const builds: [Build, Environment][] = [[testCase.build, buildFor]];
  const sidecar = sidecarOf(testCase.check)?.sidecar;
  const sidecarFor = sidecarEnvironment(instance);
  if (sidecar && target && sidecarFor) builds.push([sidecarBuild(sidecar, target), sidecarFor]);
  return builds;
}
