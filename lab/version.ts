import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./runtime/paths.js";

/** The tool version reports carry, read from package.json so there is one place to bump it. */
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }
).version;
