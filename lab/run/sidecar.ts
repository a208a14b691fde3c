/**
 * A sidecar: a helper program that runs beside a case's probe in the target, started before each
 * run and stopped after it, whose output adds facts to the run (the DNS fixture is one). A new kind
 * is one module implementing Sidecar, listed in SIDECARS.
 */
import { DNS_FIXTURE } from "../dns/dns-fixture.js";
import type { Environment } from "../environments/schema.js";
import type { Build, Case } from "../scenarios/schema.js";
import type { CaseInstance } from "./plan.js";

export interface SidecarScripts {
  /** Runs as the harness before the probe; when it fails the probe does not run. */
  before: string;
  /** Runs after the probe, whatever happened; what it prints is the sidecar's evidence. */
  after: string;
}

export interface Sidecar {
  /** As messages name it: "the DNS fixture did not compile". */
  readonly name: string;
  /** Its source in c-src/, built for the target's libc like any probe. */
  readonly probe: string;
  /** The set-up and tear-down around one run of `check`, or null when the case needs no sidecar. */
  around(check: Case["check"]): ((binary: string) => SidecarScripts) | null;
  /** Facts from what `after` printed, and the lines the report shows of it. */
  evidence(after: string): { facts: Record<string, string>; log: string[] };
}

const SIDECARS: readonly Sidecar[] = [DNS_FIXTURE];

/** The sidecar a case's check uses, with its scripts, or null. */
export function sidecarOf(
  check: Case["check"],
): { sidecar: Sidecar; scripts: (binary: string) => SidecarScripts } | null {
  for (const sidecar of SIDECARS) {
    const scripts = sidecar.around(check);
    if (scripts) return { sidecar, scripts };
  }
  return null;
}

export function sidecarBuild(sidecar: Sidecar, target: Environment): Build {
  return { probe: sidecar.probe, for: target.family, link: "dynamic", flags: [] };
}

/** A sidecar runs beside the probe, so it is built for the target's own libc. */
export function sidecarEnvironment(instance: CaseInstance): Environment | null {
  const { target, buildFor } = instance;
  if (!target) return null;
  if (!target.variant) return target;
  return buildFor?.family === target.family ? buildFor : null;
}
