import type { RunResult } from "../run-result.js";
import { renderConsole } from "./console.js";
import { renderHtml } from "./html.js";
import { writeJsonReport } from "./json.js";
import { renderJunit } from "./junit.js";
import { REPORT_EXTENSIONS, writeReport } from "./write-report.js";

/** The views of one RunResult the CLI can produce (`--format`). */
export const FORMATS = ["console", "json", "junit", "html"] as const;
export type Format = (typeof FORMATS)[number];

/** One options type for every reporter: each takes what it needs. */
export interface ReporterOptions {
  /** Where report files go (`--output-dir`, default reports/). */
  outputDir: string;
  /** `--junit FILE`: the JUnit XML goes there instead of the output directory. */
  junitFile: string | null;
  /** Colour on or off for the console; the CLI decides from NO_COLOR, FORCE_COLOR and the TTY. */
  color: boolean;
  /** Width of the console's boxes in columns. */
  width: number;
}

export interface ReporterOutput {
  /** Text for stdout, or null when the reporter only writes files. */
  stdout: string | null;
  /** Files written, each with what it is (`HTML report`), for the closing lines of the CLI. */
  files: { what: string; path: string }[];
}

export type Reporter = (result: RunResult, options: ReporterOptions) => ReporterOutput;

/**
 * Files go to `<output dir>/<UTC start time>.<ext>` and `latest.<ext>` (both atomically); only the
 * timestamped path is announced, as it is the one that stays.
 */
export const REPORTERS = {
  console: (result, options) => ({ stdout: `${renderConsole(result, options)}\n`, files: [] }),
  json: (result, options) => ({
    stdout: null,
    files: [{ what: "JSON report", path: writeJsonReport(result, options.outputDir).report }],
  }),
  junit: (result, options) => {
    const [path = ""] = writeReport(result, renderJunit(result), {
      directory: options.outputDir,
      extension: REPORT_EXTENSIONS.junit,
      file: options.junitFile,
      what: "JUnit report",
    });
    return { stdout: null, files: [{ what: "JUnit report", path }] };
  },
  html: (result, options) => {
    const [path = ""] = writeReport(result, renderHtml(result), {
      directory: options.outputDir,
      extension: REPORT_EXTENSIONS.html,
      what: "HTML report",
    });
    return { stdout: null, files: [{ what: "HTML report", path }] };
  },
} satisfies Record<Format, Reporter>;
