import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Observation } from "../../../lab/classify/classify.js";
import { parseMeasurements } from "../../../lab/classify/measurements.js";
import type { LibcFamily } from "../../../lab/environments/schema.js";

/** The four environments a recorded fixture folder holds, each in its own file. */
export const RECORDED_ENVIRONMENTS = [
  { id: "glibc", file: "glibc-2.41.txt", libc: { family: "glibc" as LibcFamily, version: "2.41" } },
  { id: "musl", file: "musl-1.2.5.txt", libc: { family: "musl" as LibcFamily, version: "1.2.5" } },
  {
    id: "musl-1.2.3",
    file: "musl-1.2.3.txt",
    libc: { family: "musl" as LibcFamily, version: "1.2.3" },
  },
  {
    id: "glibc-2.36",
    file: "glibc-2.36.txt",
    libc: { family: "glibc" as LibcFamily, version: "2.36" },
  },
];
export type RecordedEnvironment = (typeof RECORDED_ENVIRONMENTS)[number];

/**
 * Real probe output cut out of a fixture file (test/fixtures/<scenario>/) by its `### header`
 * line: a case id, or `<case id> stderr`. Null when that run was not recorded (an environment
 * joins only the cases that bring it along).
 */
export function recordedSection(folder: string, file: string, header: string): string | null {
  const text = readFileSync(join(folder, file), "utf8");
  const start = text.indexOf(`### ${header}\n`);
  if (start < 0) return null;
  const body = text.slice(start + header.length + 5);
  const end = body.indexOf("\n### ");
  return end < 0 ? body : body.slice(0, end + 1);
}

/** A clean exit that printed this: what the harness would observe. */
export function ranWith(stdout: string, stderr = ""): Observation {
  return {
    kind: "ran",
    exitCode: 0,
    signal: null,
    stdout,
    stderr,
    timedOut: false,
    durationMs: 5,
    measurements: parseMeasurements(stdout),
  };
}
