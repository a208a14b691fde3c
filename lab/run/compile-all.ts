import { createHash } from "node:crypto";
import { readElf, formatElfSummary, type ElfInfo } from "../elf/read-elf.js";
import type { Environment } from "../environments/schema.js";
import type { BuildRecord } from "../run-result.js";
import { BuildCache } from "../runtime/build-cache.js";
import { isResolved, type ResolvedImage } from "../runtime/images.js";
import { WORK_DIR } from "../runtime/session.js";
import type { Build } from "../scenarios/schema.js";
import { buildsOf } from "./plan.js";
import type { RunContext } from "./run-context.js";

/** Far above any probe's compile (well under 2 s here): reaching it means the builder is stuck. */
const COMPILE_TIMEOUT_MS = 120_000;
/** What every compile command shows: optimised as real programs are, warnings visible to students. */
const COMPILE_FLAGS = ["-O2", "-Wall"];

/** One distinct build (probe, libc, linkage, flags), compiled once however many cases use it. */
export interface BuildJob {
  key: string;
  build: Build;
  forEnvironment: Environment;
  binaryName: string;
  result?: BuildRecord;
  elf?: ElfInfo | null;
  /** The compiled binary, from the builder or the build cache; null when it did not compile. */
  binary?: Buffer;
}

/** Builds with the same key share one binary. */
export function buildKey(build: Build, forEnvironment: Environment): string {
  return JSON.stringify([build.probe, forEnvironment.id, build.link, build.flags]);
}

/** Compiles each distinct build once, all builds of one builder container in parallel. */
export async function compileAll(context: RunContext): Promise<Map<string, BuildJob>> {
  const { environments, sources } = context;
  const hasImage = (id: string) => isResolved(environments.get(id)!.resolution);
  const cache = new BuildCache();
  const jobs = new Map<string, BuildJob>();
  for (const instance of context.instances) {
    const { buildFor, skipReason } = instance;
    if (!buildFor || skipReason || !hasImage(buildFor.id)) continue;
    if (instance.target && !hasImage(instance.target.id)) continue;
    for (const [build, env] of buildsOf(instance)) {
      const key = buildKey(build, env);
      if (jobs.has(key)) continue;
      // Named by what it is, not by order of appearance, so the compile command (and with it
      // the build cache's key) is the same in every run that needs this build.
      const flags = build.flags.length
        ? `-${createHash("sha256").update(build.flags.join(" ")).digest("hex").slice(0, 8)}`
        : "";
      jobs.set(key, {
        key,
        build,
        forEnvironment: env,
        binaryName: `${build.probe.replace(/\.c$/, "")}-${env.id}-${build.link}${flags}`,
      });
    }
  }
  await compileJobs();
  return jobs;

  async function compileJobs() {
    // One upload of the sources per builder; every build of that builder waits for it.
    const uploads = new Map<string, Promise<void>>();
    await Promise.all(
      [...jobs.values()].map(async (job) => {
        // Only environments with an image get jobs, and each of those has a builder.
        const prepared = environments.get(job.forEnvironment.id)!;
        const builderId = prepared.builderId!;
        const { compile } = (prepared.resolution as ResolvedImage).recipe;
        const output = `${WORK_DIR}/out/${job.binaryName}`;
        const command = [
          compile.cc,
          ...COMPILE_FLAGS,
          ...(job.build.link === "static" ? ["-static"] : []),
          ...job.build.flags,
          "-o",
          output,
          `${WORK_DIR}/src/${job.build.probe}`,
        ].join(" ");
        // The probe's own file and the shared headers decide its bytes; other probes do not.
        const cacheKey = BuildCache.key({
          imageId: environments.get(builderId)?.imageId ?? builderId,
          command,
          sources: sources.filter(
            (f) => f.path.endsWith(".h") || f.path.endsWith(`/${job.build.probe}`),
          ),
        });
        const hit = cache.get(cacheKey);
        if (hit) {
          job.binary = hit.binary;
          job.elf = readElf(hit.binary);
          job.result = { ...hit.record, cached: true };
          return;
        }
        const builder = await context.startEnvironment(builderId);
        if (!uploads.has(builderId)) uploads.set(builderId, builder.putFiles(sources));
        await uploads.get(builderId);
        context.stopIfInterrupted();
        const run = await builder.run(command, {
          timeoutMs: COMPILE_TIMEOUT_MS,
          user: "harness",
        });
        if (run.exitCode === 0) {
          job.binary = await builder.readFile(output);
          job.elf = readElf(job.binary);
        }
        job.result = {
          builtIn: builderId,
          command,
          exitCode: run.exitCode ?? -1,
          output: (run.stdout + run.stderr).trim(),
          durationMs: run.durationMs,
          elf: job.elf ? formatElfSummary(job.elf) : null,
        };
        if (job.binary) cache.put(cacheKey, job.binary, job.result);
      }),
    );
  }
}
