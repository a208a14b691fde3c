import { rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "../errors.js";
import type { Format } from "../report/reporters.js";
import { outputTarget, realFolder, REPORT_EXTENSIONS } from "../report/write-report.js";
import type { CliOptions } from "./args.js";
import { makeFolders } from "../make-folders.js";

/**
 * Where the user typed the command. npm runs scripts in the package folder and says where it was
 * started in INIT_CWD; run without npm, the process's own working directory is that place.
 */
export function userDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env["INIT_CWD"] || process.cwd();
}

/** The run's files, resolved from the user's directory and checked before anything runs. */
export interface OutputPlan {
  /** The output directory, absolute; it exists and takes files. */
  outputDir: string;
  /** `--junit FILE`, absolute. */
  junitFile: string | null;
  /** `--baseline FILE`: where it is, and how the user wrote it (for messages and the report). */
  baseline: { path: string; given: string } | null;
}

/** `2026-11-03T09-15-02.123Z`, maybe `-2`: the names writeReport gives timestamped reports. */
const STAMPED = /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(\.\d+)?Z(-\d+)?$/;

interface Output {
  /** How a message names it: `--junit out.xml`, `latest.json in --output-dir reports`. */
  name: string;
  /** Where it lands, symlinks followed. */
  target: string;
}

/**
 * Resolves `--output-dir`, `--junit` and `--baseline` from the user's directory and refuses, as
 * one-line usage errors before any container starts: an output directory that is not a writable
 * folder, an output that is not a regular file (a device, a FIFO: reports are renamed into place,
 * which would replace it), two outputs on one file, and an output on the baseline unless
 * `--accept` (which writes the baseline itself, and nothing else there).
 */
export function planOutputs(
  options: Pick<CliOptions, "outputDir" | "junitFile" | "baselineFile" | "accept" | "formats">,
  cwd: string,
  defaultOutputDir: string,
): OutputPlan {
  const outputDir = options.outputDir ? resolve(cwd, options.outputDir) : defaultOutputDir;
  const dirName = `--output-dir ${options.outputDir ?? defaultOutputDir}`;
  const junitFile = options.junitFile ? resolve(cwd, options.junitFile) : null;
  const baseline = options.baselineFile
    ? { path: resolve(cwd, options.baselineFile), given: options.baselineFile }
    : null;

  preparedFolder(outputDir, dirName);
  const dirFormats: (keyof typeof REPORT_EXTENSIONS)[] = [
    "json",
    ...(["junit", "html"] as const).filter(
      (f) => options.formats.includes(f as Format) && !(f === "junit" && junitFile),
    ),
  ];
  const realDir = realFolder(outputDir);
  const outputs: Output[] = dirFormats.map((format) => ({
    name: `latest${REPORT_EXTENSIONS[format]} in ${dirName}`,
    target: join(realDir, `latest${REPORT_EXTENSIONS[format]}`),
  }));
  if (junitFile) outputs.push({ name: `--junit ${options.junitFile}`, target: junitFile });
  if (baseline && options.accept) {
    outputs.push({
      name: `--baseline ${baseline.given} (--accept writes it)`,
      target: baseline.path,
    });
  }
  for (const output of outputs) {
    try {
      output.target = outputTarget(output.target);
    } catch (error) {
      throw new UsageError(
        `${output.name}: ${(error as Error).message}; reports are written to regular files only (a temporary file renamed into place)`,
      );
    }
    preparedFolder(dirname(output.target), output.name);
    const format = stampedFormat(basename(output.target), dirFormats);
    if (dirname(output.target) === realDir && format) {
      throw new UsageError(
        `${output.name} has the name of a timestamped ${format} report in ${dirName}: name another file`,
      );
    }
  }

  for (const [i, a] of outputs.entries()) {
    for (const b of outputs.slice(i + 1)) {
      if (sameFile(a.target, b.target)) {
        throw new UsageError(
          `${b.name} is the same file as ${a.name}: two outputs cannot share one file`,
        );
      }
    }
  }
  if (baseline && !options.accept) {
    const clash = outputs.find((o) => sameFile(o.target, baseline.path));
    if (clash) {
      throw new UsageError(
        `--baseline ${baseline.given} is also ${clash.name}: this run would replace the baseline, which only --accept does; copy the baseline elsewhere or write the reports to another place`,
      );
    }
  }
  return { outputDir, junitFile, baseline };
}

/** `<stamp>.junit.xml` -> "junit": the format that gives reports in the directory this name. */
function stampedFormat(name: string, formats: (keyof typeof REPORT_EXTENSIONS)[]): string | null {
  for (const format of formats) {
    const extension = REPORT_EXTENSIONS[format];
    if (name.endsWith(extension) && STAMPED.test(name.slice(0, -extension.length))) return format;
  }
  return null;
}

/** One file under two names: the same inode when it exists, the same resolved path when not. */
function sameFile(a: string, b: string): boolean {
  const inode = (path: string) => {
    try {
      const stats = statSync(path);
      return `${stats.dev}:${stats.ino}`;
    } catch {
      return null;
    }
  };
  const [x, y] = [inode(a), inode(b)];
  return x !== null || y !== null ? x === y : resolve(a) === resolve(b);
}

/**
 * Makes `folder` (and its parents) and writes and removes a file in it: only a real write tells
 * whether reports can go there (permissions, a read-only mount, a full disk, root or not).
 */
function preparedFolder(folder: string, name: string): void {
  try {
    if (!statSync(folder).isDirectory()) {
      throw new UsageError(`${name}: ${folder} is not a directory`);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new UsageError(`${name}: cannot use ${folder}: ${codeOf(error)}`);
    }
  }
  const probe = join(folder, `.musl-lab-write-test-${process.pid}`);
  try {
    makeFolders(folder);
    writeFileSync(probe, "", { flag: "wx" });
    rmSync(probe);
  } catch (error) {
    rmSync(probe, { force: true });
    throw new UsageError(`${name}: cannot write to ${folder}: ${codeOf(error)}`);
  }
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
