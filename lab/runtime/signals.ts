import { constants } from "node:os";

export type SignalName = `SIG${string}`;

const NAMES_BY_NUMBER = new Map<number, SignalName>(
  Object.entries(constants.signals).map(([name, number]) => [number, name as SignalName]),
);
// Linux has aliases (SIGIOT = SIGABRT, SIGPOLL = SIGIO); name them as users know them.
NAMES_BY_NUMBER.set(6, "SIGABRT");
NAMES_BY_NUMBER.set(29, "SIGIO");

/** Highest real-time signal on Linux; a shell status above 128 + this is a plain exit code. */
const MAX_SIGNAL = 64;

export function signalName(number: number): SignalName {
  return NAMES_BY_NUMBER.get(number) ?? (`SIG${number}` as SignalName);
}

/**
 * POSIX shells report a child killed by signal N as status 128 + N, and so does Docker for an exec
 * whose process died of a signal. A probe cannot tell us more, so the lab reads it the same way a
 * user reading `$?` would; probes never exit with such codes on purpose.
 */
export function decodeExitStatus(status: number): {
  exitCode: number | null;
  signal: SignalName | null;
} {
  if (status > 128 && status <= 128 + MAX_SIGNAL) {
    return { exitCode: null, signal: signalName(status - 128) };
  }
  return { exitCode: status, signal: null };
}

/** How early a SIGKILL may come and still be the time limit's: the shell times runs to 10 ms. */
const TIMEOUT_SLACK_MS = 100;

/**
 * Whether a run ended at its time limit: `timeout -s KILL` sent the SIGKILL, and it came when the
 * limit was up. A SIGKILL well before that came from elsewhere (the OOM killer, a probe killing
 * itself) and is reported as what it was, not as a timeout.
 */
export function endedByTimeLimit(
  signal: SignalName | null,
  durationMs: number,
  limitMs: number,
): boolean {
  return signal === "SIGKILL" && durationMs >= limitMs - TIMEOUT_SLACK_MS;
}
