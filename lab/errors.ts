/**
 * Known failures of the lab itself (not of a probe). Each one is shown to the user as one line and
 * ends the process with exit status 2; anything else is a bug and is re-thrown with its stack.
 *
 * A misbehaving probe is never an error: it is an outcome (see lab/classify/outcomes.ts).
 */
export type LabErrorKind = "usage" | "configuration" | "infrastructure" | "interrupted";

export abstract class LabError extends Error {
  abstract readonly kind: LabErrorKind;
  /** Exit status the CLI ends with when this error reaches it. */
  readonly exitCode: number = 2;
}

/** The user asked for something that does not exist or does not fit together. */
export class UsageError extends LabError {
  readonly kind = "usage";
}

/** Scenario or environment data that does not match its schema. */
export class ConfigurationError extends LabError {
  readonly kind = "configuration";
}

/** Docker, an image build, the host's package manager: what the lab stands on failed. */
export class InfrastructureError extends LabError {
  readonly kind = "infrastructure";
  constructor(
    message: string,
    /** Extra evidence (a build log tail, a daemon log path) printed after the one-line message. */
    readonly details?: string,
  ) {
    super(message);
  }
}

/** SIGINT/SIGTERM arrived; the containers are already gone when this is thrown. */
export class InterruptedError extends LabError {
  readonly kind = "interrupted";
  override readonly exitCode: number;
  constructor(readonly signal: "SIGINT" | "SIGTERM") {
    super(`interrupted by ${signal}; every container of this run was removed`);
    // Shell convention: 128 + signal number, so scripts can tell Ctrl-C from a failure.
    this.exitCode = signal === "SIGINT" ? 130 : 143;
  }
}

export function isLabError(error: unknown): error is LabError {
  return error instanceof LabError;
}
