import type { CheckVerdict } from "./check-result.js";

/** What a confirming run left behind: enough to tell which wall, if any, it met. */
export interface RunEvidence {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** The run went through the dlopen probe (a shared object), which prints `dlopen=…` lines. */
  viaDlopen: boolean;
  /** A program without PT_INTERP: no loader runs before it, so any 127 after the shell is its own. */
  loaderless?: boolean;
}

/**
 * The loaders' and shells' own words, first match wins. The shell, musl's loader and glibc's
 * loader all exit 127 for different reasons, so the exit status alone says nothing: what was
 * printed does. Each pattern is a message measured on the lab's images (see predict.ts for the
 * same messages predicted).
 */
const WALLS: readonly { verdict: CheckVerdict; pattern: RegExp }[] = [
  // busybox ash runs a file execve refused with ENOEXEC as a script: its ELF header is "not found".
  {
    verdict: "wrong-architecture",
    pattern:
      /Exec format error|exec format error|line 1: \x7fELF|wrong ELF class|invalid ELF header|cannot execute binary file/,
  },
  {
    verdict: "missing-library",
    pattern:
      /Error loading shared library \S+: No such file|error while loading shared libraries: \S+: cannot open shared object file|^\S+: cannot open shared object file/m,
  },
  { verdict: "glibc-too-old", pattern: /version `GLIBC_[^']+' not found/ },
  // A version of another library (GLIBCXX_3.4.32): the library is there, its newer symbols are not.
  { verdict: "missing-symbols", pattern: /version `[^']+' not found/ },
  {
    verdict: "missing-symbols",
    pattern:
      /Error relocating [^\n]*: symbol not found|symbol lookup error: [^\n]*undefined symbol|: undefined symbol: /,
  },
  {
    verdict: "missing-interpreter",
    pattern:
      /(^|: )(\d+: )?\S+: not found$|cannot execute: required file not found|no such file or directory$/m,
  },
];

/** The symbols a loader named as missing in this run's output, in order. */
export function missingSymbolsIn(text: string): string[] {
  const found = [
    ...[...text.matchAll(/Error relocating [^\n]*?: ([^\s:]+): symbol not found/g)].map(
      (m) => m[1]!,
    ),
    ...[...text.matchAll(/undefined symbol: ([^\s,]+)/g)].map((m) => m[1]!),
  ];
  return [...new Set(found)];
}

/**
 * The wall the run met, or `runs` when it started, whatever it did next: a program that then
 * exits 1 because it wants a config file or a server has started, and that is what a CI gate
 * asks. Null when the run cannot tell: a shared object's load stopped at a symbol its host
 * program would provide (a bare dlopen cannot get further), a 127 in words no loader uses, or a
 * dlopen probe that died or hung (the library's constructors ran: classify-check.ts counts that
 * as a failure, not as a confirmation).
 */
export function observe(
  run: RunEvidence,
  isHostSymbol: (name: string) => boolean,
): { observed: CheckVerdict | null; note: string } {
  if (run.viaDlopen) {
    if (/^dlopen=ok$/m.test(run.stdout))
      return { observed: "runs", note: "dlopen succeeded (RTLD_NOW: every symbol bound)" };
    const error = /^dlopen_error=(.*)$/m.exec(run.stdout)?.[1];
    if (error === undefined) return { observed: null, note: describeEnd(run, "the dlopen probe") };
    const symbols = missingSymbolsIn(error);
    if (symbols.length > 0 && symbols.every(isHostSymbol)) {
      return {
        observed: null,
        note: `dlopen stopped at ${symbols[0]}, which the host program provides: a bare dlopen cannot tell more`,
      };
    }
    const wall = WALLS.find((w) => w.pattern.test(error));
    return { observed: wall?.verdict ?? null, note: `dlopen failed: ${error}` };
  }
  // Both loaders and the shell say why on stderr and exit 127 (dash: 126 for ENOEXEC); any other
  // end means the program started, whatever it printed (its own "cannot open shared object
  // file" for a plugin is the program talking, not the loader).
  if ((run.exitCode === 127 || run.exitCode === 126) && !run.timedOut) {
    const wall = WALLS.find((w) => w.pattern.test(run.stderr));
    if (wall)
      return { observed: wall.verdict, note: `exit ${run.exitCode}: ${firstLine(run.stderr)}` };
    // Loaders print nothing on stdout; a static program has none: then the 127 is the program's
    // (busybox answers `--version` with "applet not found", exit 127).
    if (run.loaderless || run.stdout.trim() !== "") {
      return { observed: "runs", note: `started: ${describeEnd(run, "it")}` };
    }
    return {
      observed: null,
      note: `exit ${run.exitCode}, in words the lab does not know: ${firstLine(run.stderr) || "nothing on stderr"}`,
    };
  }
  return { observed: "runs", note: `started: ${describeEnd(run, "it")}` };
}

function describeEnd(run: RunEvidence, what: string): string {
  if (run.timedOut) return `still running at the time limit, then killed (${what} was running)`;
  if (run.signal) return `${what} died of ${run.signal}`;
  const said = firstLine(run.stdout) || firstLine(run.stderr);
  return `exit ${run.exitCode ?? "?"}${said ? `, printed "${said.slice(0, 120)}"` : ", printed nothing"}`;
}

function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .find((l) => l.trim() !== "")
      ?.trim() ?? ""
  );
}
