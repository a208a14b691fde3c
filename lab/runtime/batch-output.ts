/**
 * The batch program's output read back (lab/runtime/batch.sh writes it). Pure: text in, runs out;
 * no Docker, so every odd output can be tried in a unit test.
 */

export interface BatchRun {
  /** The shell status, or null when the run's setup failed and the command never ran. */
  status: number | null;
  stdout: string;
  stderr: string;
  after: string;
  durationMs: number;
  /** How often the cgroup's OOM killer struck during the run. */
  oomKills: number;
  /** How many forks the pids limit refused during the run. */
  forksRefused: number;
  truncated: Partial<Record<"stdout" | "stderr", number>>;
}

/**
 * Splits a batch's output: `head`'s `==> MARK-i.stream <==` headers open each run's stdout, stderr
 * and teardown output (each followed by one separating newline), then one status line per run and
 * a `trunc` line per stream cut at the cap. Null when a run is missing (the script did not finish).
 */
export function parseBatchOutput(output: string, mark: string, count: number): BatchRun[] | null {
  const runs: Partial<BatchRun>[] = Array.from({ length: count }, () => ({ truncated: {} }));
  const quoted = mark.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(
    `^(?:==> ${quoted}-(\\d+)\\.(out|err|after) <==|${quoted} (status|trunc) (\\d+) (.*))$`,
    "gm",
  );
  const marks = [...output.matchAll(pattern)];
  for (const [n, match] of marks.entries()) {
    const [, fileRun, stream, kind, lineRun, rest = ""] = match;
    const run = runs[Number(fileRun ?? lineRun)];
    if (!run) return null;
    if (kind === "status") {
      const [status, start, end, ooms, refused] = rest.split(" ");
      const code = status === "setup" ? null : Number(status);
      if (code !== null && Number.isNaN(code)) return null;
      run.status = code;
      run.durationMs = Math.round((Number(end ?? 0) - Number(start ?? 0)) * 1000);
      run.oomKills = Number(ooms ?? 0) || 0;
      run.forksRefused = Number(refused ?? 0) || 0;
      continue;
    }
    if (kind === "trunc") {
      const [which, size] = rest.split(" ");
      if (which === "out" || which === "err") {
        run.truncated![which === "out" ? "stdout" : "stderr"] = Number(size);
      }
      continue;
    }
    const from = (match.index ?? 0) + match[0].length + 1;
    const to = marks[n + 1]?.index ?? output.length;
    // One newline separates each file from what follows (head's, or the script's echo).
    const text = output.slice(from, to).replace(/\n$/, "");
    if (stream === "out") run.stdout = text;
    else if (stream === "err") run.stderr = text;
    else run.after = text;
  }
  const complete = (r: Partial<BatchRun>) =>
    r.status !== undefined && r.stdout !== undefined && r.stderr !== undefined;
  if (!runs.every(complete)) return null;
  return runs.map((r) => ({ ...r, after: r.after ?? "" }) as BatchRun);
}
