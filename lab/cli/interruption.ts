import {
  INTERRUPT_EXIT_STATUS,
  INTERRUPT_SIGNALS,
  interruptSignalOf,
  type InterruptSignal,
} from "../errors.js";
import { containersNotRemoved, describeLeftovers } from "../runtime/container-registry.js";

/** Signals it takes to give up on the clean-up: the first starts it, the second is told to wait. */
const FORCED_EXIT_AT = 3;

/** How long the forced exit waits for its last line to reach stderr. */
const LAST_WORDS_MS = 1_000;

function say(line: string, then?: () => void): void {
  process.stderr.write(`${line}\n`, then);
}

/**
 * The run's interruption: SIGINT, SIGTERM, SIGHUP or SIGQUIT aborts `signal`, and the run ends
 * through its one path (the abort rejects the run with an InterruptedError, the CLI removes the
 * containers and exits 128 + the signal's number). Clean-up takes seconds and people press Ctrl-C
 * again, terminals close and supervisors repeat their SIGTERM: a second signal only says that the
 * clean-up is under way; a third exits at once, naming what it leaves.
 */
export class Interruption {
  private readonly controller = new AbortController();
  private received = 0;
  private listening = false;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The signal that interrupted the run, or null while none has. */
  get by(): InterruptSignal | null {
    return this.signal.aborted ? interruptSignalOf(this.signal.reason) : null;
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
    if (this.received === 1) {
      say(`\n${name}: removing this run's containers…`);
      this.controller.abort(name);
      return;
    }
    if (this.received < FORCED_EXIT_AT) {
      say(`${name}: still removing this run's containers; one more signal exits without waiting`);
      return;
    }
    const left = describeLeftovers(containersNotRemoved()) ?? "no container of this run is left";
    // The one exit outside the CLI's way out: that way is what is stuck (an engine that does not
    // answer), and the person asked three times. The status is the first signal's, as always.
    const exit = () => process.exit(INTERRUPT_EXIT_STATUS[this.by ?? name]);
    // Exit once the line is out, but not later than a moment: a reader that stopped reading
    // must not keep the lab alive.
    setTimeout(exit, LAST_WORDS_MS).unref();
    say(`musl-lab: ${name} a third time: exiting without waiting for the clean-up; ${left}`, exit);
  }
}
