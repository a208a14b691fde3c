import { OUTCOME_INFO, OUTCOMES, type Outcome } from "../classify/outcomes.js";
import type { CaseResult, RunResult, ScenarioResult } from "../run-result.js";
import { CHECK_STYLE, renderCheckSection } from "./check-html.js";
import { describeChange } from "./describe-change.js";
import { escapeHtml as esc } from "./escape-html.js";
import {
  COLOR_VALUES,
  sweepChart,
  timingChart,
  type ChartMarker,
  type TimingBar,
} from "./html-charts.js";
import {
  adviceViews,
  claimViews,
  columnsFor,
  measurementTables,
  runStatus,
  sweepViews,
  type SweepView,
} from "./scenario-views.js";

/**
 * One self-contained HTML file for a classroom or a CI artifact: styles, script and charts are
 * inline and the Content-Security-Policy forbids every fetch, so the file shows the same thing
 * offline, from a mail attachment or years later. Every piece of text from a run (probe output
 * above all) is escaped: a probe printing `<script>` shows as text.
 *
 * Every scenario gets its case table (outcome badges, commands, collapsible outputs), its sweeps
 * as charts and tables, its side-by-side measurement tables, claims and advice; scenarios whose
 * cases repeat timings get bar charts of the medians. What a chart marks and which timing it
 * draws come from the scenario's report spec, carried in the RunResult: no scenario is known here
 * by name.
 */
export function renderHtml(result: RunResult): string {
  const title = `musl-lab report ${result.startedAt}`;
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    // No fetch of any kind: the report must be complete by itself.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}${badgeStyles()}${result.checks ? CHECK_STYLE : ""}</style>`,
    "</head>",
    "<body>",
    renderHeader(result),
    renderEnvironments(result),
    result.baseline ? renderBaseline(result) : "",
    renderToolbar(result),
    ...result.scenarios.map((scenario) => renderScenario(result, scenario)),
    result.checks ? renderCheckSection(result, result.checks) : "",
    `<footer>musl-lab ${esc(result.tool.version)} · JSON report schema version ${result.schemaVersion}</footer>`,
    `<script>${SCRIPT}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/** An outcome as a coloured badge (glyph and label), the page's one way to show an outcome. */
export function badge(outcome: Outcome): string {
  const info = OUTCOME_INFO[outcome];
  return `<span class="badge o-${outcome}">${esc(info.glyph)} ${esc(info.label)}</span>`;
}

function badgeStyles(): string {
  return OUTCOMES.map(
    (outcome) => `.o-${outcome}{background:${COLOR_VALUES[OUTCOME_INFO[outcome].color]}}`,
  ).join("");
}

function renderHeader(result: RunResult): string {
  const s = result.summary;
  const exit =
    result.exitStatus === 0
      ? result.checks
        ? "Every artifact runs in every environment, as predicted"
        : "Everything behaved as the scenarios predict"
      : result.exitStatus === 2
        ? "The infrastructure failed under some cases"
        : result.checks
          ? "Some artifacts do not run everywhere, or a prediction was wrong"
          : "Unexpected results or regressions";
  const counts = OUTCOMES.filter((o) => s[o] > 0)
    .map((o) => `<li>${badge(o)} <strong>${s[o]}</strong></li>`)
    .join("");
  const setup =
    result.setup.length > 0
      ? `<details><summary>Set-up done for this run (${result.setup.length})</summary><ul>${result.setup.map((l) => `<li>${esc(l)}</li>`).join("")}</ul></details>`
      : "";
  return `<header>
<h1>musl-lab: how programs behave on glibc and on musl</h1>
<p class="meta">started ${esc(result.startedAt)} · ${(result.durationMs / 1000).toFixed(1)} s · images: ${esc(result.images)} · ${s.total} ${result.checks ? "checks" : "cases"}</p>
<p class="exit exit-${result.exitStatus}">${esc(exit)} (exit status ${result.exitStatus})</p>
<ul class="counts">${counts}</ul>
${setup}
</header>`;
}

function renderEnvironments(result: RunResult): string {
  const rows = result.environments.map(
    (e) =>
      `<tr><th scope="row">${esc(e.id)}</th><td>${esc(e.libc.family)}</td><td>${esc(e.libc.version)}</td><td>${esc(e.distro)}</td><td><code>${esc(e.imageTag)}</code> (${esc(e.imageMode)})</td><td>${esc(e.kernel)}</td><td>${e.locales === null ? "none (no locale data)" : esc(e.locales.length)}</td></tr>`,
  );
  return `<section id="environments">
<h2>Environments, as detected inside each container</h2>
<table class="environments">
<thead><tr><th>id</th><th>libc</th><th>version</th><th>distribution</th><th>image</th><th>kernel</th><th>locales</th></tr></thead>
<tbody>${rows.join("\n")}</tbody>
</table>
</section>`;
}

function renderBaseline(result: RunResult): string {
  const baseline = result.baseline;
  if (!baseline) return "";
  const since = baseline.baselineStartedAt ? ` (the run of ${baseline.baselineStartedAt})` : "";
  const rows = baseline.changes.map(
    (change) =>
      `<tr class="${change.regression ? "regression" : "change"}"><td>${change.regression ? "regression" : "listed"}</td><td>${esc(change.scenario)}/${esc(change.id)}</td><td>${esc(change.environment)}</td><td>${esc(describeChange(change))}</td></tr>`,
  );
  const body =
    rows.length > 0
      ? `<table class="baseline-changes"><thead><tr><th></th><th>case</th><th>environment</th><th>change</th></tr></thead><tbody>${rows.join("\n")}</tbody></table>`
      : `<p>${esc(baseline.note ?? "No changes since the baseline.")}</p>`;
  const notes = [
    baseline.accepted ? `This run was accepted and written to ${baseline.file}.` : "",
    baseline.notCompared > 0
      ? `${baseline.notCompared} baseline cases of scenarios or environments this run did not select were not compared.`
      : "",
  ].filter(Boolean);
  return `<section id="baseline">
<h2>Changes since baseline</h2>
<p class="meta">compared with <code>${esc(baseline.file)}</code>${esc(since)}</p>
${body}
${notes.map((n) => `<p class="meta">${esc(n)}</p>`).join("\n")}
</section>`;
}

function renderToolbar(result: RunResult): string {
  const links = result.scenarios
    .map((s) => `<a href="#scenario-${esc(s.id)}">${esc(s.id)}</a>`)
    .join(" · ");
  return `<nav class="toolbar">
${links ? `<span>Scenarios: ${links}</span>` : ""}
<label><input type="checkbox" id="only-surprises"> only unexpected cases</label>
<button type="button" id="expand-all">expand all outputs</button>
<button type="button" id="collapse-all">collapse all</button>
<span id="script-status" class="meta"></span>
</nav>`;
}

function renderScenario(result: RunResult, scenario: ScenarioResult): string {
  const parts = [
    `<section class="scenario" id="scenario-${esc(scenario.id)}">`,
    `<h2>${esc(scenario.id)}: ${esc(scenario.title)}</h2>`,
    `<p class="description">${esc(scenario.description)}</p>`,
  ];
  for (const view of sweepViews(result, scenario)) parts.push(renderSweep(scenario, view));
  parts.push(renderTimings(result, scenario));
  for (const table of measurementTables(result, scenario)) {
    const head = table.columns.map((c) => `<th>${esc(c.label)}</th>`).join("");
    const rows = table.rows.map(
      (row) =>
        `<tr${row.differs ? ' class="differs"' : ""}><th scope="row">${row.differs ? '<span class="ne" title="the environments differ">≠</span> ' : ""}${esc(row.label)}</th>${row.cells.map((cell) => `<td>${cell === null ? '<span class="none">—</span>' : esc(cell)}</td>`).join("")}</tr>`,
    );
    parts.push(
      `<figure class="side-by-side"><figcaption>${esc(table.title)}</figcaption>`,
      `<table class="side-by-side"><thead><tr><th></th>${head}</tr></thead><tbody>${rows.join("\n")}</tbody></table>`,
      table.note ? `<p class="note">${esc(table.note)}</p>` : "",
      "</figure>",
    );
  }
  const claims = claimViews(result, scenario);
  if (claims.length > 0) {
    parts.push(
      "<h3>Claims checked against this run</h3>",
      `<ul class="claims">${claims
        .map(
          (claim) =>
            `<li>“${esc(claim.claim)}”<ul>${claim.checks
              .map(
                (check) =>
                  `<li>${esc(check.column.label)}: ${esc(check.value ?? "—")} → <strong class="${check.holds === null ? "unknown" : check.holds ? "holds" : "fails"}">${check.holds === null ? "not measured" : check.holds ? "holds" : "does not hold"}</strong></li>`,
              )
              .join("")}</ul></li>`,
        )
        .join("\n")}</ul>`,
    );
  }
  const advice = adviceViews(result, scenario);
  if (advice.length > 0) {
    parts.push(
      "<h3>What to do</h3>",
      `<ul class="advice">${advice
        .map((item) => {
          const measured = item.measured.map(
            (m) => `<li class="meta">${esc(m.column.label)}: ${esc(m.value ?? "—")}</li>`,
          );
          const evidence = item.evidence.map(
            (e) =>
              `<li class="meta">measured on ${esc(e.column.id)}: ${e.counts.map((c) => `${badge(c.outcome)} ×${c.count}`).join(" ")}</li>`,
          );
          return `<li>${esc(item.text)}<ul>${[...measured, ...evidence].join("")}</ul></li>`;
        })
        .join("\n")}</ul>`,
    );
  }
  parts.push(renderCases(scenario.cases));
  parts.push(
    `<p class="sources">Sources: ${scenario.sources.map(esc).join(" · ")}</p>`,
    "</section>",
  );
  return parts.filter(Boolean).join("\n");
}

function renderSweep(scenario: ScenarioResult, view: SweepView): string {
  const specs = (scenario.report.sweepMarkers ?? []).filter((m) => m.sweep === view.caseId);
  const markers: ChartMarker[] = specs.flatMap((m) =>
    view.columns.flatMap((column) => {
      const value = Number(
        scenario.cases.find((c) => c.id === m.case && c.environment === column.id)?.measurements[
          m.key
        ],
      );
      return Number.isFinite(value) && value > 0
        ? [{ label: m.label, environment: column.id, value, style: m.style }]
        : [];
    }),
  );
  const head = view.columns.map((c) => `<th>${esc(c.label)}</th>`).join("");
  const rows = view.rows.map(
    (row) =>
      `<tr><th scope="row">${esc(row.value)}</th>${row.cells.map((cell) => (cell ? `<td>${badge(cell.outcome)} ${esc(cell.status)}</td>` : '<td><span class="none">—</span></td>')).join("")}</tr>`,
  );
  const legend = [
    '<span class="legend"><svg width="14" height="14"><circle cx="7" cy="7" r="6" fill="#1a7f37"/></svg> survived</span>',
    '<span class="legend"><svg width="14" height="14"><rect width="14" height="14" rx="2" fill="#9a6700"/></svg> crashed (amber: predicted, red: unexpected)</span>',
    markers.length > 0
      ? specs
          .map(
            (m) =>
              `<span class="legend"><svg width="20" height="14"><line x1="10" y1="0" x2="10" y2="14" class="legend-${m.style}"/></svg> ${esc(m.legend)}</span>`,
          )
          .join("")
      : "",
  ].join(" ");
  return `<figure class="sweep" data-sweep="${esc(view.caseId)}">
<figcaption>${esc(view.title)} <span class="meta">(${esc(view.caseId)}, by ${esc(view.unit)})</span></figcaption>
${sweepChart(view, markers)}
<p class="legends">${legend}</p>
<details><summary>as a table</summary><table class="sweep-table"><thead><tr><th>${esc(view.unit)}</th>${head}</tr></thead><tbody>${rows.join("\n")}</tbody></table></details>
</figure>`;
}

/** Bar charts of the repeated cases' timings, when the scenario's report spec asks for them. */
function renderTimings(result: RunResult, scenario: ScenarioResult): string {
  const timings = scenario.report.timings;
  if (!timings) return "";
  const timed = scenario.cases.filter(
    (c) => c.measurements["repeats"] !== undefined && c.measurements[`${timings.key}.median`],
  );
  const ids = [...new Set(timed.map((c) => c.id))];
  if (ids.length === 0) return "";
  const charts = ids.map((id) => {
    const cases = timed.filter((c) => c.id === id);
    const bars: TimingBar[] = columnsFor(result, cases).flatMap((column) => {
      const m = cases.find((c) => c.environment === column.id)?.measurements ?? {};
      const [min, median, max] = ["min", "median", "max"].map((s) =>
        Number(m[`${timings.key}.${s}`]),
      );
      return [min, median, max].every((v) => Number.isFinite(v))
        ? [
            {
              column,
              min: min ?? 0,
              median: median ?? 0,
              max: max ?? 0,
              unit: timings.unit,
              colorIndex: Math.max(
                0,
                result.environments.findIndex((e) => e.id === column.id),
              ),
            },
          ]
        : [];
    });
    return `<figure class="timing" data-case="${esc(id)}">${timingChart(id, bars)}<figcaption>${esc(cases[0]?.title ?? id)}</figcaption></figure>`;
  });
  return `<h3>${esc(timings.heading)}</h3>
<div class="timing-charts">${charts.join("\n")}</div>`;
}

function renderCases(cases: CaseResult[]): string {
  const rows = cases.map((c) => {
    const info = OUTCOME_INFO[c.outcome];
    return `<tr class="case ${info.predicted ? "predicted" : "surprise"}" data-outcome="${c.outcome}">
<td>${badge(c.outcome)}</td>
<td><strong>${esc(c.id)}</strong><br><span class="meta">${esc(c.title)}</span></td>
<td>${esc(c.environment)}</td>
<td>${c.command ? `<code>${esc(c.command)}</code>` : '<span class="none">—</span>'}</td>
<td>${esc(runStatus(c))}<br><span class="meta">${c.durationMs} ms</span></td>
<td class="why">${esc(c.explanation)}${c.note ? `<br><span class="meta">note: ${esc(c.note)}</span>` : ""}</td>
<td>${renderDetails(c)}</td>
</tr>`;
  });
  return `<h3>Cases</h3>
<table class="cases">
<thead><tr><th>outcome</th><th>case</th><th>environment</th><th>command</th><th>status</th><th>why</th><th>output</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>`;
}

function renderDetails(c: CaseResult): string {
  const blocks: string[] = [];
  if (c.build) {
    const reused = c.build.cached ? " (reused from the build cache)" : "";
    blocks.push(
      `<p>built in ${esc(c.build.builtIn)}${reused}: <code>${esc(c.build.command)}</code></p>`,
    );
    if (c.build.elf) blocks.push(`<p>binary: ${esc(c.build.elf)}</p>`);
    if (c.build.output.trim())
      blocks.push(`<p>compiler said:</p><pre>${esc(c.build.output)}</pre>`);
  }
  if (c.stdout) blocks.push(`<p>stdout:</p><pre>${esc(c.stdout)}</pre>`);
  if (c.stderr) blocks.push(`<p>stderr:</p><pre class="stderr">${esc(c.stderr)}</pre>`);
  if (c.queryLog) {
    blocks.push(
      `<p>the DNS fixture saw:</p><pre>${esc(c.queryLog.join("\n") || "no query")}</pre>`,
    );
  }
  if (c.mismatches.length > 0) {
    blocks.push(
      `<ul class="mismatches">${c.mismatches.map((m) => `<li>${esc(m)}</li>`).join("")}</ul>`,
    );
  }
  if (blocks.length === 0) return '<span class="none">—</span>';
  return `<details><summary>show</summary>${blocks.join("\n")}</details>`;
}

const STYLE = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2328;background:#fff;font-size:15px;line-height:1.45}
body{margin:0 auto;max-width:1400px;padding:16px 24px}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.3em;margin-top:1.6em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}h3{font-size:1.05em;margin-top:1.3em}
.meta{color:#59636e;font-size:.92em}
.exit{font-weight:600;padding:6px 10px;border-radius:6px;display:inline-block}
.exit-0{background:#dafbe1;color:#116329}.exit-1{background:#ffebe9;color:#a40e26}.exit-2{background:#fbefff;color:#6639ba}
.counts{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:12px}
.badge{display:inline-block;color:#fff;border-radius:10px;padding:1px 8px;font-size:.85em;font-weight:600;white-space:nowrap}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:#f6f8fa}
table.cases{width:100%}
table.cases td.why{max-width:420px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;word-break:break-all}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:6px 8px;max-height:360px;overflow:auto;font-size:.85em;white-space:pre-wrap;word-break:break-all}
pre.stderr{background:#fff8f0}
tr.surprise{background:#fff5f5}
tr.differs th{background:#fff8c5}
.ne{color:#9a6700;font-weight:700}
.none{color:#8c959f}
.toolbar{position:sticky;top:0;background:#fffffff0;border-bottom:1px solid #d0d7de;padding:8px 0;display:flex;flex-wrap:wrap;gap:16px;align-items:center;z-index:1}
body.only-surprises tr.case.predicted{display:none}
figure{margin:1em 0}
figcaption{font-weight:600;margin-bottom:4px}
.timing-charts{display:flex;flex-wrap:wrap;gap:12px}
.timing-charts figure{border:1px solid #d0d7de;border-radius:6px;padding:6px;margin:0}
.timing-charts figcaption{font-weight:400;font-size:.85em;color:#59636e;max-width:330px}
svg.chart{max-width:100%;height:auto;font-size:12px}
svg .axis{stroke:#57606a;stroke-width:1}
svg .grid{stroke:#d0d7de;stroke-width:1;stroke-dasharray:2 3}
svg .tick,svg .axis-label{fill:#59636e}
svg .row-label{fill:#1f2328;font-weight:600}
svg .chart-title{font-weight:600;fill:#1f2328}
svg .value{fill:#1f2328;font-weight:600}
svg .whisker{stroke:#1f2328;stroke-width:1.5;fill:none}
svg .limit-marker line{stroke:#1f2328;stroke-width:2.5}
svg .limit-marker.dashed line{stroke:#0969da;stroke-dasharray:5 3}
svg .limit-marker text{font-size:11px;fill:#1f2328}
svg .limit-marker.dashed text{fill:#0969da}
.legend-solid{stroke:#1f2328;stroke-width:2.5}.legend-dashed{stroke:#0969da;stroke-width:2.5;stroke-dasharray:4 2}
.legends{display:flex;gap:16px;flex-wrap:wrap;font-size:.9em;color:#59636e}
.legend svg{vertical-align:middle}
.holds{color:#1a7f37}.fails{color:#cf222e}.unknown{color:#6e7781}
tr.regression{background:#ffebe9}
footer{margin:3em 0 1em;color:#59636e;font-size:.85em}
`;

/** Small conveniences only: the report is complete without script (charts are plain SVG). */
const SCRIPT = `
(function () {
  var only = document.getElementById("only-surprises");
  only.addEventListener("change", function () {
    document.body.classList.toggle("only-surprises", only.checked);
  });
  function openAll(open) {
    document.querySelectorAll("table.cases details, details.artifact-details").forEach(function (d) { d.open = open; });
  }
  document.getElementById("expand-all").addEventListener("click", function () { openAll(true); });
  document.getElementById("collapse-all").addEventListener("click", function () { openAll(false); });
  var surprises = document.querySelectorAll("tr.case.surprise").length;
  document.getElementById("script-status").textContent =
    document.querySelectorAll("tr.case").length + " cases, " + surprises + " unexpected, " +
    document.querySelectorAll("svg.chart").length + " charts";
  document.documentElement.setAttribute("data-ready", "true");
})();
`;
