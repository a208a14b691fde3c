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
import { isLabError, type LabError } from "./lab/errors.js";
import { compareWithBaseline } from "./lab/report/baseline-diff.js";
import { readBaseline, writeBaseline } from "./lab/report/baseline-file.js";
import { renderJson } from "./lab/report/json.js";
import { renderPruneResult } from "./lab/report/prune-view.js";
import { REPORTERS, type Format, type ReporterOptions } from "./lab/report/reporters.js";
import { runLab } from "./lab/run-lab.js";
import { removeAllContainers } from "./lab/runtime/container-registry.js";
import { REPO_ROOT } from "./lab/runtime/paths.js";
import { pruneImages } from "./lab/runtime/prune-images.js";
import { loadScenarios } from "./lab/scenarios/index.js";
import type { Scenario } from "./lab/scenarios/schema.js";

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
/** Set by a signal: whatever the run does next (it may fail on its removed containers), we exit so. */
let interruptedBy: keyof typeof SIGNAL_EXIT | null = null;

/** Colour and width of everything printed for a person, decided once. */
const DISPLAY = {
  color: !process.env["NO_COLOR"] && (!!process.env["FORCE_COLOR"] || !!process.stdout.isTTY),
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

  // Read before the run: a wrong baseline path must cost seconds, not a whole run.
  const baseline = options.baselineFile ? readBaseline(options.baselineFile, options.accept) : null;

  const run = await runLab({
    scenarios: options.scenarios,
    environmentIds: options.environmentIds,
    images: options.images,
    log,
    signal: interruptible(),
  });
  const result = baseline ? compareWithBaseline(run, baseline, options.accept) : run;

  const reporterOptions: ReporterOptions = {
    outputDir: options.outputDir ?? join(REPO_ROOT, "reports"),
    junitFile: options.junitFile,
    ...DISPLAY,
  };
  // The JSON report file is always written (it is what baselines and pipelines read), first.
  const formats: Format[] = ["json", ...options.formats.filter((f) => f !== "json")];
  const announced: string[] = [];
  for (const format of formats) {
    const output = REPORTERS[format](result, reporterOptions);
    if (output.stdout !== null) process.stdout.write(output.stdout);
    announced.push(...output.files.map((file) => `${file.what}: ${file.path}`));
  }
  if (baseline && options.accept) {
    announced.push(`baseline written: ${writeBaseline(result, baseline.file)}`);
  }
  if (options.formats.includes("console")) {
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
    // npm runs scripts in the package folder; INIT_CWD is where the student typed the command.
    path: resolve(process.env["INIT_CWD"] ?? process.cwd(), options.solutionFile),
    displayName: options.solutionFile,
    environmentIds: options.environmentIds,
    images: options.images,
    log,
    signal: interruptible(),
  });
  process.stdout.write(VERDICT_VIEWS[options.format](verdict, DISPLAY));
  return verdict.exitStatus;
}

/** SIGINT/SIGTERM abort the run and remove its containers; the process exits 130/143. */
function interruptible(): AbortSignal {
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      interruptedBy = signal;
      process.stderr.write(`\n${signal}: removing this run's containers…\n`);
      controller.abort(signal);
      // The run may be inside a long exec; do not wait for it to notice.
      void removeAllContainers().finally(() => process.exit(SIGNAL_EXIT[signal]));
    });
  }
  return controller.signal;
}

/**
 * Exits once stdout and stderr have taken everything written to them. A pipe is written
 * asynchronously: a bare process.exit() after writing a 77 KiB JSON report to `| jq` cut it at
 * 64 KiB. Write callbacks run in order, so an empty write's callback means all before it is out.
 */
function exitWhenFlushed(status: number): void {
  let open = 2;
  const flushed = () => {
    open -= 1;
    if (open === 0) process.exit(status);
  };
  process.stdout.write("", flushed);
  process.stderr.write("", flushed);
}

// A reader that goes away early (`| head`) is its own business, not a crash of the lab.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

main(process.argv.slice(2)).then(
  (status) => exitWhenFlushed(interruptedBy ? SIGNAL_EXIT[interruptedBy] : status),
  async (error: unknown) => {
    await removeAllContainers();
    if (interruptedBy) process.exit(SIGNAL_EXIT[interruptedBy]);
    if (isLabError(error)) {
      const known = error as LabError & { details?: string };
      process.stderr.write(`musl-lab: ${known.message}\n`);
      if (known.details) process.stderr.write(`${known.details.replace(/^/gm, "  | ")}\n`);
      exitWhenFlushed(known.exitCode);
      return;
    }
    throw error;
  },
);
