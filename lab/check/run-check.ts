import { readFileSync } from "node:fs";
import { join } from "node:path";
import { concludeRun } from "../compare/exit-status.js";
import { ElfFormatError, formatElfSummary, readElf, type ElfInfo } from "../elf/read-elf.js";
import type { Environment, LibcFamily } from "../environments/schema.js";
import { countOutcomes, SCHEMA_VERSION, type RunResult } from "../run-result.js";
import { buildKey, compileAll, type BuildJob } from "../run/compile-all.js";
import type { StartedEnvironment } from "../run/executor.js";
import { planRun, selectEnvironments } from "../run/plan.js";
import { createRunContext, type RunContext } from "../run/run-context.js";
import type { Log } from "../runtime/docker-engine.js";
import { DockerExecutor } from "../runtime/docker-executor.js";
import { isResolved, type ImagesOption } from "../runtime/images.js";
import { C_SRC_DIR } from "../runtime/paths.js";
import { prepareImages, type PreparedEnvironment } from "../runtime/prepare-images.js";
import { WORK_DIR } from "../runtime/session.js";
import { ScenarioSchema, type Build, type Scenario } from "../scenarios/schema.js";
import { TOOL_VERSION } from "../version.js";
import { fixesFor, hintsFor } from "./advice.js";
import { cellOf } from "./classify-check.js";
import type {
  ArtifactFacts,
  CheckedArtifact,
  CheckReport,
  Confirmation,
  Prediction,
} from "./check-result.js";
import { collectElfFiles, type CollectedFile } from "./collect.js";
import { walkImage } from "./walk-image.js";
import { ContentsBuilder, type ImageContents } from "./image-contents.js";
import { ContentsCache } from "./contents-cache.js";
import { observe } from "./observe.js";
import { isHostSymbolOf, predict } from "./predict.js";

export interface CheckOptions {
  /** Paths to check (absolute, resolved by the CLI), with how the user wrote each. */
  targets: { path: string; given: string }[];
  /** `--image`: a local image to scan instead of paths. */
  image: string | null;
  environmentIds: string[];
  images: ImagesOption;
  /** What a confirming run passes an executable; null with --no-run. */
  runArgs: string[] | null;
  /** For the hints: the lessons an artifact's imports point at. */
  scenarios: readonly Scenario[];
  log: Log;
  signal?: AbortSignal;
}

/** Where artifacts go in a container: a folder per chunk, a folder per artifact, a tame name. */
const CHECK_DIR = `${WORK_DIR}/check`;
/** A confirming run is `--version`: anything still running after this has started. */
const CONFIRM_TIMEOUT_MS = 5_000;
/** Artifacts predicted and confirmed together: bounded in count and bytes held in memory. */
const CHUNK_FILES = 40;
const CHUNK_BYTES = 32 * 1024 * 1024;

const DLOPEN_PROBE = "check-dlopen.c";

/**
 * `check`: collects the ELF files named (paths, archives, or an image), predicts for each
 * environment from the file's bytes and that environment image's contents, then, unless --no-run,
 * runs each one in each environment's container and compares. Artifacts stream through in
 * chunks: an image of 750 programs is never held in memory at once.
 */
export async function runCheck(options: CheckOptions): Promise<RunResult> {
  const startedMs = Date.now();
  const startedAt = new Date(startedMs).toISOString();
  const { log } = options;
  const selected = selectEnvironments(options.environmentIds);
  const { setup, environments: prepared } = await prepareImages(selected, options.images, log);
  const targets = selected.filter((e) => isResolved(prepared.get(e.id)!.resolution));

  const contents = new Map<string, ImageContents>();
  for (const environment of targets) {
    contents.set(
      environment.id,
      await contentsOf(prepared.get(environment.id)!, log, options.signal),
    );
  }
  const world: World = {
    selected,
    contents,
    libcExports: [...contents].map(([id, c]) => ({
      family: selected.find((e) => e.id === id)!.family,
      id,
      exports: libcExportsOf(c),
    })),
    scenarios: options.scenarios,
    skipReasons: new Map(
      selected.map((e) => {
        const resolution = prepared.get(e.id)!.resolution;
        return [e.id, isResolved(resolution) ? "" : resolution.unavailable];
      }),
    ),
  };

  const executor = new DockerExecutor();
  try {
    const dlopenScenario = dlopenProbeScenario();
    const context = createRunContext({
      instances: planRun(
        [dlopenScenario],
        targets.filter((e) => !e.variant).map((e) => e.id),
      ),
      environments: prepared,
      sources: [DLOPEN_PROBE, "lab-probe.h"].map((f) => ({
        path: `${WORK_DIR}/src/${f}`,
        content: readFileSync(join(C_SRC_DIR, f)),
      })),
      executor,
      log,
      signal: options.signal,
    });
    const confirm = options.runArgs
      ? confirmer(context, targets, dlopenScenario.cases[0]!.build, options.runArgs)
      : null;

    const report: CheckReport = {
      targets: options.image ? [options.image] : options.targets.map((t) => t.given),
      image: options.image,
      runArgs: options.runArgs,
      artifacts: [],
      skipped: [],
      counts: { files: 0, elf: 0, notElf: 0, skipped: 0 },
    };
    let chunk: Pending[] = [];
    let chunkBytes = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      const done = chunk;
      chunk = [];
      chunkBytes = 0;
      if (confirm) await confirm(done);
      for (const pending of done) report.artifacts.push(finish(pending));
      log(
        `checked ${report.artifacts.length} artifact${report.artifacts.length === 1 ? "" : "s"} (${collection.counts.files} files looked at)`,
      );
    };

    const collection = collectElfFiles(
      options.image ? { image: options.image } : { paths: options.targets.map((t) => t.path) },
      { signal: options.signal, log },
    );
    const shown = displayAsGiven(options.targets);
    for await (const found of collection) {
      context.stopIfInterrupted();
      const item = { ...found, path: shown(found.path) };
      if (item.kind === "skipped") {
        report.skipped.push({ path: item.path, reason: item.skipped });
        continue;
      }
      if (item.kind === "not-elf") {
        // A file the user named is a question they asked; one found in a folder is only counted.
        await flush(); // reports keep the order the files were found in
        report.artifacts.push(notElfArtifact(item.path, item.size, item.why, world));
        continue;
      }
      const analysed = analyse(item, world, report);
      if (analysed === null) continue;
      if (analysed.kind === "settled") {
        await flush();
        report.artifacts.push(analysed.artifact);
        continue;
      }
      const { pending } = analysed;
      chunk.push(pending);
      // Only a confirming run needs the bytes again: a prediction keeps the facts, never the file.
      if (!confirm) pending.bytes = null;
      chunkBytes += pending.bytes?.byteLength ?? 0;
      if (chunk.length >= CHUNK_FILES || chunkBytes >= CHUNK_BYTES) await flush();
    }
    await flush();
    report.counts = {
      files: collection.counts.files,
      elf: collection.counts.elf,
      notElf: collection.counts.notElf,
      skipped: report.skipped.length,
    };

    const detected = await Promise.all(context.started().map(async (s) => (await s).detected));
    const cells = report.artifacts.flatMap((a) => a.cells);
    return concludeRun(
      {
        schemaVersion: SCHEMA_VERSION,
        tool: { name: "musl-lab", version: TOOL_VERSION },
        startedAt,
        durationMs: Date.now() - startedMs,
        images: options.images,
        setup,
        environments: detected.sort(
          (a, b) =>
            selected.findIndex((e) => e.id === a.id) - selected.findIndex((e) => e.id === b.id),
        ),
        scenarios: [],
        checks: report,
        summary: countOutcomes(cells.map((c) => c.outcome)),
      },
      null,
    );
  } finally {
    await executor.stop();
  }
}

/** An artifact predicted in every environment, waiting for its confirming runs. */
interface Pending {
  path: string;
  size: number;
  /** The file, until its confirming runs are done (null with --no-run). */
  bytes: Buffer | null;
  elf: ElfInfo;
  facts: ArtifactFacts;
  hints: CheckedArtifact["hints"];
  /** Where it sits in the containers (set when the chunk is copied). */
  runPath: string;
  cells: Map<
    string,
    {
      environment: Environment;
      prediction: Prediction | null;
      confirmation: Confirmation | null;
      skipReason: string | null;
    }
  >;
  isHostSymbol: (name: string) => boolean;
}

let sequence = 0;

/** What every artifact is checked against: the environments, their images' contents, the lessons. */
interface World {
  selected: Environment[];
  contents: Map<string, ImageContents>;
  libcExports: { family: LibcFamily; id: string; exports: ReadonlySet<string> }[];
  scenarios: readonly Scenario[];
  /** Why an environment has no image (empty for those that have one). */
  skipReasons: Map<string, string>;
}

function analyse(
  item: Extract<CollectedFile, { kind: "elf" }>,
  world: World,
  report: CheckReport,
): { kind: "pending"; pending: Pending } | { kind: "settled"; artifact: CheckedArtifact } | null {
  const { selected, contents, libcExports, scenarios, skipReasons } = world;
  let elf: ElfInfo;
  try {
    elf = readElf(item.bytes);
  } catch (error) {
    if (!(error instanceof ElfFormatError)) throw error;
    return {
      kind: "settled",
      artifact: notElfArtifact(item.path, item.size, error.message, world),
    };
  }
  if (elf.kind === "relocatable" || elf.kind === "core" || elf.kind === "unknown") {
    report.skipped.push({
      path: item.path,
      reason:
        elf.kind === "relocatable"
          ? "an object file (.o): linked into programs, never run or loaded by itself"
          : `an ELF ${elf.kind} file: nothing a loader runs`,
    });
    return null;
  }
  const facts = factsOf(elf);
  const runPath = `${CHECK_DIR}/${(sequence += 1)}/${tameName(item.path)}`;
  const cells: Pending["cells"] = new Map();
  for (const environment of selected) {
    const image = contents.get(environment.id);
    cells.set(environment.id, {
      environment,
      prediction: image
        ? predict({
            artifact: elf,
            runPath,
            family: environment.family,
            contents: image,
            others: libcExports.filter((l) => l.id !== environment.id),
          })
        : null,
      confirmation: null,
      skipReason: image ? null : skipReasons.get(environment.id) || null,
    });
  }
  const pending: Pending = {
    path: item.path,
    size: item.size,
    bytes: item.bytes,
    elf,
    facts,
    hints: hintsFor(facts, scenarios),
    runPath,
    cells,
    isHostSymbol: isHostSymbolOf(elf),
  };
  return { kind: "pending", pending };
}

/**
 * Runs each chunk in every environment: the files copied in, one batch of contained runs (an
 * executable with the --run arguments; a shared object through the dlopen probe built for that
 * libc), the files removed again.
 */
function confirmer(
  context: RunContext,
  targets: Environment[],
  dlopenBuild: Build,
  runArgs: string[],
) {
  let probes: Promise<Map<string, BuildJob>> | null = null;
  const probeFor = async (environment: Environment): Promise<string | null> => {
    probes ??= compileAll(context);
    const jobs = await probes;
    const base = environment.variant
      ? (targets.find((e) => e.id === environment.variant?.of) ?? environment)
      : environment;
    // The probe's job, as compileAll keyed it for the plain environment it was built for.
    const job = jobs.get(buildKey(dlopenBuild, base));
    if (!job?.binary) return null;
    const started = await context.startEnvironment(environment.id);
    const path = `${WORK_DIR}/bin/${job.binaryName}`;
    await started.putFiles([{ path, content: job.binary, mode: 0o755 }]);
    return path;
  };
  const probePaths = new Map<string, Promise<string | null>>();

  return async (chunk: Pending[]) => {
    await Promise.all(
      targets.map(async (environment) => {
        const started = await context.startEnvironment(environment.id);
        const needsProbe = chunk.some((p) => p.elf.kind === "shared-object");
        if (needsProbe && !probePaths.has(environment.id)) {
          probePaths.set(environment.id, probeFor(environment));
        }
        const probe = needsProbe ? await probePaths.get(environment.id)! : null;
        await confirmChunk(started, chunk, environment, runArgs, probe);
      }),
    );
  };
}

async function confirmChunk(
  started: StartedEnvironment,
  chunk: Pending[],
  environment: Environment,
  runArgs: string[],
  probe: string | null,
): Promise<void> {
  const runnable = chunk.filter((p) => p.elf.kind !== "shared-object" || probe !== null);
  if (runnable.length === 0) return;
  await started.putFiles(
    runnable.map((p) => ({ path: p.runPath, content: p.bytes!, mode: 0o755 })),
  );
  const commands = runnable.map((p) =>
    p.elf.kind === "shared-object"
      ? `${quote(probe!)} ${quote(p.runPath)}`
      : [p.runPath, ...runArgs].map(quote).join(" "),
  );
  try {
    const runs = await started.runBatch(
      commands.map((command) => ({ command, timeoutMs: CONFIRM_TIMEOUT_MS })),
    );
    runnable.forEach((pending, index) => {
      const run = runs[index]!;
      const seen = observe(
        {
          ...run,
          signal: run.signal,
          viaDlopen: pending.elf.kind === "shared-object",
          loaderless: pending.elf.interpreter === null,
        },
        pending.isHostSymbol,
      );
      const cell = pending.cells.get(environment.id)!;
      cell.confirmation = {
        command: run.command,
        exitCode: run.exitCode,
        signal: run.signal,
        timedOut: run.timedOut,
        stdout: run.stdout,
        stderr: run.stderr,
        durationMs: run.durationMs,
        observed: seen.observed,
        note: seen.note,
      };
    });
  } finally {
    const folders = [...new Set(runnable.map((p) => p.runPath.replace(/\/[^/]+$/, "")))];
    // The clean-up must not hide what the runs' failure was: the container goes at the end anyway.
    await started
      .run(`rm -rf ${folders.map(quote).join(" ")}`, { user: "harness" })
      .catch(() => undefined);
  }
}

function finish(pending: Pending): CheckedArtifact {
  return {
    path: pending.path,
    size: pending.size,
    facts: pending.facts,
    formatError: null,
    hints: pending.hints,
    cells: [...pending.cells.values()].map(
      ({ environment, prediction, confirmation, skipReason }) =>
        cellOf(environment, prediction, confirmation, skipReason),
    ),
  };
}

function notElfArtifact(
  path: string,
  size: number,
  why: string,
  { selected, contents, skipReasons }: World,
): CheckedArtifact {
  return {
    path,
    size,
    facts: null,
    formatError: why,
    hints: [],
    cells: selected.map((environment) =>
      contents.has(environment.id)
        ? {
            environment: environment.id,
            prediction: null,
            confirmation: null,
            verdict: "not-elf" as const,
            outcome: "expected-failure" as const,
            explanation: `${why}: no loader runs it`,
            fixes: fixesFor("not-elf", environment.family, null),
          }
        : cellOf(environment, null, null, skipReasons.get(environment.id) || null),
    ),
  };
}

export function factsOf(elf: ElfInfo): ArtifactFacts {
  return {
    class: elf.class,
    machine: elf.machine,
    kind: elf.kind,
    interpreter: elf.interpreter,
    soname: elf.soname,
    needed: elf.needed,
    rpath: elf.rpath,
    runpath: elf.runpath,
    versionRequirements: elf.versionRequirements,
    highestGlibcVersion: elf.highestGlibcVersion,
    imports: elf.imports.filter((i) => !i.weak).map((i) => i.name),
    weakImports: elf.imports.filter((i) => i.weak).map((i) => i.name),
    gnuStackSize: elf.gnuStackSize,
    tlsSize: elf.tls?.size ?? null,
    summary: formatElfSummary(elf),
  };
}

/** The index of an environment's image: from the cache, or read from the engine once. */
async function contentsOf(
  prepared: PreparedEnvironment,
  log: Log,
  signal: AbortSignal | undefined,
): Promise<ImageContents> {
  const cache = new ContentsCache();
  const imageId = prepared.imageId!;
  const cached = cache.get(imageId);
  if (cached) return cached;
  const resolution = prepared.resolution;
  if (!isResolved(resolution)) throw new Error(`no image for ${prepared.environment.id}`);
  const started = Date.now();
  log(`image ${resolution.tag}: reading its files for the loader's view (once per image)`);
  const builder = new ContentsBuilder();
  for await (const record of walkImage(resolution.tag, {
    signal,
    want: (entry) => (builder.wants({ ...entry, target: entry.linkTarget }) ? "whole" : "none"),
    log,
  })) {
    const { entry, content } = record;
    builder.add(
      { path: entry.path, type: entry.type, target: entry.linkTarget, size: entry.size },
      content.read === "whole" ? content.bytes : null,
    );
  }
  const contents = builder.done();
  cache.put(imageId, contents);
  log(
    `image ${resolution.tag}: ${contents.entries.size} paths, ${contents.elves.size} libraries (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return contents;
}

/** What the environment's C library exports: musl's loader, or glibc's libc.so.6. */
function libcExportsOf(contents: ImageContents): ReadonlySet<string> {
  const names = new Set<string>();
  for (const [path, elf] of contents.elves) {
    if (/\/(libc\.so\.6|ld-musl-[\w-]+\.so\.1|libc\.musl-[\w-]+\.so\.1|libc\.so)$/.test(path)) {
      for (const name of elf.exports) names.add(name);
    }
  }
  return names;
}

/** A scenario of one case that only serves to compile the dlopen probe per libc, cached. */
function dlopenProbeScenario(): Scenario {
  return ScenarioSchema.parse({
    id: "check-dlopen",
    title: "dlopen probe for check",
    summary: "loads a shared object",
    description: "Compiles the probe `check` loads shared objects with.",
    sources: { dlopen: { title: "dlopen(3)" } },
    cases: [
      {
        id: "dlopen",
        title: "dlopen probe",
        role: "baseline",
        build: { probe: DLOPEN_PROBE, for: "native", link: "dynamic" },
        check: { kind: "run", on: "every" },
        expect: [{ result: "success", because: "It only has to compile." }],
      },
    ],
  });
}

/**
 * Paths as the user wrote them (`dist/app`, `pkg.tgz!package/addon.node`) instead of absolute:
 * what they recognise, and what a baseline can match on another machine or checkout.
 */
function displayAsGiven(targets: { path: string; given: string }[]): (path: string) => string {
  const longestFirst = [...targets].sort((a, b) => b.path.length - a.path.length);
  return (path) => {
    for (const { path: absolute, given } of longestFirst) {
      if (path === absolute) return given;
      const rest = path.slice(absolute.length);
      if (path.startsWith(absolute) && (rest.startsWith("/") || rest.startsWith("!"))) {
        return `${given.replace(/\/+$/, "")}${rest}`;
      }
    }
    return path;
  };
}

/** A file name a shell and every tool can carry: what the path says, minus what could bite. */
function tameName(path: string): string {
  const base = path.split(/[/!]/).pop() ?? "artifact";
  return base.replace(/[^\w.+-]/g, "_").slice(0, 80) || "artifact";
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
