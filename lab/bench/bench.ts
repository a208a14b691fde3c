/**
 * `npm run bench`: the lab's speed, measured (never asserted in tests, where timing is noise).
 *
 *   1. cold offline image build of the default pair (fresh package cache, throwaway tags)
 *   2. warm `npm run lab -- SCENARIO` for each scenario, wall time, median of several runs; the
 *      lab's own duration; whether anything was built (images or probes: a warm run builds nothing)
 *   3. the same hello work done the naive way: a fresh container for every compile and every run
 *   4. `check`: an image scan and one confirmed executable, each beside the plain-tools way
 *      (lab/bench/check-bench.ts)
 *
 * Flags: --skip-cold (skip 1, which downloads ~100 MB and takes about a minute), --runs N,
 * --scenarios a,b (default: every scenario), --skip-check (skip 4).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { execa } from "execa";
import { ENVIRONMENTS } from "../environments/index.js";
import type { Environment } from "../environments/schema.js";
import { removeAllContainers } from "../runtime/container-registry.js";
import { configureTestcontainersEnv } from "../runtime/docker-engine.js";
import { ensureImage, isResolved, resolveImage, type ResolvedImage } from "../runtime/images.js";
import { C_SRC_DIR, REPO_ROOT } from "../runtime/paths.js";
import { prepareImages, type PreparedImages } from "../runtime/prepare-images.js";
import { EnvironmentSession } from "../runtime/session.js";
import { median } from "../measure/median.js";
import type { RunResult } from "../run-result.js";
import { InfrastructureError, isLabError } from "../errors.js";
import { hello } from "../scenarios/hello/index.js";
import { loadScenarios } from "../scenarios/index.js";
import { benchCheck } from "./check-bench.js";

const HELP = `usage: npm run bench -- [--skip-cold] [--skip-check] [--runs N] [--scenarios a,b]

  --skip-cold       skip the cold offline image build (downloads ~100 MB, about a minute)
  --skip-check      skip the check benchmarks (an image scan against docker export + scanelf,
                    one executable checked and confirmed)
  --runs N          warm runs per scenario; the median is reported (default 5)
  --scenarios LIST  comma-separated scenario ids (default: every scenario)
  --help            this text
`;

const SCENARIO_IDS = new Set(loadScenarios().map((scenario) => scenario.id));
const { skipCold, skipCheck, RUNS, SCENARIOS } = parseCommandLine();
const env = (id: string) => ENVIRONMENTS.get(id) as Environment;
const log = (line: string) => process.stderr.write(`  ${line}\n`);
const rows: [string, string][] = [];
const out = mkdtempSync(join(tmpdir(), "musl-lab-bench-reports-"));

try {
  await bench();
} catch (error) {
  await removeAllContainers();
  if (!isLabError(error)) throw error;
  process.stderr.write(`bench: ${error.message}\n`);
  process.exitCode = error.exitCode;
} finally {
  rmSync(out, { recursive: true, force: true });
}

async function bench(): Promise<void> {
  configureTestcontainersEnv();
  const prepared = await prepareImages([env("glibc"), env("musl")], "offline", log);
  if (!skipCold) await coldBuild(prepared.docker);
  for (const scenario of SCENARIOS) await warmRuns(scenario);

  process.stderr.write(
    "the same hello work, naively (a fresh container per compile and per run):\n",
  );
  rows.push(["hello the naive way (container per step)", await naiveHello(prepared)]);
  await removeAllContainers();
  const glibc = prepared.environments.get("glibc")?.resolution;
  if (!skipCheck && glibc && isResolved(glibc)) {
    await benchCheck({ glibcImage: glibc.tag, runs: RUNS, rows, log });
  }

  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`\nmusl-lab benchmark (${new Date().toISOString()})\n`);
  for (const [key, value] of rows) process.stdout.write(`  ${key.padEnd(width)}  ${value}\n`);
}

/** The default pair built from nothing: a fresh package cache and throwaway tags. */
async function coldBuild(docker: PreparedImages["docker"]): Promise<void> {
  process.stderr.write("cold offline build of glibc + musl (fresh package cache):\n");
  const cache = mkdtempSync(join(tmpdir(), "musl-lab-bench-cache-"));
  process.env["LAB_CACHE_DIR"] = cache;
  try {
    const images = await Promise.all(
      ["glibc", "musl"].map(async (id) => {
        const image = (await resolveImage(env(id), "offline", async () => false)) as ResolvedImage;
        return { ...image, tag: `musl-lab-bench/${id}:offline-${Date.now()}` };
      }),
    );
    const started = performance.now();
    await Promise.all(images.map((image) => ensureImage(docker, image, log)));
    rows.push(["cold offline build, default pair (parallel)", seconds(started)]);
    for (const image of images) {
      await docker
        .getImage(image.tag)
        .remove()
        .catch(() => undefined);
    }
  } finally {
    delete process.env["LAB_CACHE_DIR"];
    rmSync(cache, { recursive: true, force: true });
  }
}

/** `npm run lab -- SCENARIO` RUNS times (the first run also fills the build cache, if empty). */
async function warmRuns(scenario: string): Promise<void> {
  process.stderr.write(`warm \`npm run lab -- ${scenario}\`, ${RUNS} runs after one warm-up:\n`);
  const walls: number[] = [];
  const inLab: number[] = [];
  let built = 0;
  for (let i = 0; i <= RUNS; i++) {
    const started = performance.now();
    const run = await execa(
      "npm",
      ["run", "-s", "lab", "--", scenario, "--json", "--output-dir", out],
      { cwd: REPO_ROOT, reject: false },
    );
    const wall = performance.now() - started;
    if (run.exitCode !== 0 && run.exitCode !== 1) {
      // 2 and above: the lab could not run (its one-line reason is the last line of stderr).
      const reason = String(run.stderr).trim().split("\n").pop() ?? "";
      throw new InfrastructureError(`npm run lab -- ${scenario} exited ${run.exitCode}: ${reason}`);
    }
    const report = JSON.parse(String(run.stdout)) as RunResult;
    if (i === 0) {
      log(`warm-up: ${(wall / 1000).toFixed(2)} s, exit status ${report.exitStatus}`);
      continue;
    }
    walls.push(wall);
    inLab.push(report.durationMs);
    built += report.setup.filter((line) => line.startsWith("built image")).length;
    built += report.scenarios
      .flatMap((s) => s.cases)
      .filter((c) => c.build && !c.build.cached).length;
    log(`run ${i}: ${(wall / 1000).toFixed(2)} s, exit status ${report.exitStatus}`);
  }
  rows.push([
    `warm \`npm run lab -- ${scenario}\` (median of ${RUNS})`,
    `${(median(walls) / 1000).toFixed(2)} s`,
  ]);
  rows.push([
    "  fastest / slowest",
    `${(Math.min(...walls) / 1000).toFixed(2)} s / ${(Math.max(...walls) / 1000).toFixed(2)} s`,
  ]);
  rows.push(["  of which the lab's own work (median)", `${(median(inLab) / 1000).toFixed(2)} s`]);
  rows.push(["  images built or probes compiled", String(built)]);
}

/**
 * Every compile and every run of the hello scenario in its own fresh container, as a shell script
 * of `docker run --rm` lines would do it: start, copy in, exec, copy out, remove.
 */
async function naiveHello(prepared: PreparedImages): Promise<string> {
  const images = new Map<string, ResolvedImage>();
  for (const id of ["glibc", "musl"]) {
    const resolution = prepared.environments.get(id)?.resolution;
    if (resolution && isResolved(resolution)) images.set(id, resolution);
  }
  const sources = ["hello.c", "lab-probe.h"].map((f) => ({
    path: `/lab/src/${f}`,
    content: readFileSync(join(C_SRC_DIR, f)),
  }));
  const fresh = async (id: string) => {
    const image = images.get(id)!;
    return EnvironmentSession.start(image.environment, image.mode, image.tag);
  };
  const started = performance.now();
  const binaries = new Map<string, Buffer>();
  for (const testCase of hello.cases) {
    const { build, check } = testCase;
    if (check.kind === "run" && check.feature) continue; // gcompat: skipped offline
    const key = `${build.for}-${build.link}`;
    if (!binaries.has(key)) {
      const builder = await fresh("glibc");
      await builder.putFiles(sources);
      const cc = build.for === "musl" ? "musl-gcc" : "gcc";
      const flag = build.link === "static" ? "-static " : "";
      await builder.run(`${cc} -O2 -Wall ${flag}-o /lab/out/probe /lab/src/hello.c`, {
        user: "harness",
      });
      binaries.set(key, await builder.readFile("/lab/out/probe"));
      await builder.stop();
    }
    if (check.kind !== "run") continue;
    const target = await fresh(check.on);
    await target.putFiles([{ path: "/lab/bin/probe", content: binaries.get(key)!, mode: 0o755 }]);
    await target.run("/lab/bin/probe");
    await target.stop();
  }
  return seconds(started);
}

/** Bad input is one line and exit 2, like the lab's own CLI (lab/errors.ts). */
function parseCommandLine() {
  const usage = (message: string): never => {
    process.stderr.write(`bench: ${message} (npm run bench -- --help)\n`);
    process.exit(2);
  };
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        "skip-cold": { type: "boolean" },
        "skip-check": { type: "boolean" },
        runs: { type: "string", default: "5" },
        scenarios: { type: "string", default: [...SCENARIO_IDS].join(",") },
        help: { type: "boolean" },
      },
    });
  } catch (error) {
    return usage((error as Error).message.split("\n")[0] ?? "bad arguments");
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    usage(`--runs wants a whole number >= 1, not "${values.runs}"`);
  const scenarios = values.scenarios.split(",").filter(Boolean);
  const unknown = scenarios.filter((id) => !SCENARIO_IDS.has(id));
  if (unknown.length > 0 || scenarios.length === 0) {
    usage(
      `unknown scenario ${unknown.join(", ") || "(none given)"}; known: ${[...SCENARIO_IDS].join(", ")}`,
    );
  }
  return {
    skipCold: values["skip-cold"] === true,
    skipCheck: values["skip-check"] === true,
    RUNS: runs,
    SCENARIOS: scenarios,
  };
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}
