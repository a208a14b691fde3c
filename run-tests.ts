/**
 * CLI entry: argv -> lab -> reporters -> exit status. Nothing else lives here.
 */
import { join, resolve } from "node:path";
import { checkSolution } from "./lab/classroom/check-solution.js";
import { renderExerciseList, renderExerciseTask } from "./lab/classroom/exercise-views.js";
import { loadExercises } from "./lab/classroom/index.js";
import type { Exercise } from "./lab/classroom/schema.js";
import { renderLesson } from "./lab/classroom/lesson-view.js";
import { VERDICT_VIEWS } from "./lab/classroom/verdict-views.js";
import { HELP, parseCommandLine, type ExerciseOptions } from "./lab/cli/args.js";
import { wantsColor } from "./lab/cli/color.js";
import { Interruption } from "./lab/cli/interruption.js";
import { planOutputs, userDirectory } from "./lab/cli/output-paths.js";
import { guardStandardStreams, whenFlushed, writeFailure } from "./lab/cli/standard-streams.js";
import { InterruptedError, isLabError, unlessInterrupted, type LabError } from "./lab/errors.js";
import { compareWithBaseline } from "./lab/compare/baseline-diff.js";
import { readBaseline, writeBaseline } from "./lab/compare/baseline-file.js";
import { escapeControl } from "./lab/report/escape-control.js";
import { renderJson } from "./lab/report/json.js";
import { renderPruneResult } from "./lab/report/prune-view.js";
import { REPORTERS, type ReporterOptions } from "./lab/report/reporters.js";
import { runCheck } from "./lab/check/run-check.js";
import { runLab } from "./lab/run-lab.js";
import {
  containersNotRemoved,
  describeLeftovers,
  removeAllContainers,
} from "./lab/runtime/container-registry.js";
import { REPO_ROOT } from "./lab/runtime/paths.js";
import { pruneImages } from "./lab/runtime/prune-images.js";
import { loadScenarios } from "./lab/scenarios/index.js";
import type { Scenario } from "./lab/scenarios/schema.js";

guardStandardStreams();
const interruption = new Interruption(exitWithoutCleanUp);

/** Colour and width of everything printed for a person, decided once. */
const DISPLAY = {
  color: wantsColor(process.env, !!process.stdout.isTTY),
  width: Math.min(process.stdout.columns || 100, 120),
};
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const scenarios = loadScenarios();
  const exercises = loadExercises(scenarios);
  const options = parseCommandLine(argv, scenarios, exercises);
  if (options.command === "explain") {
    process.stdout.write(renderLesson(options.scenario, exercises, DISPLAY));
    return 0;
  }
  if (options.command === "exercise") return exercise(options, scenarios, exercises);
  if (options.command === "help") {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (options.command === "prune") {
    process.stdout.write(renderPruneResult(await pruneImages({ dryRun: options.dryRun, log })));
    return 0;
  }
  if (options.command === "list") {
    for (const s of scenarios) process.stdout.write(`${s.id.padEnd(14)} ${s.summary}\n`);
    return 0;
  }

  // Checked and read before the run: a wrong path must cost seconds, not a whole run.
  const outputs = planOutputs(options, userDirectory(), join(REPO_ROOT, "reports"));
  const baseline = outputs.baseline
    ? readBaseline(outputs.baseline.path, options.accept, outputs.baseline.given)
    : null;

  const signal = interruption.listen();
  const run = await unlessInterrupted(
    options.command === "check"
      ? runCheck({
          targets: options.paths.map((given) => ({ given, path: resolve(userDirectory(), given) })),
          image: options.image,
          environmentIds: options.environmentIds,
          images: options.images,
          runArgs: options.runArgs,
          scenarios,
          log,
          signal,
        })
      : runLab({
          scenarios: options.scenarios,
          environmentIds: options.environmentIds,
          images: options.images,
          log,
          signal,
        }),
    signal,
  );
  const result = baseline ? compareWithBaseline(run, baseline, options.accept) : run;

  const reporterOptions: ReporterOptions = {
    outputDir: outputs.outputDir,
    junitFile: outputs.junitFile,
    ...DISPLAY,
  };
  const announced: string[] = [];
  // The JSON report file is always written, first: parseCommandLine puts "json" at the head.
  for (const format of options.formats) {
    const output = REPORTERS[format](result, reporterOptions);
    if (output.stdout !== null) process.stdout.write(output.stdout);
    announced.push(...output.files.map((file) => `${file.what}: ${file.path}`));
  }
  if (baseline && options.accept) {
    announced.push(writeBaseline(result, baseline));
  }
  if (options.formats.includes("console") && options.command === "run") {
    // The boxes show what happened; the lesson behind each scenario is one command away.
    const [only] = options.scenarios;
    announced.unshift(
      options.scenarios.length === 1 && only
        ? `lesson: npm run lab -- explain ${only.id} · exercises: npm run lab -- exercise`
        : `lessons: npm run lab -- explain SCENARIO (${options.scenarios.map((s) => s.id).join(", ")}) · exercises: npm run lab -- exercise`,
    );
  }
  if (options.json) process.stdout.write(renderJson(result));
  // With --json, stdout holds nothing but the report.
  const out = options.json ? process.stderr : process.stdout;
  for (const line of announced) out.write(`${line}\n`);
  return result.exitStatus;
}

/** `exercise`: the list, one task, or the verdict on a student's file. */
async function exercise(
  options: ExerciseOptions,
  scenarios: Scenario[],
  exercises: Exercise[],
): Promise<number> {
  if (!options.exercise) {
    process.stdout.write(renderExerciseList(exercises));
    return 0;
  }
  if (options.solutionFile === null) {
    process.stdout.write(renderExerciseTask(options.exercise, DISPLAY));
    return 0;
  }
  const verdict = await checkSolution({
    exercise: options.exercise,
    scenario: scenarios.find((s) => s.id === options.exercise?.scenario)!,
    path: resolve(userDirectory(), options.solutionFile),
    displayName: options.solutionFile,
    environmentIds: options.environmentIds,
    images: options.images,
    log,
    signal: interruption.listen(),
  });
  process.stdout.write(VERDICT_VIEWS[options.format](verdict, DISPLAY));
  return verdict.exitStatus;
}

/**
 * The one way out, for every command: an error or an interruption first removes what the run
 * left (bounded: an engine that stopped answering gets its containers named, not waited for),
 * then one line says what happened, and the process exits once stdout and stderr are flushed.
 * Order of the status: an interruption's 128 + N, a failed write to stdout or stderr 2, a known
 * error's own, the run's.
 */
async function wayOut(outcome: { status: number } | { error: unknown }): Promise<void> {
  // Whatever the run did after the signal (it may fail on its removed containers), it was
  // interrupted: the signal's own error decides, whatever the run rejected with.
  const error = interruption.error ?? ("error" in outcome ? outcome.error : null);
  const clean = !("error" in outcome) && !interruption.error;
  // A run that ended well removed its containers itself; one that did not may have left any.
  const left = describeLeftovers(clean ? containersNotRemoved() : await removeAllContainers());
  if (!clean && !isLabError(error)) throw error;
  let status = "status" in outcome ? outcome.status : 2;
  if (error instanceof InterruptedError) {
    log(`musl-lab: ${error.message}; ${left ?? "every container of this run was removed"}`);
    status = error.exitCode;
  } else {
    if (!clean) {
      const known = error as LabError & { details?: string };
      // Messages quote what the user typed and what tools printed: a terminal must not act on it.
      log(`musl-lab: ${escapeControl(known.message)}`);
      if (known.details) {
        const lines = known.details.replace(/\t/g, "  ").split("\n").map(escapeControl);
        log(lines.map((line) => `  | ${line}`).join("\n"));
      }
      status = known.exitCode;
    }
    if (left) log(`musl-lab: ${left}`);
  }
  whenFlushed(() => {
    const failed = writeFailure();
    if (!failed || interruption.error) process.exit(status);
    // The user's file or pipe holds less than the lab wrote: never a success.
    process.stderr.write(`musl-lab: ${failed.message}\n`, () => process.exit(2));
  });
}

/** How long the forced exit waits for its last line to reach stderr. */
const LAST_WORDS_MS = 1_000;

/**
 * The third signal's way out: the one exit that skips wayOut, because wayOut is what is stuck (an
 * engine that does not answer) and the person asked three times. It names what it leaves; the
 * status is still the first signal's error's.
 */
function exitWithoutCleanUp(error: InterruptedError, by: string): void {
  const left = describeLeftovers(containersNotRemoved()) ?? "no container of this run is left";
  const exit = () => process.exit(error.exitCode);
  // Exit once the line is out, but not later than a moment: a reader that stopped reading must
  // not keep the lab alive.
  setTimeout(exit, LAST_WORDS_MS).unref();
  process.stderr.write(
    `musl-lab: ${by} a third time: exiting without waiting for the clean-up; ${left}\n`,
    exit,
  );
}

main(process.argv.slice(2)).then(
  (status) => wayOut({ status }),
  (error: unknown) => wayOut({ error }),
);
