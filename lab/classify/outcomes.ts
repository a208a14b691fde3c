export const OUTCOMES = [
  "as-expected",
  "expected-failure",
  "expected-build-failure",
  "fix-verified",
  "unexpected-pass",
  "unexpected-failure",
  "build-error",
  "timeout",
  "skipped",
  "infra-error",
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface OutcomeInfo {
  label: string;
  glyph: string;
  color: "green" | "yellow" | "red" | "gray" | "cyan" | "magenta";
  /** Predicted by the scenario: such outcomes keep the exit status at 0. */
  predicted: boolean;
  /** How the summary counts it. */
  summary: string;
}

/** One table for labels, marks and colours: the compiler checks that no outcome is forgotten. */
export const OUTCOME_INFO = {
  "as-expected": {
    label: "as expected",
    glyph: "✓",
    color: "green",
    predicted: true,
    summary: "as expected",
  },
  "expected-failure": {
    label: "expected failure",
    glyph: "✗",
    color: "yellow",
    predicted: true,
    summary: "expected failures demonstrated",
  },
  "expected-build-failure": {
    label: "expected build failure",
    glyph: "✗",
    color: "yellow",
    predicted: true,
    summary: "expected build failures demonstrated",
  },
  "fix-verified": {
    label: "fix verified",
    glyph: "✓",
    color: "green",
    predicted: true,
    summary: "fixes verified",
  },
  "unexpected-pass": {
    label: "UNEXPECTED PASS",
    glyph: "!",
    color: "red",
    predicted: false,
    summary: "unexpected passes",
  },
  "unexpected-failure": {
    label: "UNEXPECTED FAILURE",
    glyph: "!",
    color: "red",
    predicted: false,
    summary: "unexpected failures",
  },
  "build-error": {
    label: "BUILD ERROR",
    glyph: "!",
    color: "red",
    predicted: false,
    summary: "build errors",
  },
  timeout: { label: "TIMEOUT", glyph: "⏱", color: "red", predicted: false, summary: "timeouts" },
  skipped: { label: "skipped", glyph: "-", color: "gray", predicted: true, summary: "skipped" },
  "infra-error": {
    label: "INFRA ERROR",
    glyph: "!",
    color: "magenta",
    predicted: false,
    summary: "infrastructure errors",
  },
} as const satisfies Record<Outcome, OutcomeInfo>;
