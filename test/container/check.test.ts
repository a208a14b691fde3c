import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { CheckCell, CheckedArtifact } from "../../lab/check/check-result.js";
import { runCheck } from "../../lab/check/run-check.js";
import { ENVIRONMENTS } from "../../lab/environments/index.js";
import type { Environment } from "../../lab/environments/schema.js";
import { RunResultSchema, type RunResult } from "../../lab/run-result.js";
import { isResolved, type ResolvedImage } from "../../lab/runtime/images.js";
import { REPO_ROOT } from "../../lab/runtime/paths.js";
import { prepareImages } from "../../lab/runtime/prepare-images.js";
import { EnvironmentSession } from "../../lab/runtime/session.js";
import { loadScenarios } from "../../lab/scenarios/index.js";
import { runCli } from "../cli-runner.js";
import { publishedSchemaErrors } from "../published-schema.js";
import { buildElf } from "../unit/elf/elf-builder.js";
import {
  containersOwnedBy,
  countRunContainers,
  untilContainersOf,
  watchStderr,
} from "./helpers.js";

/**
 * `check` on real binaries no one here wrote (the images' own make, gcc and busybox) and on
 * binaries built here for each wall, predicted from their bytes and confirmed by running them.
 */
const FIXTURES = join(REPO_ROOT, "test/fixtures/check");
let dir: string;
let result: RunResult;

async function session(id: string): Promise<EnvironmentSession> {
  const environment = ENVIRONMENTS.get(id) as Environment;
  const prepared = await prepareImages([environment], "auto", () => undefined);
  const image = prepared.environments.get(id)?.resolution as ResolvedImage;
  expect(isResolved(image)).toBe(true);
  return EnvironmentSession.start(environment, image.mode, image.tag);
}

/** Each built with the glibc image's own toolchains, as a user's CI would. */
const BUILDS: Record<string, string> = {
  fortified: "gcc -O2 -D_FORTIFY_SOURCE=2 -o /lab/out/fortified /lab/src/fortified.c",
  "glibc-only": "gcc -O2 -o /lab/out/glibc-only /lab/src/glibc-only.c",
  "needs-zlib.so":
    "gcc -O2 -shared -fPIC -o /lab/out/needs-zlib.so /lab/src/needs-zlib.c -l:libz.so.1",
  "static-glibc": "gcc -O2 -static -o /lab/out/static-glibc /lab/src/fortified.c",
  "static-pie-musl": "musl-gcc -O2 -static-pie -o /lab/out/static-pie-musl /lab/src/fortified.c",
  "musl-hello": "musl-gcc -O2 -o /lab/out/musl-hello /lab/src/fortified.c",
  "weak-plugin.so": "gcc -O2 -shared -fPIC -o /lab/out/weak-plugin.so /lab/src/weak-plugin.c",
  "strong-plugin.so": "gcc -O2 -shared -fPIC -o /lab/out/strong-plugin.so /lab/src/strong-plugin.c",
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "musl-lab-check-"));
  const glibc = await session("glibc");
  const musl = await session("musl");
  try {
    await glibc.putFiles(
      ["fortified.c", "glibc-only.c", "needs-zlib.c", "weak-plugin.c", "strong-plugin.c"].map(
        (f) => ({ path: `/lab/src/${f}`, content: readFileSync(join(FIXTURES, f)) }),
      ),
    );
    for (const [name, command] of Object.entries(BUILDS)) {
      const built = await glibc.run(command, { user: "harness" });
      expect(built.exitCode, `${command}: ${built.stderr}`).toBe(0);
      writeFileSync(join(dir, name), await glibc.readFile(`/lab/out/${name}`), { mode: 0o755 });
    }
    // gcc is a link to gcc-14: copied through it, as a user copying the program would.
    await glibc.run("cp -L /usr/bin/make /usr/bin/gcc /lab/out/", { user: "harness" });
    writeFileSync(join(dir, "make"), await glibc.readFile("/lab/out/make"), { mode: 0o755 });
    writeFileSync(join(dir, "gcc"), await glibc.readFile("/lab/out/gcc"), { mode: 0o755 });
    writeFileSync(join(dir, "busybox"), await musl.readFile("/usr/bin/busybox"), { mode: 0o755 });
  } finally {
    await glibc.stop();
    await musl.stop();
  }
  // Bytes no compiler here makes: another architecture, a file cut short, no ELF at all.
  writeFileSync(
    join(dir, "aarch64-pie"),
    buildElf({
      machine: 183,
      interpreter: "/lib/ld-linux-aarch64.so.1",
      needed: ["libc.so.6"],
      flags1: 0x08000000,
    }),
    { mode: 0o755 },
  );
  writeFileSync(join(dir, "truncated"), readFileSync(join(dir, "make")).subarray(0, 100), {
    mode: 0o755,
  });
  writeFileSync(join(dir, "notes.txt"), "not a program\n");
  writeFileSync(join(dir, "empty"), "");
  // A tarball as npm ships a prebuilt addon, and a wheel holding an extension module.
  const pkg = join(dir, "pkg-src/package/build/Release");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "addon.node"), readFileSync(join(dir, "weak-plugin.so")));
  writeFileSync(join(dir, "pkg-src/package/package.json"), "{}\n");
  await execa("tar", ["-czf", join(dir, "pkg.tgz"), "-C", join(dir, "pkg-src"), "package"]);
  await execa("python3", [
    "-c",
    "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], 'w'); z.write(sys.argv[2], 'demo/_native.so'); z.writestr('demo/__init__.py', ''); z.close()",
    join(dir, "demo-1.0-py3-none-any.whl"),
    join(dir, "strong-plugin.so"),
  ]);
  rmSync(join(dir, "pkg-src"), { recursive: true });

  result = await runCheck({
    targets: [
      ...[
        "make",
        "gcc",
        "busybox",
        ...Object.keys(BUILDS),
        "aarch64-pie",
        "truncated",
        "notes.txt",
        "empty",
      ].map((f) => ({ path: join(dir, f), given: f })),
      { path: join(dir, "pkg.tgz"), given: "pkg.tgz" },
      { path: join(dir, "demo-1.0-py3-none-any.whl"), given: "demo-1.0-py3-none-any.whl" },
    ],
    image: null,
    environmentIds: ["glibc", "musl"],
    images: "auto",
    runArgs: ["--version"],
    scenarios: loadScenarios(),
    log: () => undefined,
  });
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function artifact(suffix: string): CheckedArtifact {
  const found = result.checks?.artifacts.find((a) => `/${a.path}`.endsWith(suffix));
  if (!found)
    throw new Error(
      `no artifact ${suffix} in ${result.checks?.artifacts.map((a) => a.path).join(", ")}`,
    );
  return found;
}

function cell(suffix: string, environment: string): CheckCell {
  const found = artifact(suffix).cells.find((c) => c.environment === environment);
  if (!found) throw new Error(`no ${environment} cell for ${suffix}`);
  return found;
}

/** Predicted, and the confirming run met the same wall. */
function confirmed(suffix: string, environment: string, verdict: string): CheckCell {
  const c = cell(suffix, environment);
  expect(c.prediction?.verdict, c.explanation).toBe(verdict);
  expect(c.confirmation?.observed, c.explanation).toBe(verdict);
  expect(c.verdict).toBe(verdict);
  expect(c.outcome).toBe(verdict === "runs" ? "as-expected" : "expected-failure");
  return c;
}

describe("programs from the lab's own images", () => {
  test("glibc's make and gcc run on glibc and are `not found` on musl, in busybox's words", () => {
    for (const program of ["make", "gcc"]) {
      confirmed(`/${program}`, "glibc", "runs");
      const musl = confirmed(`/${program}`, "musl", "missing-interpreter");
      expect(musl.prediction?.message).toMatch(
        new RegExp(`^sh: /lab/check/\\d+/${program}: not found$`),
      );
      expect(musl.confirmation?.stderr).toContain(musl.prediction!.message!);
      expect(musl.confirmation?.exitCode).toBe(127);
      expect(musl.fixes.join(" ")).toMatch(/musl-gcc/);
    }
  });

  test("musl's static busybox runs on glibc too", () => {
    confirmed("/busybox", "glibc", "runs");
    confirmed("/busybox", "musl", "runs");
    expect(artifact("/busybox").facts?.kind).toMatch(/^static/);
  });
});

describe("binaries built for each wall", () => {
  test("a fortified glibc program imports __printf_chk, and musl stops at its interpreter first", () => {
    expect(artifact("/fortified").facts?.imports).toContain("__printf_chk");
    confirmed("/fortified", "glibc", "runs");
    confirmed("/fortified", "musl", "missing-interpreter");
  });

  test("static glibc and static-pie musl binaries run everywhere", () => {
    for (const env of ["glibc", "musl"]) {
      confirmed("/static-glibc", env, "runs");
      confirmed("/static-pie-musl", env, "runs");
    }
    expect(artifact("/static-pie-musl").facts?.kind).toBe("static-pie");
  });

  test("a dynamic musl program runs on musl; the glibc image has no musl loader", () => {
    confirmed("/musl-hello", "musl", "runs");
    const glibc = cell("/musl-hello", "glibc");
    expect(glibc.prediction?.verdict).toBe(glibc.confirmation?.observed);
  });

  test("a library needing libz.so.1, which the musl image lacks: musl's own words", () => {
    confirmed("/needs-zlib.so", "glibc", "runs");
    const musl = confirmed("/needs-zlib.so", "musl", "missing-library");
    expect(musl.prediction?.missingLibraries).toEqual(["libz.so.1"]);
    expect(musl.prediction?.message).toMatch(
      /^Error loading shared library libz\.so\.1: No such file or directory \(needed by \/lab\/check\/\d+\/needs-zlib\.so\)$/,
    );
    expect(musl.confirmation?.stdout).toContain(musl.prediction!.message!);
    expect(musl.fixes.join(" ")).toContain("apk add so:libz.so.1");
  });

  test("a weak undefined symbol is not fatal; a strong one is, on both libcs", () => {
    for (const env of ["glibc", "musl"]) confirmed("/weak-plugin.so", env, "runs");
    const musl = confirmed("/strong-plugin.so", "musl", "missing-symbols");
    expect(musl.prediction?.message).toMatch(
      /^Error relocating \/lab\/check\/\d+\/strong-plugin\.so: required_hook: symbol not found$/,
    );
    const glibc = confirmed("/strong-plugin.so", "glibc", "missing-symbols");
    expect(glibc.confirmation?.stdout).toMatch(/undefined symbol: required_hook/);
  });

  test("archives are read inside: an npm tarball's addon and a wheel's extension module", () => {
    confirmed("pkg.tgz!package/build/Release/addon.node", "musl", "runs");
    confirmed("demo-1.0-py3-none-any.whl!demo/_native.so", "musl", "missing-symbols");
  });
});

describe("musl-compat: past the interpreter, the next wall", () => {
  test("libc6-compat's loader link gets a glibc binary started, and the loader names each missing symbol", () => {
    const fortified = confirmed("/fortified", "musl-compat", "missing-symbols");
    expect(fortified.prediction?.missingSymbols).toContainEqual({
      group: "fortify",
      symbols: ["__printf_chk"],
    });
    expect(fortified.prediction?.message).toMatch(
      /^Error relocating \/lab\/check\/\d+\/fortified: __printf_chk: symbol not found$/,
    );
    expect(fortified.confirmation?.stderr).toContain(fortified.prediction!.message!);
    // musl's loader names every missing symbol, each on its own line: the same set as predicted.
    expect(fortified.explanation).toMatch(/the run named the same \d+ symbols?$/);
    const make = confirmed("/make", "musl-compat", "missing-symbols");
    expect(make.explanation).toMatch(/the run named the same \d+ symbols$/);
    const glibcOnly = confirmed("/glibc-only", "musl-compat", "missing-symbols");
    expect(glibcOnly.prediction?.missingSymbols).toContainEqual({
      group: "glibc-only",
      symbols: ["gnu_get_libc_version"],
    });
  });

  test("every prediction for musl-compat is confirmed by its run", () => {
    for (const a of result.checks!.artifacts) {
      const c = a.cells.find((x) => x.environment === "musl-compat");
      if (!c?.confirmation || c.confirmation.observed === null) continue;
      expect(c.confirmation.observed, `${a.path}: ${c.explanation}`).toBe(c.prediction?.verdict);
    }
  });
});

describe("files that are not what they seem", () => {
  test("another architecture: refused by the kernel, told apart from `not found` by what was printed", () => {
    confirmed("/aarch64-pie", "glibc", "wrong-architecture");
    confirmed("/aarch64-pie", "musl", "wrong-architecture");
  });

  test("a truncated ELF, a text file and an empty file are not-elf, with the reason", () => {
    expect(artifact("/truncated").formatError).toMatch(/truncated ELF/);
    for (const name of ["/truncated", "/notes.txt", "/empty"]) {
      expect(cell(name, "musl").verdict).toBe("not-elf");
    }
  });
});

test("the report is valid against the published schema, exits 1, and leaves no container", async () => {
  expect(RunResultSchema.safeParse(result).success).toBe(true);
  expect(publishedSchemaErrors(JSON.parse(JSON.stringify(result)))).toBe("");
  expect(result.exitStatus).toBe(1);
  expect(result.checks?.counts.notElf).toBeGreaterThanOrEqual(3);
  expect(await countRunContainers()).toBe(0);
});

test("the CLI: a program that runs everywhere exits 0, one that does not exits 1", async () => {
  const ok = await runCli([
    "check",
    join(REPO_ROOT, "lab/runtime/batch.sh"),
    "--no-run",
    "--env",
    "glibc",
  ]);
  expect(ok.exitCode, ok.stderr).toBe(1); // a shell script is not an ELF program
  const file = join(dir, "busybox");
  const runs = await runCli([
    "check",
    file,
    "--env",
    "glibc,musl",
    "--output-dir",
    join(dir, "reports"),
  ]);
  expect(runs.exitCode, runs.stderr).toBe(0);
  const missing = await runCli(["check", join(dir, "/nope"), "--env", "glibc"]);
  expect(missing.exitCode).toBe(2);
  expect(missing.stderr.trim().split("\n").at(-1)).toMatch(/^musl-lab: .*nope/);
}, 300_000);

test("Ctrl-C in the middle of an image scan: exit 130, the export's container and the environments' removed", async () => {
  const prepared = await prepareImages(
    [ENVIRONMENTS.get("glibc") as Environment],
    "auto",
    () => undefined,
  );
  const glibc = prepared.environments.get("glibc")?.resolution as ResolvedImage;
  const child = runCli([
    "check",
    "--image",
    glibc.tag,
    "--env",
    "glibc,musl",
    "--output-dir",
    join(dir, "interrupted"),
  ]);
  const stderr = watchStderr(child);
  await untilContainersOf(child.pid, 2);
  await stderr.until(/checked \d+ artifacts?/);
  child.kill("SIGINT");
  const ended = await child;
  expect(ended.exitCode).toBe(130);
  expect(String(ended.stderr)).toMatch(
    /^musl-lab: interrupted by SIGINT; every container of this run was removed$/m,
  );
  expect(await containersOwnedBy(child.pid)).toEqual([]);
}, 300_000);
