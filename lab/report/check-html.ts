import { OUTCOME_INFO } from "../classify/outcomes.js";
import type { CheckCell, CheckedArtifact, CheckReport } from "../check/check-result.js";
import type { RunResult } from "../run-result.js";
import {
  artifactStanding,
  checkEnvironments,
  checkSummary,
  confirmationStatus,
  hintLine,
  missingLines,
  orderedArtifacts,
  predictionCheck,
  verdictGlyph,
  verdictLabel,
  VERDICT_LABELS,
} from "./check-views.js";
import { escapeHtml as esc } from "./escape-html.js";
import { badge } from "./html.js";

/**
 * The HTML report's view of a `check` run: a summary, an artifact × environment table (failing
 * rows first, a verdict badge in each cell, coloured by the cell's outcome) and, per artifact, its
 * details in a <details>: the ELF facts, per environment the exact message, the prediction against
 * the run with an excerpt of what it printed, the fixes, and the lessons its imports point at.
 */

/** How much of a confirming run's stdout or stderr the details show. */
const OUTPUT_EXCERPT_CHARS = 2_000;

export function renderCheckSection(result: RunResult, checks: CheckReport): string {
  const environments = checkEnvironments(result);
  const ordered = orderedArtifacts(checks);
  const anchors = new Map(ordered.map((a, i) => [a, `artifact-${i + 1}`]));
  const rows = ordered.map((artifact) => {
    const standing = artifactStanding(artifact);
    const cells = environments.map((id) => {
      const cell = artifact.cells.find((c) => c.environment === id);
      return `<td>${cell ? verdictBadge(cell) : '<span class="none">—</span>'}</td>`;
    });
    return `<tr class="artifact ${standing === "runs" ? "predicted" : "surprise"}" data-standing="${standing}"><th scope="row"><a href="#${anchors.get(artifact)}"><code>${esc(artifact.path)}</code></a></th>${cells.join("")}</tr>`;
  });
  const head = environments.map((id) => `<th>${esc(id)}</th>`).join("");
  const what = checks.image ? `image <code>${esc(checks.image)}</code>` : "the files given";
  return `<section id="check">
<h2>Check: will these files run on glibc and on musl?</h2>
<p class="meta">checked ${what}: ${checks.targets.map((t) => `<code>${esc(t)}</code>`).join(" ")}${checks.runArgs ? ` · run with <code>${esc(checks.runArgs.join(" ") || "no arguments")}</code>` : " · predicted only (--no-run)"}</p>
${renderCheckSummary(result, checks)}
<table class="checks">
<thead><tr><th>artifact</th>${head}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
${ordered.map((a) => renderArtifactDetails(a, anchors.get(a) ?? "")).join("\n")}
</section>`;
}

/** The verdict in a badge coloured like the cell's outcome, which the title names. */
function verdictBadge(cell: CheckCell): string {
  const info = OUTCOME_INFO[cell.outcome];
  const wrong = predictionCheck(cell) === "wrong" ? " <strong>prediction wrong</strong>" : "";
  return `<span class="badge o-${cell.outcome}" title="${esc(info.label)}">${esc(verdictGlyph(cell))} ${esc(verdictLabel(cell))}</span>${wrong}`;
}

function renderCheckSummary(result: RunResult, checks: CheckReport): string {
  const s = checkSummary(result, checks);
  const items = [
    `<li><strong>${s.artifacts}</strong> artifacts checked</li>`,
    `<li><strong>${s.runEverywhere}</strong> run everywhere</li>`,
    ...s.failsOn.map(
      (f) =>
        `<li><strong>${f.count}</strong> do not run on ${esc(f.environment)} <span class="meta">(${f.verdicts.map((v) => `${esc(v.verdict)} ${v.count}`).join(", ")})</span></li>`,
    ),
    s.notElf > 0 ? `<li><strong>${s.notElf}</strong> not ELF</li>` : "",
    `<li><strong>${s.wrongPredictions}</strong> predictions wrong</li>`,
    `<li class="meta">files looked at: ${s.counts.files} (ELF ${s.counts.elf}, not ELF ${s.counts.notElf}, skipped ${s.counts.skipped})</li>`,
  ];
  const skipped =
    checks.skipped.length > 0
      ? `<details><summary>Skipped files (${checks.skipped.length})</summary><ul>${checks.skipped.map((k) => `<li><code>${esc(k.path)}</code>: ${esc(k.reason)}</li>`).join("")}</ul></details>`
      : "";
  return `<ul class="check-summary">${items.filter(Boolean).join("")}</ul>\n${skipped}`;
}

function renderArtifactDetails(artifact: CheckedArtifact, anchor: string): string {
  const facts = artifact.facts;
  const blocks: string[] = [];
  if (facts) {
    const rows: [string, string][] = [
      ["summary", facts.summary],
      ["class, machine, kind", `${facts.class}-bit ${facts.machine} ${facts.kind}`],
      ["interpreter", facts.interpreter ?? "none"],
      ["soname", facts.soname ?? "none"],
      ["needed", facts.needed.join(", ") || "none"],
      ["rpath / runpath", [...facts.rpath, ...facts.runpath].join(":") || "none"],
      ["highest glibc version", facts.highestGlibcVersion ?? "none"],
      ["imports", `${facts.imports.length} (weak: ${facts.weakImports.length})`],
    ];
    blocks.push(
      `<table class="facts"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")}</tbody></table>`,
    );
  } else {
    blocks.push(
      `<p>not an ELF file${artifact.formatError ? `: ${esc(artifact.formatError)}` : ""}</p>`,
    );
  }
  for (const cell of artifact.cells) blocks.push(renderCellDetails(cell));
  if (artifact.hints.length > 0) {
    blocks.push(
      `<ul class="hints">${artifact.hints.map((h) => `<li>${esc(hintLine(h))}</li>`).join("")}</ul>`,
    );
  }
  return `<details class="artifact-details" id="${esc(anchor)}"><summary><code>${esc(artifact.path)}</code> <span class="meta">${artifact.size} bytes</span> ${artifact.cells.map(verdictBadge).join(" ")}</summary>
${blocks.join("\n")}
</details>`;
}

function renderCellDetails(cell: CheckCell): string {
  const p = cell.prediction;
  const run = cell.confirmation;
  const parts = [`<h4>${esc(cell.environment)}: ${verdictBadge(cell)} ${badge(cell.outcome)}</h4>`];
  if (p?.message) parts.push(`<p>message: <code>${esc(p.message)}</code></p>`);
  // The prediction's reason is in the table below; an explanation of its own is said here.
  if (cell.explanation !== p?.reason) parts.push(`<p class="why">${esc(cell.explanation)}</p>`);
  if (p) {
    const missing = missingLines(p);
    if (missing.length > 0)
      parts.push(`<ul class="missing">${missing.map((m) => `<li>${esc(m)}</li>`).join("")}</ul>`);
  }
  const check = predictionCheck(cell);
  const heading = {
    confirmed: "prediction confirmed",
    wrong: "PREDICTION WRONG",
    "not-run": "predicted only: not run",
    undecided: "ran, could not tell",
  }[check];
  if (p || run) {
    parts.push(
      `<table class="prediction ${check}"><caption>${esc(heading)}</caption><thead><tr><th></th><th>predicted</th><th>observed</th></tr></thead><tbody>`,
      `<tr><th scope="row">verdict</th><td>${p ? esc(VERDICT_LABELS[p.verdict]) : "—"}</td><td>${run ? esc(run.observed ? VERDICT_LABELS[run.observed] : "could not tell") : "—"}</td></tr>`,
      `<tr><th scope="row">why</th><td>${p ? esc(p.reason) : "—"}</td><td>${run ? `${esc(run.note)}<br><span class="meta">${esc(confirmationStatus(cell))} · ${run.durationMs} ms</span>` : "—"}</td></tr>`,
      "</tbody></table>",
    );
  }
  if (run) {
    parts.push(`<p><code>$ ${esc(run.command)}</code></p>`);
    if (run.stdout) parts.push(`<p>stdout:</p><pre>${esc(clip(run.stdout))}</pre>`);
    if (run.stderr) parts.push(`<p>stderr:</p><pre class="stderr">${esc(clip(run.stderr))}</pre>`);
  }
  if (cell.fixes.length > 0)
    parts.push(`<ul class="fixes">${cell.fixes.map((f) => `<li>${esc(f)}</li>`).join("")}</ul>`);
  return `<div class="cell-details">${parts.join("\n")}</div>`;
}

function clip(text: string): string {
  if (text.length <= OUTPUT_EXCERPT_CHARS) return text;
  return `${text.slice(0, OUTPUT_EXCERPT_CHARS)}\n… ${text.length - OUTPUT_EXCERPT_CHARS} more characters in the JSON report`;
}

/** Styles the check view adds to the page's own. */
export const CHECK_STYLE = `
table.checks th[scope=row]{font-weight:400}
body.only-surprises tr.artifact.predicted{display:none}
.artifact-details{border:1px solid #d0d7de;border-radius:6px;padding:4px 10px;margin:6px 0}
.artifact-details>summary{cursor:pointer}
.cell-details{border-top:1px solid #d0d7de;margin-top:6px}
table.prediction caption{text-align:left;font-weight:600}
table.prediction.wrong caption{color:#cf222e}
ul.check-summary{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:16px}
`;
