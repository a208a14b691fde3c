import { INTERRUPT_SIGNALS, InterruptedError, type InterruptSignal } from "../errors.js";

/** Signals it takes to give up on the clean-up: the first starts it, the second is told to wait. */
const FORCED_EXIT_AT = 3;

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * The run's interruption: SIGINT, SIGTERM, SIGHUP or SIGQUIT aborts `signal` with an
 * InterruptedError as its reason, and the run ends through its one path (the abort rejects the run
 * with that error, the CLI's way out removes the containers and exits with the error's status,
 * 128 + the signal's number). Clean-up takes seconds and people press Ctrl-C again, terminals
 * close and supervisors repeat their SIGTERM: a second signal only says that the clean-up is under
 * way; a third hands the same error to `giveUp`, the CLI's exit that does not wait for the
 * clean-up. Nothing here exits the process.
 */
export class Interruption {
  private readonly controller = new AbortController();
  private received = 0;
  private listening = false;

  constructor(
    /** Called on the third signal with the first one's error: exit now, naming what is left. */
    private readonly giveUp: (error: InterruptedError, by: InterruptSignal) => void,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The error of the signal that interrupted the run, or null while none has. */
  get error(): InterruptedError | null {
    const reason: unknown = this.signal.reason;
    return reason instanceof InterruptedError ? reason : null;
  }

  /** Installs the handlers; once is enough, later calls change nothing. */
  listen(): AbortSignal {
    if (this.listening) return this.signal;
    this.listening = true;
    for (const name of INTERRUPT_SIGNALS) process.on(name, () => this.receive(name));
    return this.signal;
  }

  private receive(name: InterruptSignal): void {
    this.received += 1;
    const first = this.error;
    if (!first) {
      say(`\n${name}: removing this run's containers…`);
      this.controller.abort(new InterruptedError(name));
      return;
    }
    if (this.received < FORCED_EXIT_AT) {
      say(`${name}: still removing this run's containers; one more signal exits without waiting`);
      return;
    }
    // The status is the first signal's, as always.
    this.giveUp(first, name);
  }
}
