/**
 * Known failures of the lab itself (not of a probe). Each one is shown to the user as one line and
 * ends the process with exit status 2; anything else is a bug and is re-thrown with its stack.
 *
 * A misbehaving probe is never an error: it is an outcome (see lab/classify/outcomes.ts).
 */
import type { z } from "zod";

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

/**
 * The signals that interrupt a run, and the status the lab then exits with: the shell's 128 + the
 * signal's number, so a script can tell Ctrl-C from a failure. SIGHUP is a closed terminal or a
 * dropped ssh session, SIGQUIT is Ctrl-\. The one table of these numbers.
 */
export const INTERRUPT_EXIT_STATUS = {
  SIGHUP: 129,
  SIGINT: 130,
  SIGQUIT: 131,
  SIGTERM: 143,
} as const satisfies Record<string, number>;
export type InterruptSignal = keyof typeof INTERRUPT_EXIT_STATUS;
export const INTERRUPT_SIGNALS = Object.keys(INTERRUPT_EXIT_STATUS) as InterruptSignal[];

/**
 * One of INTERRUPT_SIGNALS arrived; the CLI removes the run's containers and exits with its status.
 * The error is the abort's reason: whatever notices the abort rejects with it (or with one naming
 * the same signal), and the CLI's way out takes the status from it, nowhere else.
 */
export class InterruptedError extends LabError {
  readonly kind = "interrupted";
  override readonly exitCode: number;
  constructor(readonly signal: InterruptSignal) {
    super(`interrupted by ${signal}`);
    this.exitCode = INTERRUPT_EXIT_STATUS[signal];
  }
}

/**
 * Settles as `work` does, or rejects with an InterruptedError the moment `signal` aborts: a run
 * stuck in an engine call must not hold up the way out, and the caller's `finally` (a temporary
 * folder) runs at once. `work` goes on in the background; its rejection is nobody's to report.
 */
export function unlessInterrupted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (!signal) return work;
  work.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const interrupted = () => reject(interruptionOf(signal));
    if (signal.aborted) return interrupted();
    signal.addEventListener("abort", interrupted, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", interrupted));
  });
}

/** The InterruptedError an aborted signal carries (or one for the signal its reason names). */
export function interruptionOf(signal: AbortSignal): InterruptedError {
  const reason: unknown = signal.reason;
  return reason instanceof InterruptedError
    ? reason
    : new InterruptedError(interruptSignalOf(reason));
}

/** The abort reason as the signal it names; an abort for another reason reads as Ctrl-C. */
function interruptSignalOf(reason: unknown): InterruptSignal {
  return INTERRUPT_SIGNALS.find((s) => s === reason) ?? "SIGINT";
}

export function isLabError(error: unknown): error is LabError {
  return error instanceof LabError;
}

/**
 * A zod failure in one line, for a ConfigurationError: the first issue, where it is and what is
 * wrong (`cases.0.id: Invalid string`). One issue is enough to fix the data and run again; a list
 * of every issue would drown it. Not escaped: callers quoting a user's file escape the line.
 */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`;
}
