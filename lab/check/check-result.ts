import { z } from "zod";
import { OUTCOMES } from "../classify/outcomes.js";

/**
 * What `check` saw: the part of the RunResult an artifact check fills in (a scenario run leaves
 * it out). Declared here, next to the checker, and re-exported by lab/run-result.ts so it is part
 * of the one published schema; reporters read it from the RunResult like everything else.
 */

/**
 * One vocabulary for "will it run there": the first wall an artifact meets, in the order a loader
 * meets them (the kernel and the interpreter first, then the libraries, then their versions, then
 * the symbols), so a verdict always names the wall the user really hits first.
 */
export const CHECK_VERDICTS = [
  "runs",
  "missing-interpreter",
  "missing-library",
  "glibc-too-old",
  "missing-symbols",
  "wrong-architecture",
  "not-elf",
] as const;
export type CheckVerdict = (typeof CHECK_VERDICTS)[number];
export const CheckVerdictSchema = z.enum(CHECK_VERDICTS);

const COUNT = z.number().int().nonnegative();

/** Why a missing symbol is missing: the fix differs (rebuild without fortify, port, newer libc). */
export const SYMBOL_GROUPS = ["fortify", "glibc-only", "newer-libc", "other"] as const;
export type SymbolGroup = (typeof SYMBOL_GROUPS)[number];

/** The static facts of one ELF file, from the lab's own reader (lab/elf/read-elf.ts). */
export const ArtifactFactsSchema = z.strictObject({
  class: z.union([z.literal(32), z.literal(64)]),
  machine: z.string(),
  /** executable, pie, static, static-pie, shared-object (or relocatable, core, unknown). */
  kind: z.string(),
  interpreter: z.string().nullable(),
  soname: z.string().nullable(),
  needed: z.array(z.string()),
  rpath: z.array(z.string()),
  runpath: z.array(z.string()),
  versionRequirements: z.array(z.strictObject({ file: z.string(), versions: z.array(z.string()) })),
  highestGlibcVersion: z.string().nullable(),
  /** Undefined dynamic symbols it imports that a loader must find (non-weak), sorted. */
  imports: z.array(z.string()),
  /** Weak undefined symbols: resolved to 0 when absent, by glibc and musl alike; never fatal. */
  weakImports: z.array(z.string()),
  /** PT_GNU_STACK's size (the main and, on musl, the default thread stack), or null. */
  gnuStackSize: z.number().int().nonnegative().nullable(),
  /** PT_TLS size in bytes, or null when it has no thread-local storage. */
  tlsSize: z.number().int().nonnegative().nullable(),
  /** One line a person reads (formatElfSummary). */
  summary: z.string(),
});
export type ArtifactFacts = z.infer<typeof ArtifactFactsSchema>;

/** What the lab expects from the artifact's bytes and the environment image's real contents. */
export const PredictionSchema = z.strictObject({
  verdict: CheckVerdictSchema,
  /** The exact message the user would see (null when it runs), with the path as run by the lab. */
  message: z.string().nullable(),
  /** Why, in one line: which file is missing, which version, which loader rule. */
  reason: z.string(),
  /** NEEDED names not found along that loader's search path (transitively). */
  missingLibraries: z.array(z.string()),
  /** GLIBC_x.y versions the image's libraries do not define. */
  missingVersions: z.array(z.string()),
  /** Non-weak imports no loaded library provides, grouped by why. */
  missingSymbols: z.array(
    z.strictObject({ group: z.enum(SYMBOL_GROUPS), symbols: z.array(z.string()) }),
  ),
  /**
   * Imports left to the program that loads a shared object (Python's `Py*`, Node's `napi_*`):
   * not looked for in the image, and not counted as missing.
   */
  hostSymbols: z.strictObject({ host: z.string(), count: COUNT }).nullable(),
  /** Where each found library was found, `name -> path` (for the report's details). */
  resolved: z.record(z.string(), z.string()),
});
export type Prediction = z.infer<typeof PredictionSchema>;

/** The artifact really started in the environment's container, contained like a probe. */
export const ConfirmationSchema = z.strictObject({
  /** The shell command run (an executable with the --run arguments, or the dlopen probe). */
  command: z.string(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  stdout: z.string(),
  stderr: z.string(),
  durationMs: z.number().nonnegative(),
  /**
   * The wall the run really met, read from what was printed and the exit status; `runs` also when
   * it started and then failed for its own reasons (a missing config file, a server to talk to).
   * Null when the run cannot tell (a shared object whose first missing symbol is the host's).
   */
  observed: CheckVerdictSchema.nullable(),
  /** What was seen, in words: "started: exit 1, printed usage", "killed after 10 s: it was running". */
  note: z.string(),
});
export type Confirmation = z.infer<typeof ConfirmationSchema>;

/** One artifact in one environment. */
export const CheckCellSchema = z.strictObject({
  environment: z.string(),
  prediction: PredictionSchema.nullable(),
  /** Null with --no-run, for files that are not run (not ELF, relocatable), or when skipped. */
  confirmation: ConfirmationSchema.nullable(),
  /**
   * The verdict that counts: the observed one when the artifact was run and the run could tell,
   * the prediction otherwise.
   */
  verdict: CheckVerdictSchema.nullable(),
  /**
   * In the lab's one vocabulary: as-expected (runs, as predicted), expected-failure (does not
   * run, as predicted), unexpected-pass / unexpected-failure (the prediction was wrong), skipped
   * (no image for this environment), infra-error.
   */
  outcome: z.enum(OUTCOMES),
  /** Why, in one line: the prediction's reason, or what differed between prediction and run. */
  explanation: z.string(),
  /** What to do about it, most direct first. */
  fixes: z.array(z.string()),
});
export type CheckCell = z.infer<typeof CheckCellSchema>;

export const CheckedArtifactSchema = z.strictObject({
  /**
   * As the user wrote it (`dist/app`), `ARCHIVE!member` inside archives, the path inside the image
   * for --image: stable across machines, so a baseline matches.
   */
  path: z.string(),
  size: COUNT,
  /** Null when it is not an ELF file (or not a well-formed one: formatError says why). */
  facts: ArtifactFactsSchema.nullable(),
  formatError: z.string().nullable(),
  /** Lessons its imports point at: `{ scenario: "thread-stack", text: "..." }`. */
  hints: z.array(z.strictObject({ scenario: z.string(), text: z.string() })),
  cells: z.array(CheckCellSchema),
});
export type CheckedArtifact = z.infer<typeof CheckedArtifactSchema>;

export const CheckReportSchema = z.strictObject({
  /** The paths as given, or the image. */
  targets: z.array(z.string()),
  /** `--image`: the image scanned; null for paths. */
  image: z.string().nullable(),
  /** The arguments a confirming run passes an executable, or null with --no-run. */
  runArgs: z.array(z.string()).nullable(),
  artifacts: z.array(CheckedArtifactSchema),
  /** Files looked at but not checked, with the reason (FIFO, device, too large, symlink loop). */
  skipped: z.array(z.strictObject({ path: z.string(), reason: z.string() })),
  counts: z.strictObject({
    /** Every file looked at (inside directories, archives and the image too). */
    files: COUNT,
    elf: COUNT,
    /** Files found inside directories, archives or the image that are not ELF: skipped, counted. */
    notElf: COUNT,
    skipped: COUNT,
  }),
});
export type CheckReport = z.infer<typeof CheckReportSchema>;
