import { z } from "zod";

const MILLISECONDS = z.number().nonnegative();

/** How one probe was compiled: what the build cache stores and each case result carries. */
export const BuildRecordSchema = z.strictObject({
  /** Environment whose container compiled the probe. */
  builtIn: z.string(),
  /** The compiler command line, as run inside the container. */
  command: z.string(),
  exitCode: z.number().int(),
  /** What the compiler printed (stdout and stderr). */
  output: z.string(),
  durationMs: MILLISECONDS,
  /** The lab's ELF reader on the result, one line (interpreter, needs, GLIBC version). */
  elf: z.string().nullable(),
  /** True when this run reused a binary compiled by an earlier run (same image, command, sources). */
  cached: z.boolean().optional(),
});
export type BuildRecord = z.infer<typeof BuildRecordSchema>;
