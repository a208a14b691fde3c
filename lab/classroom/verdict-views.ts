import { Chalk, type ChalkInstance } from "chalk";
import { box } from "../report/box.js";
import type { ConsoleOptions } from "../report/console.js";
import { hanging } from "./hanging.js";
import {
  ExerciseVerdictSchema,
  type CheckStatus,
  type CheckVerdict,
  type ExerciseVerdict,
} from "./verdict.js";

/** The views of a verdict `--format` offers for exercise checks. */
export const VERDICT_FORMATS = ["console", "json"] as const;
export type VerdictFormat = (typeof VERDICT_FORMATS)[number];

export type VerdictView = (verdict: ExerciseVerdict, options: ConsoleOptions) => string;

interface StatusInfo {
  glyph: string;
  label: string;
  color: "green" | "red" | "gray" | "magenta";
}

/** One table for the marks of a check's status: the compiler checks that none is forgotten. */
export const CHECK_STATUS_INFO = {
  pass: { glyph: "✓", label: "pass", color: "green" },
  fail: { glyph: "✗", label: "FAIL", color: "red" },
  "build-error": { glyph: "✗", label: "BUILD ERROR", color: "red" },
  timeout: { glyph: "⏱", label: "TIMEOUT", color: "red" },
  skipped: { glyph: "-", label: "not run", color: "gray" },
  "infra-error": { glyph: "!", label: "INFRA ERROR", color: "magenta" },
} as const satisfies Record<CheckStatus, StatusInfo>;

/** Compiler output shown per failed build; the JSON verdict carries all of it. */
const MAX_COMPILER_LINES = 20;

export const VERDICT_VIEWS: Record<VerdictFormat, VerdictView> = {
  console: renderVerdict,
  json: (verdict) => `${JSON.stringify(ExerciseVerdictSchema.parse(verdict), null, 2)}\n`,
};

/** The verdict as a box: one line per check and environment, the evidence under each failure. */
export function renderVerdict(verdict: ExerciseVerdict, options: ConsoleOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = Math.max(60, options.width);
  const environments = verdict.environments
    .map((e) => `${e.id} (${e.libc.family} ${e.libc.version})`)
    .join(", ");
  const lines = [
    `solution ${verdict.solution.file} · ${verdict.solution.bytes} bytes · sha256 ${verdict.solution.sha256.slice(0, 12)}`,
    `checked on ${environments || "no environment"} · ${(verdict.durationMs / 1000).toFixed(1)} s`,
    "",
  ];
  const shown = { compilerOutputs: new Set<string>(), hints: new Set<string>() };
  for (const check of verdict.checks) {
    lines.push(...renderCheck(check, c, width - 4, shown));
  }
  lines.push("", conclusion(verdict, c));
  return `${box(`exercise ${verdict.exercise}: ${verdict.title}`.slice(0, width - 8), lines, width)}\n`;
}

function renderCheck(
  check: CheckVerdict,
  c: ChalkInstance,
  inner: number,
  /** Compiler outputs and hints already shown: a repeat only points up. */
  shown: { compilerOutputs: Set<string>; hints: Set<string> },
): string[] {
  const info = CHECK_STATUS_INFO[check.status];
  const mark = c[info.color](info.glyph);
  const label = check.status === "pass" ? "" : ` ${c[info.color](`[${info.label}]`)}`;
  const lines = [`${mark} ${c.bold(check.check)} on ${check.environment}${label}: ${check.title}`];
  if (check.status === "pass") return lines;
  lines.push(...hanging("    observed: ", check.observed, inner));
  if (check.status === "build-error" && check.build) {
    lines.push(...hanging("    compiler: ", check.build.command, inner));
    if (shown.compilerOutputs.has(check.build.output)) {
      lines.push(c.dim("      (the same compiler output as above)"));
    } else {
      shown.compilerOutputs.add(check.build.output);
      const output = check.build.output.split("\n");
      for (const line of output.slice(0, MAX_COMPILER_LINES)) {
        lines.push(...hanging("      | ", line, inner).map((l) => c.dim(l)));
      }
      if (output.length > MAX_COMPILER_LINES) {
        lines.push(
          c.dim(
            `      | … ${output.length - MAX_COMPILER_LINES} more lines (--format json has all)`,
          ),
        );
      }
    }
  }
  if (check.status !== "skipped" && check.status !== "infra-error") {
    lines.push(...hanging("    wanted:   ", check.wanted, inner));
  }
  if (check.hint) {
    const text = shown.hints.has(check.hint) ? "(the same as above)" : check.hint;
    shown.hints.add(check.hint);
    const [first = "", ...rest] = hanging("    hint:     ", text, inner);
    lines.push(first.replace("hint:", c.cyan("hint:")), ...rest);
  }
  return lines;
}

function conclusion(verdict: ExerciseVerdict, c: ChalkInstance): string {
  const { passed, failed, total } = verdict.summary;
  const status = `(exit status ${verdict.exitStatus})`;
  if (verdict.exitStatus === 0) {
    return c.green(`All ${total} checks pass: the fix works on every environment. ${status}`);
  }
  if (verdict.exitStatus === 2) {
    return c.magenta(
      `The lab could not check everything (an infrastructure problem, not your code). ${status}`,
    );
  }
  const builds = verdict.checks.filter((x) => x.status === "build-error").length;
  const why = builds > 0 ? `; ${builds} could not run because the file did not compile` : "";
  return c.red(
    `Not yet: ${failed} of ${total} checks did not pass (${passed} passed${why}). Fix the file and run the same command again. ${status}`,
  );
}
