import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { loadExercises } from "../../../lab/classroom/index.js";
import { HELP, parseCommandLine } from "../../../lab/cli/args.js";
import { REPO_ROOT } from "../../../lab/runtime/paths.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";

/** The README and every page of docs/, as [path from the repository root, text]. */
function documentation(): [string, string][] {
  const pages: string[] = [join(REPO_ROOT, "README.md")];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".md")) pages.push(path);
    }
  };
  walk(join(REPO_ROOT, "docs"));
  return pages.map((path) => [relative(REPO_ROOT, path), readFileSync(path, "utf8")]);
}

/** The anchors GitHub gives a page's headings. */
function anchors(markdown: string): Set<string> {
  const slugs = new Set<string>();
  for (const [, heading = ""] of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    slugs.add(
      heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/ /g, "-"),
    );
  }
  return slugs;
}

/** `npm run lab -- …` command lines of code blocks and inline code, placeholders left out. */
function labCommands(markdown: string): string[] {
  const spans = [
    ...[...markdown.matchAll(/^```(?:sh|text)?\n([\s\S]*?)^```/gm)].flatMap(([, body = ""]) =>
      body.split("\n"),
    ),
    ...[...markdown.matchAll(/`([^`\n]+)`/g)].map(([, span = ""]) => span),
  ];
  return (
    spans
      .map((line) => /^\s*(?:\$ )?npm run (?:-s )?lab --(.*)/.exec(line)?.[1] ?? null)
      .filter((rest): rest is string => rest !== null)
      // A comment, a redirection or a pipe ends the lab's own command line; so does a remark in
      // parentheses (a lesson's `npm run lab -- hello   (case diagnose-glibc-binary)`).
      .map((rest) => rest.replace(/\s(?:#|>|2>&1|\||\().*$/, "").trim())
      .filter((rest) => !/\b(?:SCENARIO|NAME|FILE|ID|LIST|DIR|MODE)\b|…|\[/.test(rest))
  );
}

const PAGES = documentation();

describe("the README and docs/", () => {
  test("link only to files and headings that exist", () => {
    const broken: string[] = [];
    for (const [page, text] of PAGES) {
      const prose = text.replace(/^```[\s\S]*?^```/gm, "");
      for (const [, target = ""] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [file = "", anchor] = target.split("#");
        const path = file === "" ? join(REPO_ROOT, page) : resolve(REPO_ROOT, dirname(page), file);
        if (!existsSync(path)) broken.push(`${page}: ${target} (no such file)`);
        else if (anchor && path.endsWith(".md") && !anchors(readFileSync(path, "utf8")).has(anchor))
          broken.push(`${page}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  test("document every option and variable of --help in docs/usage.md", () => {
    const usage = readFileSync(join(REPO_ROOT, "docs", "usage.md"), "utf8");
    const names = new Set(
      [...HELP.matchAll(/(?<![\w-])(--[a-z][a-z-]*|[A-Z][A-Z_]{3,}=)/g)].map((m) => m[1] ?? ""),
    );
    expect(names.size).toBeGreaterThan(10);
    expect([...names].filter((name) => !usage.includes(name.replace(/=$/, "")))).toEqual([]);
  });

  test("show only `npm run lab` commands the CLI accepts as written", () => {
    const scenarios = loadScenarios();
    const exercises = loadExercises(scenarios);
    const refused: string[] = [];
    let checked = 0;
    for (const [page, text] of PAGES) {
      if (page === join("docs", "troubleshooting.md")) continue; // quotes error messages
      for (const command of labCommands(text)) {
        const argv = [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(
          (m) => m[1] ?? m[2] ?? m[3] ?? "",
        );
        checked++;
        try {
          parseCommandLine(argv, scenarios, exercises);
        } catch (error) {
          refused.push(`${page}: npm run lab -- ${command}: ${(error as Error).message}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(refused).toEqual([]);
  });
});
