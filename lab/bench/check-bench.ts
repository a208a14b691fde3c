/**
 * The `check` part of `npm run bench`, each measured side by side with the plain-tools way in
 * the same invocation (a benchmark, never a timed test):
 *   - `check --image` of the lab's own glibc image, predicting for glibc and musl (--no-run),
 *     against `docker create` + `docker export | tar -x` + `scanelf -R -i -n -s '+*'` over the
 *     tree (pax-utils, installed from Debian here if missing), with the check's peak RSS;
 *   - `check` of one executable with confirming runs on glibc and musl, warm.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { median } from "../measure/median.js";
import { REPO_ROOT } from "../runtime/paths.js";
import { InfrastructureError } from "../errors.js";

/** The bundle `npm run lab` builds: run directly, so the RSS sampled is the lab's own process. */
const CLI_BUNDLE = join(REPO_ROOT, ".cache/lab/run-tests.mjs");
const RSS_SAMPLE_MS = 20;

export interface CheckBenchOptions {
  glibcImage: string;
  runs: number;
  rows: [string, string][];
  log: (line: string) => void;
}

export async function benchCheck(options: CheckBenchOptions): Promise<void> {
  const { rows, log, runs } = options;
  const out = mkdtempSync(join(tmpdir(), "musl-lab-bench-check-"));
  try {
    await execa("npm", ["run", "-s", "lab", "--", "--help"], { cwd: REPO_ROOT }); // bundles once
    await ensureScanelf(log);

    process.stderr.write(`check --image ${options.glibcImage} against docker export + scanelf:\n`);
    const lab: number[] = [];
    const plain: number[] = [];
    const peaks: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const run = await measured([
        CLI_BUNDLE,
        "check",
        "--image",
        options.glibcImage,
        "--no-run",
        "--env",
        "glibc,musl",
        "--json",
        "--output-dir",
        out,
      ]);
      const tools = await plainTools(options.glibcImage);
      if (i === 0) continue; // the first also fills the image-contents cache
      lab.push(run.ms);
      peaks.push(run.peakRssKib);
      plain.push(tools);
      log(
        `run ${i}: check ${(run.ms / 1000).toFixed(2)} s (peak RSS ${(run.peakRssKib / 1024).toFixed(0)} MiB), plain tools ${(tools / 1000).toFixed(2)} s`,
      );
    }
    rows.push([
      `check --image (glibc image, --no-run, median of ${runs})`,
      `${(median(lab) / 1000).toFixed(2)} s`,
    ]);
    rows.push([
      `  docker create + export | tar -x + scanelf -R (median)`,
      `${(median(plain) / 1000).toFixed(2)} s`,
    ]);
    rows.push(["  ratio (target at most 1.5x)", `${(median(lab) / median(plain)).toFixed(2)}x`]);
    rows.push([
      "  peak RSS of the check (target at most 250 MB)",
      `${(Math.max(...peaks) / 1024).toFixed(0)} MiB`,
    ]);

    process.stderr.write("check of one executable, confirmed on glibc and musl, warm:\n");
    const binary = join(out, "true");
    await execa("cp", ["/usr/bin/true", binary]);
    const walls: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const run = await measured([
        CLI_BUNDLE,
        "check",
        binary,
        "--env",
        "glibc,musl",
        "--json",
        "--output-dir",
        out,
      ]);
      if (i > 0) walls.push(run.ms);
    }
    rows.push([
      `check one executable, confirmed (median of ${runs}; target at most 1.5 s)`,
      `${(median(walls) / 1000).toFixed(2)} s`,
    ]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Wall time and peak RSS (VmHWM, sampled until exit) of one CLI run. */
async function measured(args: string[]): Promise<{ ms: number; peakRssKib: number }> {
  const started = performance.now();
  const child = execa("node", args, { cwd: REPO_ROOT, reject: false });
  let peak = 0;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, hwm);
    } catch {
      // The process is gone: the last sample stands.
    }
  };
  const timer = setInterval(sample, RSS_SAMPLE_MS);
  const result = await child;
  clearInterval(timer);
  const ms = performance.now() - started;
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    const reason = String(result.stderr).trim().split("\n").pop() ?? "";
    throw new InfrastructureError(
      `musl-lab ${args.slice(1).join(" ")} exited ${result.exitCode}: ${reason}`,
    );
  }
  return { ms, peakRssKib: peak };
}

async function plainTools(image: string): Promise<number> {
  const tree = mkdtempSync(join(tmpdir(), "musl-lab-bench-tree-"));
  const started = performance.now();
  const created = await execa("docker", ["create", image, "true"]);
  const id = String(created.stdout).trim();
  try {
    await execa("sh", ["-c", `docker export "$1" | tar -x -C "$2"`, "sh", id, tree]);
    await execa("scanelf", ["-R", "-i", "-n", "-s", "+*", tree], { stdout: "ignore" });
    return performance.now() - started;
  } finally {
    await execa("docker", ["rm", id], { reject: false });
    rmSync(tree, { recursive: true, force: true });
  }
}

async function ensureScanelf(log: (line: string) => void): Promise<void> {
  const found = await execa("sh", ["-c", "command -v scanelf"], { reject: false });
  if (found.exitCode === 0) return;
  log("installing pax-utils (scanelf) from Debian for the comparison");
  await execa("apt-get", ["-o", "DPkg::Lock::Timeout=60", "install", "-y", "pax-utils"], {
    env: { DEBIAN_FRONTEND: "noninteractive" },
  });
}
