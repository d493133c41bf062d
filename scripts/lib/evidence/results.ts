// The evidence model: requirement → rule → resource → result per context, the coverage of
// PCI DSS v4.0.1, the register of exceptions, the segmentation proof and its flows, provenance.
// results.json is this object; the report, the CSV and the OSCAL files are views of it.
import { RULES } from '../check/rule-registry.js';
import { CATALOGUE, compareRequirements, type Coverage } from '../check/requirements.js';
import { primaryContext, segmentationOf, type CheckRun } from '../check/run.js';
import type { Rule, Status } from '../check/types.js';
import { registerOf, type RegisteredException } from './exceptions.js';
import type { Provenance } from './provenance.js';

export const RESULTS_SCHEMA_ID = 'https://pci-payment-platform.example/schemas/evidence-results/1.json';

/** Worst status of a set: fail, then suppressed, then pass, then not applicable. */
export function worst(statuses: readonly Status[]): Status {
  for (const s of ['fail', 'suppressed', 'pass'] as const) if (statuses.includes(s)) return s;
  return 'not-applicable';
}

export interface RequirementEvidence {
  readonly id: string;
  readonly principal: string;
  readonly title: string;
  readonly coverage: Coverage;
  readonly note?: string;
  readonly rules: readonly string[];
  readonly artifacts: readonly string[];
  /** AWS Config managed rules for run-time evidence, and whether these templates deploy each. */
  readonly configRules: readonly { readonly identifier: string; readonly deployed: boolean }[];
  /** Per context, for evaluated requirements: the worst status of their rules. */
  readonly results: Readonly<Record<string, Status>> | null;
}

interface ResourceEvidence {
  readonly layer: string;
  readonly logicalId: string;
  readonly type: string;
  readonly results: Readonly<Record<string, { readonly status: Exclude<Status, 'not-applicable'>; readonly message: string; readonly reason?: string } | null>>;
}

interface RuleEvidence {
  readonly id: string;
  readonly title: string;
  readonly requirements: readonly string[];
  readonly scope: 'all' | 'production';
  readonly notChecked: string;
  readonly securityHub: readonly string[];
  readonly configRules: readonly string[];
  readonly results: Readonly<Record<string, { readonly status: Status; readonly note?: string }>>;
  readonly resources: readonly ResourceEvidence[];
}

interface CoverageCounts {
  readonly total: number;
  readonly evaluated: number;
  readonly runtime: number;
  readonly entity: number;
  readonly application: number;
  readonly aws: number;
}

export interface EvidenceResults {
  readonly $schema: string;
  readonly standard: { readonly name: 'PCI DSS'; readonly version: '4.0.1' };
  readonly provenance: Omit<Provenance, 'inputs'> & { readonly inputs: number };
  readonly contexts: readonly { readonly name: string; readonly variants: readonly string[]; readonly production: boolean }[];
  readonly primaryContext: string;
  readonly coverage: CoverageCounts;
  readonly summary: Readonly<Record<string, Readonly<Record<Status, number>>>>;
  readonly requirements: readonly RequirementEvidence[];
  readonly rules: readonly RuleEvidence[];
  readonly exceptions: readonly RegisteredException[];
  readonly segmentation: Readonly<Record<string, Readonly<Record<string, { readonly title: string; readonly status: Status }>>>>;
  readonly flows: Readonly<
    Record<
      string,
      readonly { readonly kind: string; readonly source: string; readonly destination: string; readonly port: string; readonly protocol: string; readonly via: string }[]
    >
  >;
}

export class CoverageError extends Error {}

/** Checks that the rules and the catalogue agree: every rule's requirement is catalogued as evaluated, and every evaluated one has evidence. */
export function checkCatalogue(rules: readonly Rule[], complete = true): void {
  const ids = new Set(CATALOGUE.map((e) => e.id));
  const problems: string[] = [];
  if (ids.size !== CATALOGUE.length) problems.push('a requirement is catalogued twice');
  for (const rule of rules) {
    for (const req of rule.requirements) {
      const entry = CATALOGUE.find((e) => e.id === req);
      if (!entry) problems.push(`${rule.id} names ${req}, which is not a PCI DSS v4.0.1 requirement of the catalogue`);
      else if (entry.coverage !== 'evaluated') problems.push(`${rule.id} evidences ${req}, but the catalogue marks it "${entry.coverage}": mark it evaluated and say what is left`);
    }
  }
  for (const e of complete ? CATALOGUE.filter((x) => x.coverage === 'evaluated') : []) {
    if (!rules.some((r) => r.requirements.includes(e.id)) && !e.artifacts?.length) problems.push(`${e.id} is marked evaluated, but no rule names it and no artifact evidences it`);
  }
  if (problems.length > 0) throw new CoverageError(`requirements catalogue (scripts/lib/check/requirements.ts):\n  ${problems.join('\n  ')}`);
}

/** Config rules the templates deploy (AWS::Config::ConfigRule SourceIdentifier), in any context. */
function deployedConfigRules(run: CheckRun): Set<string> {
  return new Set(
    run.groups.flatMap((g) =>
      g.flatMap((ctx) => ctx.resources('AWS::Config::ConfigRule').map((r) => String((r.properties.Source as Record<string, unknown> | undefined)?.SourceIdentifier ?? ''))),
    ),
  );
}

function coverageCounts(requirements: readonly { coverage: Coverage }[]): CoverageCounts {
  const n = (c: Coverage): number => requirements.filter((r) => r.coverage === c).length;
  return { total: requirements.length, evaluated: n('evaluated'), runtime: n('runtime'), entity: n('entity'), application: n('application'), aws: n('aws') };
}

export function evidenceResults(run: CheckRun, provenance: Provenance): EvidenceResults {
  // A run of a few rules (a fixture) cannot evidence every evaluated requirement; the whole rule set must.
  checkCatalogue(
    run.rules,
    RULES.every((r) => run.rules.includes(r)),
  );
  const ctxs = run.contextNames;
  const resultOf = (rule: string, ctx: string) => run.results.find((r) => r.ruleId === rule && r.context === ctx);
  const deployed = deployedConfigRules(run);
  const requirements: RequirementEvidence[] = [...CATALOGUE]
    .sort((a, b) => compareRequirements(a.id, b.id))
    .map((e) => {
      const rules = run.rules.filter((r) => r.requirements.includes(e.id)).map((r) => r.id);
      return {
        id: e.id,
        principal: e.id.split('.')[0],
        title: e.title,
        coverage: e.coverage,
        ...(e.note ? { note: e.note } : {}),
        rules,
        artifacts: e.artifacts ?? [],
        configRules: (e.config ?? []).map((identifier) => ({ identifier, deployed: deployed.has(identifier) })),
        results:
          e.coverage === 'evaluated' && rules.length > 0 ? Object.fromEntries(ctxs.map((c) => [c, worst(rules.map((r) => resultOf(r, c)?.status ?? 'not-applicable'))])) : null,
      };
    });
  const rules: RuleEvidence[] = run.rules.map((rule) => {
    const keys = new Map<string, { layer: string; logicalId: string; type: string }>();
    for (const c of ctxs) for (const res of resultOf(rule.id, c)?.resources ?? []) keys.set(`${res.layer}/${res.logicalId}`, res);
    const resources = [...keys.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, r]) => ({
        layer: r.layer,
        logicalId: r.logicalId,
        type: r.type,
        results: Object.fromEntries(
          ctxs.map((c) => {
            const x = resultOf(rule.id, c)?.resources.find((y) => y.layer === r.layer && y.logicalId === r.logicalId);
            return [c, x ? { status: x.status, message: x.message, ...(x.reason ? { reason: x.reason } : {}) } : null];
          }),
        ),
      }));
    return {
      id: rule.id,
      title: rule.title,
      requirements: [...rule.requirements].sort(compareRequirements),
      scope: rule.scope ?? 'all',
      notChecked: rule.notChecked,
      securityHub: rule.references.securityHub,
      configRules: rule.references.configRules,
      results: Object.fromEntries(
        ctxs.map((c) => {
          const r = resultOf(rule.id, c);
          return [c, { status: r?.status ?? 'not-applicable', ...(r?.note ? { note: r.note } : {}) }];
        }),
      ),
      resources,
    };
  });
  const summary = Object.fromEntries(
    ctxs.map((c) => {
      const n: Record<Status, number> = { pass: 0, fail: 0, suppressed: 0, 'not-applicable': 0 };
      for (const r of run.results) if (r.context === c) n[r.status]++;
      return [c, n];
    }),
  );
  const segmentation = Object.fromEntries(
    ctxs.map((c) => {
      const seg = segmentationOf(run, c)!;
      return [
        c,
        Object.fromEntries(
          Object.entries(seg.properties).map(([id, p]) => [
            id,
            { title: p.title, status: (!p.applicable ? 'not-applicable' : p.findings.some((f) => !f.holds) ? 'fail' : 'pass') as Status },
          ]),
        ),
      ];
    }),
  );
  const flows = Object.fromEntries(
    ctxs.map((c) => [
      c,
      segmentationOf(run, c)!.flows.map((f) => ({ kind: f.kind, source: f.source, destination: f.destination, port: f.port, protocol: f.protocol, via: f.via })),
    ]),
  );
  const { inputs, ...rest } = provenance;
  return {
    $schema: RESULTS_SCHEMA_ID,
    standard: { name: 'PCI DSS', version: '4.0.1' },
    provenance: { ...rest, inputs: inputs.length },
    contexts: run.groups.map((g) => ({ name: g[0].name, variants: g.map((v) => v.variant), production: g.every((v) => v.production) })),
    primaryContext: primaryContext(run),
    coverage: coverageCounts(requirements),
    summary,
    requirements,
    rules,
    exceptions: registerOf(run.groups.flat()),
    segmentation,
    flows,
  };
}
