import type {
  ArtifactFacts,
  CheckCell,
  CheckedArtifact,
  CheckReport,
  Confirmation,
  Prediction,
} from "../../../lab/check/check-result.js";
import { OUTCOMES } from "../../../lab/classify/outcomes.js";
import { concludeRun } from "../../../lab/compare/exit-status.js";
import type { DetectedEnvironment, RunResult, SummaryCounts } from "../../../lab/run-result.js";
import { SAMPLE_RESULT } from "../../fixtures/run-result.js";

/**
 * RunResults of `check` as the checker writes them: a fortified glibc hello, a musl-built program,
 * a Node addon inside a tarball, a file that is no ELF, skipped entries; the same with --no-run;
 * and an image scan of many files of which a few fail on musl.
 */

const GLIBC_LOADER = "/lib64/ld-linux-x86-64.so.2";
const MUSL_LOADER = "/lib/ld-musl-x86_64.so.1";

const MUSL_GCOMPAT: DetectedEnvironment = {
  id: "musl-gcompat",
  description: "Alpine 3.20 with gcompat, the glibc compatibility layer",
  imageMode: "registry",
  imageTag: "musl-lab/musl-gcompat:registry-0123456789ab",
  imageId: "sha256:cccc",
  libc: { family: "musl", version: "1.2.5" },
  distro: "Alpine Linux v3.20",
  kernel: "6.1.0",
  locales: null,
};

function facts(change: Partial<ArtifactFacts>): ArtifactFacts {
  return {
    class: 64,
    machine: "x86-64",
    kind: "pie",
    interpreter: GLIBC_LOADER,
    soname: null,
    needed: ["libc.so.6"],
    rpath: [],
    runpath: [],
    versionRequirements: [
      { file: "libc.so.6", versions: ["GLIBC_2.2.5", "GLIBC_2.3.4", "GLIBC_2.34"] },
    ],
    highestGlibcVersion: "GLIBC_2.34",
    imports: ["__libc_start_main", "__printf_chk"],
    weakImports: ["__cxa_finalize", "__gmon_start__"],
    gnuStackSize: null,
    tlsSize: null,
    summary: `dynamic x86-64 PIE, interpreter ${GLIBC_LOADER}, needs libc.so.6, requires GLIBC_2.34`,
    ...change,
  };
}

function prediction(change: Partial<Prediction> & Pick<Prediction, "reason">): Prediction {
  return {
    verdict: "runs",
    message: null,
    missingLibraries: [],
    missingVersions: [],
    missingSymbols: [],
    hostSymbols: null,
    resolved: {},
    ...change,
  };
}

function ran(command: string, change: Partial<Confirmation>): Confirmation {
  return {
    command,
    exitCode: 0,
    signal: null,
    timedOut: false,
    stdout: "",
    stderr: "",
    durationMs: 14,
    observed: "runs",
    note: "started: exit 0",
    ...change,
  };
}

/** A cell whose run confirmed its prediction: the verdict and outcome follow from it. */
function confirmed(
  environment: string,
  predicted: Prediction,
  run: Confirmation | null,
  fixes: string[] = [],
): CheckCell {
  return {
    environment,
    prediction: predicted,
    confirmation: run,
    verdict: predicted.verdict,
    outcome: predicted.verdict === "runs" ? "as-expected" : "expected-failure",
    explanation: predicted.reason,
    fixes,
  };
}

const HELLO = "/check/build/hello";
const REBUILD_FIXES = [
  "rebuild it against musl (on Alpine: apk add build-base, then build as before), or link it statically",
  "run it on a glibc image (debian:trixie-slim) instead",
];

/** A glibc program built with -D_FORTIFY_SOURCE=2: printf became __printf_chk. */
const FORTIFIED_HELLO: CheckedArtifact = {
  path: "build/hello",
  size: 15_960,
  facts: facts({}),
  formatError: null,
  hints: [],
  cells: [
    confirmed(
      "glibc",
      prediction({
        reason: "every library, version and symbol it needs is in the image",
        resolved: { "libc.so.6": "/usr/lib/x86_64-linux-gnu/libc.so.6" },
      }),
      ran(HELLO, { stdout: "hello, world\n" }),
    ),
    confirmed(
      "musl",
      prediction({
        verdict: "missing-interpreter",
        message: `sh: ${HELLO}: not found`,
        reason: `its interpreter ${GLIBC_LOADER} is not in the image: the kernel cannot start it, and the shell says "not found" about a file that is there`,
      }),
      ran(HELLO, {
        exitCode: 127,
        stderr: `sh: ${HELLO}: not found\n`,
        observed: "missing-interpreter",
        note: "the shell could not start it: exit 127",
      }),
      [...REBUILD_FIXES, "install gcompat (apk add gcompat): it provides a glibc loader name"],
    ),
    confirmed(
      "musl-gcompat",
      prediction({
        verdict: "missing-symbols",
        message: `Error relocating ${HELLO}: __printf_chk: symbol not found`,
        reason:
          "gcompat's loader finds libc.so.6, but neither musl nor gcompat define __printf_chk",
        missingSymbols: [{ group: "fortify", symbols: ["__printf_chk"] }],
        resolved: { "libc.so.6": "/lib/libgcompat.so.0" },
      }),
      ran(HELLO, {
        exitCode: 127,
        stderr: `Error relocating ${HELLO}: __printf_chk: symbol not found\n`,
        observed: "missing-symbols",
        note: "the loader refused it: exit 127",
      }),
      ["rebuild it without fortify (-U_FORTIFY_SOURCE or -D_FORTIFY_SOURCE=0)", ...REBUILD_FIXES],
    ),
  ],
};

const HELLO_MUSL = "/check/build/hello-musl";

/** The same program built on Alpine: musl's loader, musl's libc.so. */
const MUSL_HELLO: CheckedArtifact = {
  path: "build/hello-musl",
  size: 13_448,
  facts: facts({
    interpreter: MUSL_LOADER,
    needed: ["libc.so"],
    versionRequirements: [],
    highestGlibcVersion: null,
    imports: ["printf"],
    weakImports: [],
    summary: `dynamic x86-64 PIE, interpreter ${MUSL_LOADER}, needs libc.so`,
  }),
  formatError: null,
  hints: [],
  cells: [
    confirmed(
      "glibc",
      prediction({
        verdict: "missing-interpreter",
        message: `sh: 1: ${HELLO_MUSL}: not found`,
        reason: `its interpreter ${MUSL_LOADER} is not in the image`,
      }),
      ran(HELLO_MUSL, {
        exitCode: 127,
        stderr: `sh: 1: ${HELLO_MUSL}: not found\n`,
        observed: "missing-interpreter",
        note: "the shell could not start it: exit 127",
      }),
      ["rebuild it on glibc, or link it statically against musl (musl-gcc -static)"],
    ),
    ...["musl", "musl-gcompat"].map((environment) =>
      confirmed(
        environment,
        prediction({
          reason: "every library it needs is in the image",
          resolved: { "libc.so": MUSL_LOADER },
        }),
        ran(HELLO_MUSL, { stdout: "hello, world\n" }),
      ),
    ),
  ],
};

const ADDON = "/check/dist/pkg.tgz!package/build/Release/addon.node";
const DLOPEN = `/lab/bin/dlopen-probe '${ADDON}'`;
const ADDON_NEEDS = ["libstdc++.so.6", "libgcc_s.so.1", "libc.so.6"];

/** A prebuilt Node addon, built on Debian: C++, threads, napi_* left to node. */
const NODE_ADDON: CheckedArtifact = {
  path: "dist/pkg.tgz!package/build/Release/addon.node",
  size: 88_312,
  facts: facts({
    kind: "shared-object",
    interpreter: null,
    soname: "addon.node",
    needed: ADDON_NEEDS,
    versionRequirements: [
      { file: "libstdc++.so.6", versions: ["GLIBCXX_3.4", "CXXABI_1.3"] },
      { file: "libc.so.6", versions: ["GLIBC_2.2.5", "GLIBC_2.34"] },
    ],
    imports: ["napi_create_function", "napi_module_register", "pthread_create", "_ZdlPv"],
    weakImports: ["__cxa_finalize"],
    summary: `dynamic x86-64 shared object, needs ${ADDON_NEEDS.join(", ")}, requires GLIBC_2.34`,
  }),
  formatError: null,
  hints: [
    {
      scenario: "thread-stack",
      text: "it starts threads (pthread_create): musl gives a new thread 128 KiB of stack, glibc 8 MiB",
    },
  ],
  cells: [
    confirmed(
      "glibc",
      prediction({
        reason: "every library it needs is in the image; 2 napi_* imports are node's",
        hostSymbols: { host: "node", count: 2 },
        resolved: { "libstdc++.so.6": "/usr/lib/x86_64-linux-gnu/libstdc++.so.6" },
      }),
      ran(DLOPEN, {
        exitCode: 1,
        stderr: `dlopen: ${ADDON}: undefined symbol: napi_module_register\n`,
        observed: null,
        note: "loaded its libraries, then stopped at node's own napi_module_register: the run cannot tell more",
      }),
    ),
    confirmed(
      "musl",
      prediction({
        verdict: "missing-library",
        message: `Error loading shared library libstdc++.so.6: No such file or directory (needed by ${ADDON})`,
        reason:
          "libstdc++.so.6 is not in the image (musl's loader looks in /lib, /usr/local/lib, /usr/lib)",
        missingLibraries: ["libstdc++.so.6", "libgcc_s.so.1"],
        hostSymbols: { host: "node", count: 2 },
      }),
      ran(DLOPEN, {
        exitCode: 1,
        stderr: `Error loading shared library libstdc++.so.6: No such file or directory (needed by ${ADDON})\n`,
        observed: "missing-library",
        note: "dlopen failed: a library is missing",
      }),
      [
        "install it in the image: apk add libstdc++",
        "use a build for musl (a prebuild tagged linuxmusl-x64), or npm rebuild on Alpine",
      ],
    ),
    {
      environment: "musl-gcompat",
      prediction: prediction({
        reason: "libstdc++ and gcompat are in the image; 2 napi_* imports are node's",
        hostSymbols: { host: "node", count: 2 },
      }),
      confirmation: ran(DLOPEN, {
        exitCode: 1,
        stderr: `Error relocating ${ADDON}: __cxa_thread_atexit_impl: symbol not found\n`,
        observed: "missing-symbols",
        note: "the loader refused it: a symbol is missing",
      }),
      verdict: "missing-symbols",
      outcome: "unexpected-failure",
      explanation:
        "predicted it runs, but the run met a missing symbol: __cxa_thread_atexit_impl (libstdc++ wants it from glibc)",
      fixes: ["use a build for musl (a prebuild tagged linuxmusl-x64), or npm rebuild on Alpine"],
    },
  ],
};

const NOT_ELF_REASON = 'not an ELF file: it starts with 23 20 6d 75 ("# mu"), not 7f 45 4c 46';

/** A file given by name that is no ELF file at all. */
const README: CheckedArtifact = {
  path: "README.md",
  size: 2_104,
  facts: null,
  formatError: "no ELF magic: it starts with 23 20 6d 75",
  hints: [],
  cells: ["glibc", "musl", "musl-gcompat"].map((environment) => ({
    environment,
    prediction: null,
    confirmation: null,
    verdict: "not-elf" as const,
    outcome: "expected-failure" as const,
    explanation: NOT_ELF_REASON,
    fixes: ["check the file you meant: a script or text file needs no libc"],
  })),
};

/** Outcomes counted over the cells and the exit status, as the lab concludes a check run. */
export function recountChecks(result: RunResult): RunResult {
  const cells = (result.checks?.artifacts ?? []).flatMap((a) => a.cells);
  const summary = Object.fromEntries([
    ["total", cells.length],
    ...OUTCOMES.map((o) => [o, cells.filter((c) => c.outcome === o).length]),
  ]) as SummaryCounts;
  return concludeRun({ ...result, summary }, result.baseline ?? null);
}

function checkRun(checks: CheckReport, environments: DetectedEnvironment[]): RunResult {
  return recountChecks({
    ...structuredClone(SAMPLE_RESULT),
    startedAt: "2026-11-24T09:30:00.000Z",
    durationMs: 4_210,
    setup: [],
    environments,
    scenarios: [],
    checks,
  });
}

const ALL_ENVIRONMENTS = [...SAMPLE_RESULT.environments, MUSL_GCOMPAT];

/** `check build dist/pkg.tgz README.md`: four artifacts, two skipped entries. */
export const CHECK_RESULT: RunResult = checkRun(
  {
    targets: ["build", "dist/pkg.tgz", "README.md"],
    image: null,
    runArgs: [],
    artifacts: [FORTIFIED_HELLO, MUSL_HELLO, NODE_ADDON, README],
    skipped: [
      { path: "build/fifo", reason: "a FIFO: reading it could block for ever" },
      { path: "build/loop", reason: "a symlink loop" },
    ],
    counts: { files: 12, elf: 3, notElf: 7, skipped: 2 },
  },
  ALL_ENVIRONMENTS,
);

/** The same with --no-run: predictions only, no confirmation, so no prediction can be wrong. */
export function noRunResult(): RunResult {
  const result = structuredClone(CHECK_RESULT);
  const checks = result.checks;
  if (!checks) throw new Error("fixture changed");
  checks.runArgs = null;
  for (const artifact of checks.artifacts) {
    artifact.cells = artifact.cells.map((cell) => {
      const verdict = cell.prediction?.verdict ?? cell.verdict;
      return {
        ...cell,
        confirmation: null,
        verdict,
        outcome: verdict === "runs" ? "as-expected" : "expected-failure",
        explanation: cell.prediction?.reason ?? cell.explanation,
      };
    });
  }
  return recountChecks(result);
}

/** A statically linked tool: runs on every libc. */
function staticTool(path: string): CheckedArtifact {
  const tool = `/check/image${path}`;
  return {
    path,
    size: 4_718_592,
    facts: facts({
      kind: "static",
      interpreter: null,
      needed: [],
      versionRequirements: [],
      highestGlibcVersion: null,
      imports: [],
      weakImports: [],
      summary: "static x86-64 executable",
    }),
    formatError: null,
    hints: [],
    cells: ["glibc", "musl"].map((environment) =>
      confirmed(
        environment,
        prediction({ reason: "statically linked: it needs no loader and no library" }),
        ran(`${tool} --version`, { stdout: "1.4.2\n", note: "started: exit 0" }),
      ),
    ),
  };
}

/** A dynamically linked glibc program from the image: runs on glibc, not on musl. */
function glibcTool(path: string): CheckedArtifact {
  const tool = `/check/image${path}`;
  return {
    ...FORTIFIED_HELLO,
    path,
    cells: [
      confirmed(
        "glibc",
        prediction({ reason: "every library, version and symbol it needs is in the image" }),
        ran(`${tool} --version`, { stdout: "2.0\n" }),
      ),
      confirmed(
        "musl",
        prediction({
          verdict: "missing-interpreter",
          message: `sh: ${tool}: not found`,
          reason: `its interpreter ${GLIBC_LOADER} is not in the image`,
        }),
        ran(`${tool} --version`, {
          exitCode: 127,
          stderr: `sh: ${tool}: not found\n`,
          observed: "missing-interpreter",
          note: "the shell could not start it: exit 127",
        }),
        REBUILD_FIXES,
      ),
    ],
  };
}

/**
 * `check --image ghcr.io/acme/tools:1.4`: `total` artifacts of which `failing` (dynamically linked
 * against glibc) do not run on musl; the failing ones are spread through the list, as in an image.
 */
export function imageResult(total = 30, failing = 3): RunResult {
  const artifacts = Array.from({ length: total }, (_, i) => {
    const n = String(i + 1).padStart(2, "0");
    const fails = Math.floor((i * failing) / total) !== Math.floor(((i + 1) * failing) / total);
    return fails
      ? glibcTool(`/opt/legacy/bin/report-${n}`)
      : staticTool(`/usr/local/bin/tool-${n}`);
  });
  return checkRun(
    {
      targets: ["ghcr.io/acme/tools:1.4"],
      image: "ghcr.io/acme/tools:1.4",
      runArgs: ["--version"],
      artifacts,
      skipped: [
        { path: "/run/initctl", reason: "a FIFO: reading it could block for ever" },
        { path: "/dev/console", reason: "a character device" },
        { path: "/opt/data/model.bin", reason: "larger than 512 MiB: not read" },
        { path: "/etc/alternatives/loop", reason: "a symlink loop" },
      ],
      counts: { files: 812, elf: total, notElf: 812 - total - 4, skipped: 4 },
    },
    SAMPLE_RESULT.environments,
  );
}
