// The evidence report: requirement → rule → resources → pass / fail / suppressed / not applicable
// per context, the segmentation proof with its flow table, and the diagrams. Markdown and a
// self-contained HTML page (inline CSS and SVG), byte-stable: no timestamps, sorted everything.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvidenceResults, RequirementEvidence } from '../evidence/results.js';
import { worst } from '../evidence/results.js';
import { dataFlowDiagram, networkDiagram } from './diagram.js';
import { compareRequirements, PRINCIPAL, REQUIREMENTS } from './requirements.js';
import { primaryContext, segmentationOf, type CheckRun } from './run.js';
import type { Flow, PropertyResult } from './segmentation.js';
import { escapeXml } from './svg.js';
import type { ResourceResult, Rule, RuleResult, Status } from './types.js';

export interface ReportFiles {
  readonly 'report.md': string;
  readonly 'report.html': string;
  readonly 'network.svg': string;
  readonly 'data-flow.svg': string;
}

/** Status marks in words (no glyphs: an emoji renders as an empty box where no emoji font is installed); HTML adds colour by class. */
const ICON: Record<Status, string> = { pass: 'PASS', fail: 'FAIL', suppressed: 'SUPPRESSED', 'not-applicable': 'n/a' };
const COVERAGE_LABEL: Record<RequirementEvidence['coverage'], string> = {
  evaluated: 'evaluated here',
  runtime: 'needs run-time evidence',
  entity: "entity's responsibility",
  application: "application's responsibility",
  aws: 'inherited from AWS',
};

/** The coverage figure: the first thing the report says. */
function coverageSentence(results: EvidenceResults): string {
  const c = results.coverage;
  const evaluated = results.requirements.filter((r) => r.coverage === 'evaluated');
  const failing = evaluated.filter((r) => r.results && Object.values(r.results).includes('fail')).length;
  return `Of the ${c.total} PCI DSS v4.0.1 requirements with a defined approach (requirements 1–12), ${c.evaluated} are evaluated here (${evaluated.length - failing} hold in every context, ${failing} fail in at least one), ${c.runtime} need run-time evidence from the accounts, ${c.entity + c.application} are the entity's or the application's responsibility (${c.entity} entity, ${c.application} application) and ${c.aws} are inherited from AWS. Evaluated here means partly, as a rule: each requirement says what its rules do not check.`;
}

/** What backs a requirement, in words: its rules with statuses, or where the evidence must come from. */
function evidenceText(r: RequirementEvidence, contexts: readonly string[]): string {
  if (r.coverage === 'evaluated') {
    const status = r.results ? contexts.map((c) => `${c} ${ICON[r.results![c]]}`).join(', ') : '';
    return [r.rules.join(', '), r.artifacts.join(', '), status].filter(Boolean).join(' — ');
  }
  const config = r.configRules.map((c) => `${c.identifier}${c.deployed ? ' (deployed here)' : ''}`).join(', ');
  return [r.note ?? '', config ? `AWS Config: ${config}` : ''].filter(Boolean).join(' · ');
}

function notCheckedText(v: Views, r: RequirementEvidence): string {
  if (r.coverage !== 'evaluated') return '';
  return [r.note ?? '', ...r.rules.map((id) => `${id}: ${v.run.rules.find((x) => x.id === id)?.notChecked ?? ''}`)].filter(Boolean).join(' · ');
}

const md = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

interface Views {
  readonly run: CheckRun;
  readonly results: EvidenceResults;
  readonly byRule: Map<string, Map<string, RuleResult>>;
  readonly requirements: string[];
  readonly primary: string;
}

function views(run: CheckRun, results: EvidenceResults): Views {
  const byRule = new Map<string, Map<string, RuleResult>>();
  for (const r of run.results) {
    if (!byRule.has(r.ruleId)) byRule.set(r.ruleId, new Map());
    byRule.get(r.ruleId)!.set(r.context, r);
  }
  const requirements = [...new Set(run.rules.flatMap((r) => r.requirements))].sort(compareRequirements);
  return { run, results, byRule, requirements, primary: primaryContext(run) };
}

function counts(run: CheckRun, context: string): Record<Status, number> {
  const out: Record<Status, number> = { pass: 0, fail: 0, suppressed: 0, 'not-applicable': 0 };
  for (const r of run.results) if (r.context === context) out[r.status]++;
  return out;
}

/** One row per resource with its status in every context, and the message of its worst context. */
function resourceRows(v: Views, rule: Rule): { key: string; type: string; statuses: Map<string, ResourceResult>; worst: ResourceResult }[] {
  const rows = new Map<string, { key: string; type: string; statuses: Map<string, ResourceResult> }>();
  for (const context of v.run.contextNames) {
    for (const res of v.byRule.get(rule.id)?.get(context)?.resources ?? []) {
      const key = `${res.layer}/${res.logicalId}`;
      if (!rows.has(key)) rows.set(key, { key, type: res.type, statuses: new Map() });
      rows.get(key)!.statuses.set(context, res);
    }
  }
  return [...rows.values()]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((row) => {
      const all = [...row.statuses.values()];
      const rank = worst(all.map((r) => r.status));
      return { ...row, worst: v.run.contextNames.map((c) => row.statuses.get(c)).find((r) => r?.status === rank)! };
    });
}

function requirementStatus(v: Views, requirement: string, context: string): Status {
  return worst(v.run.rules.filter((r) => r.requirements.includes(requirement)).map((r) => v.byRule.get(r.id)?.get(context)?.status ?? 'not-applicable'));
}

function flowRows(flows: readonly Flow[]): string[][] {
  return flows.map((f) => [f.source, f.destination, f.port, f.protocol, f.via]);
}

function propertyStatus(p: PropertyResult): Status {
  if (!p.applicable) return 'not-applicable';
  return p.findings.some((f) => !f.holds) ? 'fail' : 'pass';
}

const references = (rule: Rule): string =>
  [
    `Requirements ${rule.requirements.join(', ')}`,
    `Security Hub ${rule.references.securityHub.join(', ') || '—'}`,
    `AWS Config ${rule.references.configRules.join(', ') || '—'}`,
    rule.scope === 'production' ? 'enforced in production contexts (prod, defaults)' : 'enforced in every context',
  ].join(' · ');

const VERIFY = 'tsx scripts/check.ts --verify generated/compliance (or make check VERIFY=generated/compliance)';

// --- Markdown ----------------------------------------------------------------------------------

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(md).join(' | ')} |`)];
}

/** Rules failing in some context, with where. */
function failingRules(v: Views): { id: string; title: string; contexts: string[] }[] {
  return v.results.rules
    .filter((r) => Object.values(r.results).some((x) => x.status === 'fail'))
    .map((r) => ({
      id: r.id,
      title: r.title,
      contexts: Object.entries(r.results)
        .filter(([, x]) => x.status === 'fail')
        .map(([c]) => c),
    }));
}

function exceptionRows(v: Views): string[][] {
  return v.results.exceptions.map((e) => [`${e.layer}/${e.logicalId}`, e.tool, e.id, e.requirement ?? '—', e.reason, e.compensatingControl ?? '—', e.expires ?? 'no expiry']);
}
const EXCEPTION_HEADER = ['resource', 'tool', 'finding', 'PCI DSS', 'reason', 'compensating control', 'expires'];

function provenanceLines(v: Views): string[][] {
  const p = v.results.provenance;
  return [['inputs digest (sha256)', p.inputsDigest], ...Object.entries(p.trees).map(([d, id]) => [`git tree ${d}`, id]), ...Object.entries(p.tools).map(([t, ver]) => [t, ver])];
}

function renderMarkdown(run: CheckRun, results: EvidenceResults): string {
  const v = views(run, results);
  const ctxs = run.contextNames;
  const failing = failingRules(v);
  const out: string[] = [
    '# PCI DSS v4.0.1 evidence report — card-payment platform',
    '',
    `**Coverage.** ${coverageSentence(results)}`,
    '',
    ...table(
      ['coverage', 'requirements'],
      [
        [COVERAGE_LABEL.evaluated, String(results.coverage.evaluated)],
        [COVERAGE_LABEL.runtime, String(results.coverage.runtime)],
        [`${COVERAGE_LABEL.entity} / ${COVERAGE_LABEL.application}`, `${results.coverage.entity} / ${results.coverage.application}`],
        [COVERAGE_LABEL.aws, String(results.coverage.aws)],
        ['total', String(results.coverage.total)],
      ],
    ),
    '',
    failing.length > 0
      ? `**Failing: ${failing.length} rule(s)** — ${failing.map((f) => `${f.id} (${f.contexts.join(', ')})`).join(', ')}.`
      : '**Every evaluated control holds in every context it is enforced in.**',
    '',
    `Generated by \`make check\` from ${run.inputs.templates.length} templates, ${run.inputs.parameterSets.length} parameter files and ${run.rules.length} rules. Inputs digest \`${results.provenance.inputsDigest}\` (provenance.json lists every input; verify with \`${VERIFY}\`). Machine-readable: results.json (schema results.schema.json), requirements.csv, oscal-component-definition.json, oscal-assessment-results.json.`,
    `Contexts: ${ctxs.map((c) => `**${c}**`).join(', ')} — \`defaults\` evaluates every parameter at its default (a parameter without a default that decides a condition or a template Rule, such as Environment, is enumerated over its values; a variant the template's Rules refuse is not evaluated, since CloudFormation would not deploy it), each other context applies that environment's parameter file. A control passes only if it holds in every context it is enforced in.`,
    '',
    '## Summary',
    '',
    ...table(
      ['context', 'pass', 'fail', 'suppressed', 'not applicable'],
      ctxs.map((c) => {
        const n = counts(run, c);
        return [c, String(n.pass), String(n.fail), String(n.suppressed), String(n['not-applicable'])];
      }),
    ),
    '',
    '## Coverage map (PCI DSS v4.0.1)',
    '',
  ];
  for (const [principal, title] of Object.entries(PRINCIPAL)) {
    const rows = results.requirements.filter((r) => r.principal === principal);
    out.push(
      `### Requirement ${principal} — ${title}`,
      '',
      ...table(
        ['PCI DSS', 'what', 'coverage', 'evidence', 'not checked here'],
        rows.map((r) => [r.id, r.title, COVERAGE_LABEL[r.coverage], evidenceText(r, ctxs), notCheckedText(v, r)]),
      ),
      '',
    );
  }
  out.push(
    '## Exceptions (register)',
    '',
    'Every suppression of a finding — PCI rules, cfn-lint, checkov, cfn_nag, parliament, Guard — declared once beside its resource in `templates-src` (`suppress:`), with the requirement it touches and what compensates. An expired exception fails `make check` (PCI-GOV-001).',
    '',
  );
  out.push(...(results.exceptions.length > 0 ? table(EXCEPTION_HEADER, exceptionRows(v)) : ['No exceptions.']), '');
  out.push(
    '## Requirements evaluated here',
    '',
    ...table(
      ['PCI DSS v4.0.1', 'what', 'rules', ...ctxs],
      v.requirements.map((req) => [
        req,
        REQUIREMENTS[req] ?? '',
        run.rules
          .filter((r) => r.requirements.includes(req))
          .map((r) => r.id)
          .join(', '),
        ...ctxs.map((c) => ICON[requirementStatus(v, req, c)]),
      ]),
    ),
    '',
    '## Segmentation proof (PCI DSS 1.2–1.4)',
    '',
  );
  const properties = ctxs.map((c) => segmentationOf(run, c)!);
  const ids = Object.keys(properties[0].properties) as (keyof (typeof properties)[0]['properties'])[];
  out.push(
    ...table(
      ['property', ...ctxs],
      ids.map((id) => [properties[0].properties[id].title, ...properties.map((p) => ICON[propertyStatus(p.properties[id])])]),
    ),
    '',
  );
  out.push(`### Allowed flows (${v.primary})`, '', ...table(['source', 'destination', 'port', 'protocol', 'via'], flowRows(segmentationOf(run, v.primary)!.flows)), '');
  for (const c of ctxs.filter((c) => c !== v.primary)) {
    const same = JSON.stringify(flowRows(segmentationOf(run, c)!.flows)) === JSON.stringify(flowRows(segmentationOf(run, v.primary)!.flows));
    if (!same) out.push(`#### Allowed flows (${c})`, '', ...table(['source', 'destination', 'port', 'protocol', 'via'], flowRows(segmentationOf(run, c)!.flows)), '');
  }
  out.push(
    '## Diagrams',
    '',
    `Network (${v.primary}): ![network diagram](network.svg)`,
    '',
    `Cardholder data flow (${v.primary}): ![data-flow diagram](data-flow.svg)`,
    '',
    '## Rules',
    '',
  );
  for (const rule of run.rules) {
    const rr = ctxs.map((c) => v.byRule.get(rule.id)?.get(c));
    out.push(
      `### ${rule.id} — ${rule.title}`,
      '',
      references(rule),
      '',
      `Status: ${ctxs.map((c, i) => `${c} ${ICON[rr[i]?.status ?? 'not-applicable']}`).join(' · ')}`,
      '',
      `Not checked: ${rule.notChecked || 'nothing left'}`,
      '',
    );
    const notes = ctxs.map((c, i) => (rr[i]?.note ? `${c}: ${rr[i]!.note}` : '')).filter(Boolean);
    if (notes.length > 0) out.push(`Not applicable — ${notes.join('; ')}`, '');
    const rows = resourceRows(v, rule);
    if (rows.length > 0) {
      out.push(
        ...table(
          ['resource', 'type', ...ctxs, 'evidence'],
          rows.map((row) => [
            row.key,
            row.type,
            ...ctxs.map((c) => (row.statuses.get(c) ? ICON[row.statuses.get(c)!.status] : ICON['not-applicable'])),
            row.worst.reason ? `${row.worst.message} — suppressed: ${row.worst.reason}` : row.worst.message,
          ]),
        ),
        '',
      );
    }
  }
  out.push('## Provenance', '', ...table(['what', 'value'], provenanceLines(v)), '');
  return `${out.join('\n')}\n`;
}

// --- HTML --------------------------------------------------------------------------------------

const h = escapeXml;
const CSS = `
body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1400px;color:#1d2733;padding:0 16px;box-sizing:border-box}
h1{font-size:24px}h2{margin-top:36px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;margin:0}h4{margin:18px 0 4px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px;width:100%;table-layout:auto}th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f3f5f7}.pass{background:#e7f6ea}.fail{background:#fdecea;font-weight:bold}.suppressed{background:#fff4d6}.not-applicable{color:#6b7785}
.mark{display:inline-block;min-width:3.2em;padding:0 4px;border-radius:3px;font-size:11px;font-weight:bold;text-align:center}
.mark.pass{color:#1a6b2f;border:1px solid #1a6b2f}.mark.fail{color:#a1241b;border:1px solid #a1241b}.mark.suppressed{color:#8a5a00;border:1px solid #8a5a00}.mark.not-applicable{color:#6b7785;border:1px solid #b8c1cb;font-weight:normal}
.coverage{border:2px solid #1d2733;border-radius:8px;padding:12px 16px;margin:12px 0}.coverage .figure{font-size:28px;font-weight:bold}
.bar{display:flex;height:18px;border-radius:4px;overflow:hidden;margin:8px 0}.bar span{display:block;height:100%}
.c-evaluated{background:#2f7d4a}.c-runtime{background:#d29b2a}.c-entity{background:#6b7785}.c-application{background:#9aa5b1}.c-aws{background:#3b6ea8}
.legend span{display:inline-block;margin-right:14px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
details{border:1px solid #d0d7de;border-radius:6px;margin:8px 0;padding:6px 10px}summary{cursor:pointer}
.ref{color:#5b6b7b;font-size:12px;margin:6px 0}.diagram{border:1px solid #d0d7de;border-radius:6px;margin:8px 0;padding:8px}.diagram svg{max-width:100%;height:auto;display:block}
code{background:#f3f5f7;padding:1px 4px;border-radius:3px;overflow-wrap:anywhere}`;

const mark = (status: Status): string => `<span class="mark ${status}">${h(ICON[status])}</span>`;
const cell = (status: Status): string => `<td class="${status}">${mark(status)}</td>`;

function htmlTable(header: string[], rows: string[]): string {
  return `<table><thead><tr>${header.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
const textRow = (cells: string[]): string => `<tr>${cells.map((x) => `<td>${h(x)}</td>`).join('')}</tr>`;

function coverageBox(results: EvidenceResults, failing: { id: string; contexts: string[] }[]): string {
  const c = results.coverage;
  const parts: [RequirementEvidence['coverage'], number][] = [
    ['evaluated', c.evaluated],
    ['runtime', c.runtime],
    ['entity', c.entity],
    ['application', c.application],
    ['aws', c.aws],
  ];
  return [
    '<section class="coverage" id="coverage">',
    `<div class="figure">${c.evaluated} of ${c.total} PCI DSS v4.0.1 requirements evaluated here</div>`,
    `<div class="bar" role="img" aria-label="coverage">${parts.map(([k, n]) => `<span class="c-${k}" style="width:${((100 * n) / c.total).toFixed(2)}%" title="${h(COVERAGE_LABEL[k])}: ${n}"></span>`).join('')}</div>`,
    `<div class="legend">${parts.map(([k, n]) => `<span><i class="c-${k}"></i>${h(COVERAGE_LABEL[k])}: <b>${n}</b></span>`).join('')}</div>`,
    `<p>${h(coverageSentence(results))}</p>`,
    failing.length > 0
      ? `<p class="fail">Failing: ${failing.length} rule(s) — ${failing.map((f) => `<a href="#${f.id}">${h(f.id)}</a> (${h(f.contexts.join(', '))})`).join(', ')}</p>`
      : '<p class="pass">Every evaluated control holds in every context it is enforced in.</p>',
    '</section>',
  ].join('');
}

function renderHtml(run: CheckRun, results: EvidenceResults, diagrams: { network: string; dataFlow: string }): string {
  const v = views(run, results);
  const ctxs = run.contextNames;
  const failing = failingRules(v);
  const parts: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>PCI DSS v4.0.1 evidence report — card-payment platform</title>',
    `<style>${CSS}</style></head><body>`,
    '<h1>PCI DSS v4.0.1 evidence report — card-payment platform</h1>',
    coverageBox(results, failing),
    `<p>Generated by <code>make check</code> from ${run.inputs.templates.length} templates, ${run.inputs.parameterSets.length} parameter files and ${run.rules.length} rules. Inputs digest <code>${results.provenance.inputsDigest}</code> (provenance.json lists every input; verify with <code>${h(VERIFY)}</code>). Machine-readable: results.json (schema results.schema.json), requirements.csv, oscal-component-definition.json, oscal-assessment-results.json.</p>`,
    `<p>Contexts: ${ctxs.map((c) => `<b>${h(c)}</b>`).join(', ')}. <code>defaults</code> evaluates every parameter at its default (a parameter without a default that decides a condition or a template Rule, such as Environment, is enumerated over its values; a variant the template's Rules refuse is not evaluated, since CloudFormation would not deploy it); each other context applies that environment's parameter file. A control passes only if it holds in every context it is enforced in.</p>`,
    '<h2>Summary</h2>',
    htmlTable(
      ['context', 'pass', 'fail', 'suppressed', 'not applicable'],
      ctxs.map((c) => {
        const n = counts(run, c);
        return `<tr><td>${h(c)}</td><td>${n.pass}</td><td class="${n.fail > 0 ? 'fail' : ''}">${n.fail}</td><td>${n.suppressed}</td><td>${n['not-applicable']}</td></tr>`;
      }),
    ),
    '<h2>Coverage map (PCI DSS v4.0.1)</h2>',
  ];
  for (const [principal, title] of Object.entries(PRINCIPAL)) {
    const rows = results.requirements.filter((r) => r.principal === principal);
    const evaluated = rows.filter((r) => r.coverage === 'evaluated').length;
    parts.push(
      `<details id="req-${principal}"><summary><b>Requirement ${h(principal)}</b> — ${h(title)} <span class="ref">(${evaluated} of ${rows.length} evaluated here)</span></summary>`,
      htmlTable(
        ['PCI DSS', 'what', 'coverage', 'evidence', 'not checked here'],
        rows.map((r) => {
          const rules = r.rules.map((id) => `<a href="#${id}">${h(id)}</a>`).join(', ');
          const status = r.results ? ` ${ctxs.map((c) => `${h(c)} ${mark(r.results![c])}`).join(' ')}` : '';
          const evidence = r.coverage === 'evaluated' ? `${rules}${r.artifacts.length ? ` ${h(r.artifacts.join(', '))}` : ''}${status}` : h(evidenceText(r, ctxs));
          return `<tr><td>${h(r.id)}</td><td>${h(r.title)}</td><td class="c-label">${h(COVERAGE_LABEL[r.coverage])}</td><td>${evidence}</td><td>${h(notCheckedText(v, r))}</td></tr>`;
        }),
      ),
      '</details>',
    );
  }
  parts.push(
    '<h2 id="exceptions">Exceptions (register)</h2>',
    '<p>Every suppression of a finding — PCI rules, cfn-lint, checkov, cfn_nag, parliament, Guard — declared once beside its resource in <code>templates-src</code> (<code>suppress:</code>), with the requirement it touches and what compensates. An expired exception fails <code>make check</code> (PCI-GOV-001).</p>',
    results.exceptions.length > 0 ? htmlTable(EXCEPTION_HEADER, exceptionRows(v).map(textRow)) : '<p>No exceptions.</p>',
    '<h2>Requirements evaluated here</h2>',
    htmlTable(
      ['PCI DSS v4.0.1', 'what', 'rules', ...ctxs],
      v.requirements.map((req) => {
        const rules = run.rules
          .filter((r) => r.requirements.includes(req))
          .map((r) => `<a href="#${r.id}">${h(r.id)}</a>`)
          .join(', ');
        return `<tr><td>${h(req)}</td><td>${h(REQUIREMENTS[req] ?? '')}</td><td>${rules}</td>${ctxs.map((c) => cell(requirementStatus(v, req, c))).join('')}</tr>`;
      }),
    ),
    '<h2>Segmentation proof (PCI DSS 1.2–1.4)</h2>',
  );
  const segs = ctxs.map((c) => segmentationOf(run, c)!);
  const ids = Object.keys(segs[0].properties) as (keyof (typeof segs)[0]['properties'])[];
  parts.push(
    htmlTable(
      ['property', ...ctxs],
      ids.map((id) => `<tr><td>${h(segs[0].properties[id].title)}</td>${segs.map((s) => cell(propertyStatus(s.properties[id]))).join('')}</tr>`),
    ),
  );
  for (const id of ids) {
    const p = segs[ctxs.indexOf(v.primary)].properties[id];
    parts.push(
      `<details><summary>${h(p.title)} — evidence (${h(v.primary)})</summary>${p.note ? `<p class="ref">${h(p.note)}</p>` : ''}<ul>${p.findings.map((f) => `<li class="${f.holds ? 'pass' : 'fail'}">${h(`${f.resource.layer}/${f.resource.logicalId}: ${f.message}`)}</li>`).join('')}</ul></details>`,
    );
  }
  const flowTable = (flows: readonly Flow[]): string => htmlTable(['source', 'destination', 'port', 'protocol', 'via'], flowRows(flows).map(textRow));
  parts.push(`<h3>Allowed flows (${h(v.primary)})</h3>`, flowTable(segmentationOf(run, v.primary)!.flows));
  for (const c of ctxs.filter((c) => c !== v.primary)) {
    const flows = segmentationOf(run, c)!.flows;
    if (JSON.stringify(flowRows(flows)) !== JSON.stringify(flowRows(segmentationOf(run, v.primary)!.flows))) parts.push(`<h3>Allowed flows (${h(c)})</h3>`, flowTable(flows));
  }
  parts.push(
    '<h2>Diagrams</h2>',
    `<h3>Network (${h(v.primary)})</h3>`,
    `<div class="diagram" id="network-diagram">${diagrams.network}</div>`,
    `<h3>Cardholder data flow (${h(v.primary)})</h3>`,
    `<div class="diagram" id="data-flow-diagram">${diagrams.dataFlow}</div>`,
    '<h2>Rules</h2>',
  );
  for (const rule of run.rules) {
    const rr = ctxs.map((c) => v.byRule.get(rule.id)?.get(c));
    const status = worst(rr.map((r) => r?.status ?? 'not-applicable'));
    const rows = resourceRows(v, rule);
    const notes = ctxs.map((c, i) => (rr[i]?.note ? `${c}: ${rr[i]!.note}` : '')).filter(Boolean);
    parts.push(
      `<details id="${rule.id}"${status === 'fail' ? ' open' : ''}><summary><b>${h(rule.id)}</b> — ${h(rule.title)} ${ctxs.map((c, i) => `<span>${h(c)} ${mark(rr[i]?.status ?? 'not-applicable')}</span>`).join(' ')}</summary>`,
      `<p class="ref">${h(references(rule))}</p>`,
      `<p class="ref">Not checked: ${h(rule.notChecked || 'nothing left')}</p>`,
      notes.length > 0 ? `<p class="ref">Not applicable — ${h(notes.join('; '))}</p>` : '',
      rows.length > 0
        ? htmlTable(
            ['resource', 'type', ...ctxs, 'evidence'],
            rows.map(
              (row) =>
                `<tr><td>${h(row.key)}</td><td>${h(row.type)}</td>${ctxs.map((c) => cell(row.statuses.get(c)?.status ?? 'not-applicable')).join('')}<td>${h(row.worst.message)}${row.worst.reason ? `<br><i>suppressed: ${h(row.worst.reason)}</i>` : ''}</td></tr>`,
            ),
          )
        : '',
      '</details>',
    );
  }
  parts.push('<h2 id="provenance">Provenance</h2>', htmlTable(['what', 'value'], provenanceLines(v).map(textRow)));
  parts.push('</body></html>', '');
  return parts.filter((p) => p !== '').join('\n');
}

/** The report's files (pure): Markdown, HTML with both diagrams inline, and the diagrams. */
export function renderReport(run: CheckRun, results: EvidenceResults): ReportFiles {
  const primary = run.groups.find((g) => g[0].name === primaryContext(run))![0];
  const network = networkDiagram(primary);
  const dataFlow = dataFlowDiagram(primary);
  return { 'report.md': renderMarkdown(run, results), 'report.html': renderHtml(run, results, { network, dataFlow }), 'network.svg': network, 'data-flow.svg': dataFlow };
}

export function writeReport(files: Readonly<Record<string, string>>, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(files).map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  });
}
