import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import {
  renderScenarioPages,
  SCENARIO_INDEX_PAGE,
  SCENARIO_PAGES_DIR,
} from "../../../lab/docs/scenario-pages.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";

const STALE = "docs/scenarios/ is stale: run `npm run docs` and commit the pages it writes";

describe("the scenario pages in docs/scenarios/", () => {
  let pages: Map<string, string>;
  beforeAll(async () => {
    pages = await renderScenarioPages();
  });

  test("are what `npm run docs` generates from the scenario data today", () => {
    const committed = existsSync(SCENARIO_PAGES_DIR)
      ? readdirSync(SCENARIO_PAGES_DIR).filter((name) => name.endsWith(".md"))
      : [];
    expect(committed.sort(), STALE).toEqual([...pages.keys()].sort());
    for (const [name, content] of pages) {
      expect(readFileSync(join(SCENARIO_PAGES_DIR, name), "utf8"), `${name}: ${STALE}`).toBe(
        content,
      );
    }
  });

  test("give every scenario a page with every case, linked from the index", () => {
    const index = pages.get(SCENARIO_INDEX_PAGE) ?? "";
    for (const scenario of loadScenarios()) {
      const page = pages.get(`${scenario.id}.md`) ?? "";
      expect(index).toContain(`(${scenario.id}.md)`);
      expect(page).toContain(`npm run lab -- ${scenario.id}\n`);
      for (const c of scenario.cases) expect(page).toContain(`### ${c.id}\n`);
    }
  });
});
