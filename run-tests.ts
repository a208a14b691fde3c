/**
 * CLI entry: argv -> lab -> reporters -> exit status. Nothing else lives here.
 */
import { join } from "node:path";
import { HELP, parseCliArgs } from "./lab/cli/args.js";
import { isLabError, type LabError } from "./lab/errors.js";
import { compareWithBaseline } from "./lab/report/baseline-diff.js";
import { readBaseline, writeBaseline } from "./lab/report/baseline-file.js";
import { renderJson } from "./lab/report/json.js";
import { REPORTERS, type Format, type ReporterOptions } from "./lab/report/reporters.js";
import { runLab } from "./lab/run-lab.js";
import { removeAllContainers } from "./lab/runtime/container-registry.js";
import { REPO_ROOT } from "./lab/runtime/paths.js";
import { loadScenarios } from "./lab/scenarios/index.js";

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
/** Set by a signal: whatever the run does next (it may fail on its removed containers), we exit so. */
let interruptedBy: keyof typeof SIGNAL_EXIT | null = null;

async function main(argv: string[]): Promise<number> {
  const scenarios = loadScenarios();
  const options = parseCliArgs(argv, scenarios);
  if (options.command === "help") {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (options.command === "list") {
    for (const s of scenarios) process.stdout.write(`${s.id.padEnd(14)} ${s.summary}\n`);
    return 0;
  }

  // Read before the run: a wrong baseline path must cost seconds, not a whole run.
  const baseline = options.baselineFile ? readBaseline(options.baselineFile, options.accept) : null;

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

  const run = await runLab({
    scenarios: options.scenarios,
    environmentIds: options.environmentIds,
    images: options.images,
    log: (line) => process.stderr.write(`${line}\n`),
    signal: controller.signal,
  });
  const result = baseline ? compareWithBaseline(run, baseline, options.accept) : run;

  const reporterOptions: ReporterOptions = {
    outputDir: options.outputDir ?? join(REPO_ROOT, "reports"),
    junitFile: options.junitFile,
    color: !process.env["NO_COLOR"] && (!!process.env["FORCE_COLOR"] || !!process.stdout.isTTY),
    width: Math.min(process.stdout.columns || 100, 120),
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
  if (options.json) process.stdout.write(renderJson(result));
  // With --json, stdout holds nothing but the report.
  const out = options.json ? process.stderr : process.stdout;
  for (const line of announced) out.write(`${line}\n`);
  return result.exitStatus;
}

main(process.argv.slice(2)).then(
  (status) => process.exit(interruptedBy ? SIGNAL_EXIT[interruptedBy] : status),
  async (error: unknown) => {
    await removeAllContainers();
    if (interruptedBy) process.exit(SIGNAL_EXIT[interruptedBy]);
    if (isLabError(error)) {
      const known = error as LabError & { details?: string };
      process.stderr.write(`musl-lab: ${known.message}\n`);
      if (known.details) process.stderr.write(`${known.details.replace(/^/gm, "  | ")}\n`);
      process.exit(known.exitCode);
    }
    throw error;
  },
);
