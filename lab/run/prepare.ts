import { selectExpectation } from "../classify/classify.js";
import { formatElfSummary } from "../elf/read-elf.js";
import type { BuildRecord, CaseResult } from "../run-result.js";
import type { DetectedEnvironment } from "../runtime/detect.js";
import { secondsSince } from "../seconds-since.js";
import { isResolved } from "../runtime/images.js";
import { WORK_DIR } from "../runtime/session.js";
import type { Case, Scenario } from "../scenarios/schema.js";
import { buildKey, compileAll, type BuildJob } from "./compile-all.js";
import type { StartedEnvironment } from "./executor.js";
import {
  elfMeasurements,
  resultBase,
  type CaseObservation,
  type ResultBase,
} from "./observations.js";
import type { CaseInstance } from "./plan.js";
import type { RunContext } from "./run-context.js";
import {
  sidecarBuild,
  sidecarEnvironment,
  sidecarOf,
  type Sidecar,
  type SidecarScripts,
} from "./sidecar.js";

/** An instance ready to run in its target: the binary copied, its expectation chosen. */
export interface Runnable {
  kind: "runnable";
  instance: CaseInstance;
  base: ResultBase;
  check: Extract<Case["check"], { kind: "run" | "search" }>;
  target: StartedEnvironment;
  binary: string;
  /** The sidecar started before and stopped after each run, with its binary in the target. */
  sidecar: { sidecar: Sidecar; scripts: SidecarScripts } | null;
  build: BuildRecord;
  expectation: CaseResult["expected"];
}

/** An instance whose observation needs no run: a skip, a build error, an ELF read. */
export interface Settled {
  kind: "settled";
  instance: CaseInstance;
  observed: CaseObservation;
}

export type Work = Runnable | Settled;

/**
 * Everything short of running, one item per instance in plan order: each distinct build compiled
 * once, skips, build errors and ELF reads settled, binaries copied to their targets.
 */
export async function prepare(context: RunContext): Promise<Work[]> {
  context.stopIfInterrupted();
  const compileStarted = Date.now();
  const jobs = await compileAll(context);
  context.stopIfInterrupted();
  context.log(
    `compiled ${jobs.size} build${jobs.size === 1 ? "" : "s"} (${secondsSince(compileStarted)})`,
  );
  const copies = new Map<string, Promise<void>>();
  /** Puts a built binary into the target's bin folder once, however many cases run it. */
  const copyTo = async (job: BuildJob, target: StartedEnvironment) => {
    const binary = `${WORK_DIR}/bin/${job.binaryName}`;
    const copyKey = `${job.key}->${target.environment.id}`;
    if (!copies.has(copyKey)) {
      copies.set(copyKey, target.putFiles([{ path: binary, content: job.binary!, mode: 0o755 }]));
    }
    await copies.get(copyKey);
    return binary;
  };
  return Promise.all(context.instances.map((instance) => prepareInstance(instance)));

  async function prepareInstance(instance: CaseInstance): Promise<Work> {
    const { testCase, target, buildFor, value } = instance;
    const base = resultBase(instance);
    const settled = (
      build: BuildRecord | null,
      command: string | null,
      expected: CaseResult["expected"],
      observation: CaseObservation["observation"],
    ): Settled => ({
      kind: "settled",
      instance,
      observed: { base, build, command, expected, observation },
    });
    const unavailable = [target, buildFor]
      .map((e) => (e ? context.environments.get(e.id)?.resolution : undefined))
      .find((r) => r && !isResolved(r));
    const skipReason =
      instance.skipReason ??
      (unavailable && !isResolved(unavailable) ? unavailable.unavailable : null);
    const job = buildFor ? jobs.get(buildKey(testCase.build, buildFor)) : undefined;
    if (skipReason || !target || !job?.result) {
      return settled(null, null, null, {
        kind: "skipped",
        reason: skipReason ?? "nothing to run",
      });
    }
    const started = await context.startEnvironment(target.id);
    const { detected } = started;
    const expectation = selectExpectation(testCase.expect, detected.libc, value);
    const missing = missingLocales(instance.scenario, detected);
    if (missing.length > 0) {
      return settled(job.result, null, expectation, {
        kind: "infra-failed",
        message:
          `environment "${detected.id}" has no generated ${missing.join(", ")} locale data ` +
          `(locale -a: ${detected.locales?.join(" ") || "nothing"}); without it glibc behaves like ` +
          "musl and this scenario would show nothing. Rebuild the image (docker/offline/glibc-rootfs.sh generates them).",
      });
    }
    if (job.result.exitCode !== 0) {
      return settled(job.result, null, expectation, {
        kind: "build-failed",
        output: job.result.output,
      });
    }
    const check = testCase.check;
    if (check.kind === "elf") {
      const elf = job.elf!;
      return settled(job.result, `lab elf-reader ${WORK_DIR}/out/${job.binaryName}`, expectation, {
        kind: "ran",
        exitCode: 0,
        signal: null,
        stdout: formatElfSummary(elf),
        stderr: "",
        timedOut: false,
        durationMs: 0,
        measurements: elfMeasurements(elf),
      });
    }
    const binary = await copyTo(job, started);
    let sidecar: Runnable["sidecar"] = null;
    const used = sidecarOf(check);
    const sidecarFor = sidecarEnvironment(instance);
    if (used && sidecarFor) {
      const sidecarJob = jobs.get(buildKey(sidecarBuild(used.sidecar, target), sidecarFor));
      if (!sidecarJob?.result || sidecarJob.result.exitCode !== 0) {
        return settled(job.result, null, expectation, {
          kind: "infra-failed",
          message: `the ${used.sidecar.name} did not compile: ${sidecarJob?.result?.output.split("\n")[0] ?? "not built"}`,
        });
      }
      const scripts = used.scripts(await copyTo(sidecarJob, started));
      sidecar = { sidecar: used.sidecar, scripts };
    }
    return {
      kind: "runnable",
      instance,
      base,
      check,
      target: started,
      binary,
      sidecar,
      build: job.result,
      expectation,
    };
  }
}

/** Locales the scenario needs that a glibc environment lacks (musl has no locale data to lack). */
export function missingLocales(scenario: Scenario, detected: DetectedEnvironment): string[] {
  const wanted = scenario.requires?.glibcLocales ?? [];
  if (detected.libc.family !== "glibc" || wanted.length === 0) return [];
  const normalize = (name: string) => name.toLowerCase().replace(/-/g, "");
  const present = new Set((detected.locales ?? []).map(normalize));
  return wanted.filter((name) => !present.has(normalize(name)));
}
