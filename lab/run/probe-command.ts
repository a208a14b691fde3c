import { VALUE_PLACEHOLDER, type Case } from "../scenarios/schema.js";

/**
 * The shell command for one probe run, as a user would type it: `ulimit` first, variables set or
 * unset by the shell itself (so a missing loader still reads `sh: …: not found`), then the binary.
 */
export function probeCommand(
  binary: string,
  check: Extract<Case["check"], { kind: "run" | "search" }>,
  value: number | null,
): string {
  const parts: string[] = [];
  if (check.limits) parts.push(`ulimit -s ${check.limits.stackKib};`);
  const unset = Object.keys(check.env).filter((k) => check.env[k] === null);
  if (unset.length > 0) parts.push(`unset ${unset.join(" ")};`);
  for (const [name, v] of Object.entries(check.env)) {
    if (v !== null) parts.push(`${name}=${shellQuote(v)}`);
  }
  parts.push(binary);
  for (const arg of check.args) {
    parts.push(shellQuote(value === null ? arg : arg.replaceAll(VALUE_PLACEHOLDER, String(value))));
  }
  return parts.join(" ");
}

/** Quotes an argument for `sh -c` (POSIX single quotes). */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./=:,+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
