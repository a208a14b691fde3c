import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unlessInterrupted, UsageError } from "../errors.js";
import { readUserFile } from "../read-user-file.js";
import { runLab } from "../run-lab.js";
import type { Log } from "../runtime/docker-engine.js";
import type { ImagesOption } from "../runtime/images.js";
import { C_SRC_DIR } from "../runtime/paths.js";
import type { Scenario } from "../scenarios/schema.js";
import { exerciseScenario, STUDENT_PROBE } from "./exercise-scenario.js";
import type { Exercise } from "./schema.js";
import { verdictOf, type ExerciseVerdict, type SolutionInfo } from "./verdict.js";

/** A C file this large is no exercise solution; refusing it keeps the builder's upload small. */
const MAX_SOLUTION_BYTES = 1024 * 1024;

export interface SolutionCheckOptions {
  exercise: Exercise;
  /** The scenario the exercise practises. */
  scenario: Scenario;
  /** Where the student's file is. */
  path: string;
  /** The file as the student named it, for messages and the verdict. */
  displayName: string;
  environmentIds: string[];
  images: ImagesOption;
  log: Log;
  signal?: AbortSignal;
}

/**
 * Reads the student's file or says in one line why it cannot: a UsageError (exit status 2), as
 * for any other wrong command-line argument.
 */
export function readSolution(path: string, displayName: string = path): Buffer {
  const read = readUserFile(path, MAX_SOLUTION_BYTES);
  if (read.ok) return read.bytes;
  if (read.problem === "too-large") {
    throw new UsageError(
      `the solution ${displayName} has more than ${MAX_SOLUTION_BYTES} bytes; a solution is a C file of at most ${MAX_SOLUTION_BYTES} bytes`,
    );
  }
  throw new UsageError(`cannot read the solution ${displayName}: ${read.reason}`);
}

export function solutionInfo(source: Buffer, displayName: string): SolutionInfo {
  return {
    file: displayName,
    bytes: source.length,
    sha256: createHash("sha256").update(source).digest("hex"),
  };
}

/**
 * Builds the student's file in every selected environment, runs the exercise's checks through the
 * lab (images, containers, clean-up and build cache as for any scenario) and returns the verdict.
 * The file is copied to a private folder as `student.c`, so its name cannot clash with a probe.
 */
export async function checkSolution(options: SolutionCheckOptions): Promise<ExerciseVerdict> {
  const source = readSolution(options.path, options.displayName);
  const folder = mkdtempSync(join(tmpdir(), "musl-lab-solution-"));
  try {
    writeFileSync(join(folder, STUDENT_PROBE), source);
    // On a signal the folder goes at once, not when the run notices: the CLI exits as soon as
    // it has removed the containers, and a `finally` still waiting then never runs.
    const run = await unlessInterrupted(
      runLab({
        scenarios: [exerciseScenario(options.exercise, options.scenario)],
        environmentIds: options.environmentIds,
        images: options.images,
        log: options.log,
        ...(options.signal ? { signal: options.signal } : {}),
        // c-src/ for the DNS fixture server and the shared header; the solution beside them.
        sourceDirs: [C_SRC_DIR, folder],
      }),
      options.signal,
    );
    return verdictOf(options.exercise, run, solutionInfo(source, options.displayName));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
