/**
 * `npm run docs`: regenerates docs/scenarios/ from the scenario and exercise data. Run it after
 * changing lab/scenarios/ or lab/classroom/exercises/; test/unit/docs/scenario-pages.test.ts fails
 * until you do. Each page is written to a temporary file and renamed, and a page whose scenario
 * is gone is removed.
 */
import { readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { makeFolders } from "../make-folders.js";
import { writeAtomically } from "../report/write-report.js";
import { REPO_ROOT } from "../runtime/paths.js";
import { renderScenarioPages, SCENARIO_PAGES_DIR } from "./scenario-pages.js";

const pages = await renderScenarioPages();
makeFolders(SCENARIO_PAGES_DIR);
for (const [name, content] of pages) writeAtomically(join(SCENARIO_PAGES_DIR, name), content);
for (const name of readdirSync(SCENARIO_PAGES_DIR)) {
  if (name.endsWith(".md") && !pages.has(name)) {
    rmSync(join(SCENARIO_PAGES_DIR, name));
    process.stdout.write(`removed ${relative(REPO_ROOT, join(SCENARIO_PAGES_DIR, name))}\n`);
  }
}
process.stdout.write(`wrote ${pages.size} pages to ${relative(REPO_ROOT, SCENARIO_PAGES_DIR)}/\n`);
