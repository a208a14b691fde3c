import { z } from "zod";
import { KEBAB_ID, LibcFamilySchema } from "../environments/schema.js";

/** `>=1.2.4`, `<1.2.4`, or both separated by a space (`>=1.1.21 <1.2.4`). */
export const VersionRangeSchema = z
  .string()
  .regex(/^(?:(?:>=|<=|>|<|=)\d+(?:\.\d+)*)(?: (?:>=|<=|>|<|=)\d+(?:\.\d+)*)*$/, {
    message: "a version range looks like `>=1.2.4` or `>=1.1.21 <1.2.4`",
  });

export const MeasurementExpectationSchema = z.union([
  /** The probe's `key=value` line must carry exactly this value. */
  z.string(),
  /** A numeric fact within bounds: measurements are stated with margins, never exactly. */
  z.strictObject({ min: z.number().optional(), max: z.number().optional() }),
  /** A value that must match this regular expression (e.g. any `GLIBC_2.x`). */
  z.strictObject({ pattern: z.string() }),
]);
export type MeasurementExpectation = z.infer<typeof MeasurementExpectationSchema>;

export const ExpectationSchema = z.strictObject({
  /** Which libc (and versions of it) this expectation is for; omitted means any. */
  when: z
    .strictObject({
      family: LibcFamilySchema.optional(),
      version: VersionRangeSchema.optional(),
    })
    .optional(),
  /** `success` is exit status 0 and no signal; anything else is `failure`. */
  result: z.enum(["success", "failure"]),
  exitCode: z.number().int().min(0).max(255).optional(),
  /** e.g. `SIGSEGV`: the signal the probe must die of. */
  signal: z
    .string()
    .regex(/^SIG[A-Z0-9]+$/)
    .optional(),
  /** Regular expressions (multiline) that must all match stdout. */
  stdout: z.array(z.string()).optional(),
  /** Regular expressions (multiline) that must all match stderr. */
  stderr: z.array(z.string()).optional(),
  /** Facts the probe prints as `key=value` lines (or the ELF reader reports). */
  measurements: z.record(z.string(), MeasurementExpectationSchema).optional(),
  /** Why this libc behaves so: the report's explanation when the expectation holds. */
  because: z.string().min(1),
});
export type Expectation = z.infer<typeof ExpectationSchema>;

export const BuildSchema = z.strictObject({
  /** A file in c-src/. */
  probe: z.string().regex(/^[a-z0-9-]+\.c$/),
  /** Compiled for this libc, with the compile recipe of the selected environment of that family. */
  for: LibcFamilySchema,
  link: z.enum(["dynamic", "static"]),
  /** Extra compiler and linker flags, e.g. `-Wl,-z,stack-size=1048576`. */
  flags: z.array(z.string()).default([]),
});
export type Build = z.infer<typeof BuildSchema>;

export const CheckSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    /** Copy the binary to every selected environment of this family and run it there. */
    kind: z.literal("run"),
    on: LibcFamilySchema,
    /** Run on the variant with this feature instead (e.g. Alpine + gcompat). */
    feature: z.enum(["gcompat"]).optional(),
    args: z.array(z.string()).default([]),
    timeoutMs: z.number().int().positive().default(10_000),
  }),
  z.strictObject({
    /** Read the binary with the lab's own ELF reader, as `readelf` would, without running it. */
    kind: z.literal("elf"),
  }),
]);
export type Check = z.infer<typeof CheckSchema>;

export const CaseRoleSchema = z.enum([
  /** Shows the normal, working situation. */
  "baseline",
  /** Shows the failure the scenario is about. */
  "demonstration",
  /** Looks at the evidence (binary headers) that explains the failure. */
  "diagnosis",
  /** Applies a fix; success proves it. */
  "fix",
]);
export type CaseRole = z.infer<typeof CaseRoleSchema>;

export const CaseSchema = z.strictObject({
  /** Stable, kebab-case: reports and baselines refer to it. */
  id: z.string().regex(KEBAB_ID),
  title: z.string().min(1),
  role: CaseRoleSchema,
  build: BuildSchema,
  check: CheckSchema,
  /** The first expectation whose `when` matches the environment's detected libc applies. */
  expect: z.array(ExpectationSchema).min(1),
  /** Extra teaching text shown with the case, e.g. a caveat of this fix. */
  note: z.string().optional(),
});
export type Case = z.infer<typeof CaseSchema>;

export const ScenarioSchema = z.strictObject({
  id: z.string().regex(KEBAB_ID),
  title: z.string().min(1),
  /** One line for `--list`. */
  summary: z.string().min(1),
  /** The lesson: what happens and why, in a few sentences. */
  description: z.string().min(1),
  /** Public sources the expectations rest on (URLs, commits, manual sections). */
  sources: z.array(z.string().min(1)).min(1),
  /**
   * True when cases measure time: then every run waits for the previous one, so no other probe
   * competes for the two cores. Otherwise a few runs share the machine at once.
   */
  exclusiveRuns: z.boolean().default(false),
  cases: z.array(CaseSchema).min(1),
});
export type Scenario = z.infer<typeof ScenarioSchema>;
