/**
 * What became of stdout and stderr. Two different things happen to them:
 * - the reader goes away (`| head -1`, a closed `less`): EPIPE. Its business, not the lab's: the
 *   run goes on, removes its containers, writes its report files and exits as it would have.
 * - the write itself fails (`> file` on a full disk, `> /dev/full`, an I/O error): what the user
 *   asked for is not there, so the lab must not exit 0 (see `writeFailure`).
 * Without a listener either one is an uncaught `write EPIPE` that kills the lab mid-run.
 */
type StreamName = "stdout" | "stderr";

export interface WriteFailure {
  stream: StreamName;
  /** One line for a person, without the `musl-lab: ` prefix. */
  message: string;
}

const READER_GONE = new Set(["EPIPE", "ECONNRESET"]);
const WORDS: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EFBIG: "file too large",
  EIO: "input/output error",
  EBADF: "it is not open for writing",
};

let failure: WriteFailure | null = null;
let guarded = false;

/** Installs the listeners; from then on neither stream can crash the process. */
export function guardStandardStreams(): void {
  if (guarded) return;
  guarded = true;
  for (const name of ["stdout", "stderr"] as const) {
    process[name].on("error", (error: NodeJS.ErrnoException) => {
      if (READER_GONE.has(error.code ?? "") || failure) return;
      const code = error.code ?? "";
      const words = WORDS[code];
      failure = {
        stream: name,
        message: `cannot write to ${name}: ${words ? `${words} (${code})` : error.message}; what it shows is incomplete`,
      };
    });
  }
}

/** The first write that failed (other than a reader gone away), once the writes have settled. */
export function writeFailure(): WriteFailure | null {
  return failure;
}

/**
 * Calls `then` once stdout and stderr have taken everything written to them, and their errors
 * (which Node reports a tick after the write) are known. A pipe is written asynchronously: a bare
 * process.exit() after writing a 77 KiB JSON report to `| jq` cut it at 64 KiB. Write callbacks
 * run in order, so an empty write's callback means all before it is out (or failed).
 */
export function whenFlushed(then: () => void): void {
  let open = 2;
  const flushed = () => {
    open -= 1;
    if (open === 0) setImmediate(then);
  };
  process.stdout.write("", flushed);
  process.stderr.write("", flushed);
}
