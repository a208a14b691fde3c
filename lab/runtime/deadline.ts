import { InfrastructureError } from "../errors.js";

type Log = (line: string) => void;

/** A wait shorter than this is not worth a line; a longer one is said, then repeated. */
const WAIT_NOTICE_MS = 3_000;
const WAIT_REPEAT_MS = 15_000;

export interface Deadline {
  /** Who should answer, as the message names it: `the Docker engine at unix:///var/run/docker.sock`. */
  subject: string;
  /** What it was asked: `GET /info`, `a container start for environment "musl"`. */
  call: string;
  ms: number;
  /** Where a long wait says what it waits for; without it the wait is silent until the deadline. */
  log?: Log;
  /** Told the error when the deadline passes, before the caller sees it. */
  onExpired?: (error: InfrastructureError) => void;
  /** The error's line instead of "SUBJECT did not answer CALL within N s". */
  message?: string;
}

/**
 * Runs `work` and rejects with one line naming who did not answer what, and for how long, once
 * `deadline.ms` has passed: an engine that accepts a connection and never replies would otherwise
 * hang the run forever, in silence. `work` gets a signal that is aborted at the deadline, so an
 * HTTP request can be torn down instead of lingering.
 */
export async function withDeadline<T>(
  work: (signal: AbortSignal) => Promise<T>,
  deadline: Deadline,
): Promise<T> {
  const controller = new AbortController();
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let notice: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      const error = new InfrastructureError(deadlineMessage(deadline));
      deadline.onExpired?.(error);
      reject(error);
    }, deadline.ms);
  });
  const { log } = deadline;
  if (log) {
    const say = () => {
      const waited = Math.round((Date.now() - started) / 1000);
      log(
        `waiting for ${deadline.subject} to answer ${deadline.call}… (${waited} s, at most ${deadline.ms / 1000} s)`,
      );
      notice = setTimeout(say, WAIT_REPEAT_MS);
    };
    notice = setTimeout(say, WAIT_NOTICE_MS);
  }
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
    clearTimeout(notice);
  }
}

export function deadlineMessage(deadline: Deadline): string {
  return (
    deadline.message ??
    `${deadline.subject} did not answer ${deadline.call} within ${deadline.ms / 1000} s`
  );
}

/**
 * A deadline on silence rather than on total time, for work that legitimately takes minutes (an
 * image build) but shows it is alive by sending progress: `touch()` on every sign of life; the
 * promise rejects once nothing came for `ms`.
 */
export function silenceDeadline(deadline: Omit<Deadline, "log">): {
  expired: Promise<never>;
  touch: () => void;
  clear: () => void;
} {
  let timer: NodeJS.Timeout | undefined;
  let fail: (error: Error) => void = () => undefined;
  const expired = new Promise<never>((_, reject) => (fail = reject));
  // Whoever races this promise may already be done when it fires; nobody else awaits it.
  expired.catch(() => undefined);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const error = new InfrastructureError(
        `${deadline.subject} sent nothing for ${deadline.ms / 1000} s during ${deadline.call}`,
      );
      deadline.onExpired?.(error);
      fail(error);
    }, deadline.ms);
  };
  touch();
  return { expired, touch, clear: () => clearTimeout(timer) };
}
