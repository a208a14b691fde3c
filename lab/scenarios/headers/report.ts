import type { z } from "zod";
import type { ReportSpecSchema } from "../schema.js";

/** What the reports show beyond the case list: advice backed by the fixes that built. */
export const report = {
  advice: [
    {
      text: "Guard glibc-only calls with #ifdef __GLIBC__ (or a configure check), not #ifdef __linux__.",
      evidence: "execinfo-guarded",
    },
    {
      text: "Test for the flag, not the libc: #ifdef GLOB_BRACE, with a fallback that globs each alternative.",
      evidence: "glob-guarded",
    },
    {
      text: "Prefer lseek and off_t to the *64 names; where the names must stay, define _LARGEFILE64_SOURCE.",
      evidence: "lseek-off-t",
    },
  ],
} satisfies z.input<typeof ReportSpecSchema>;
