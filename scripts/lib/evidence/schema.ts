// JSON Schema (draft 2020-12) of results.json: the documentation of the export and what the tests
// validate it against. Written next to it as results.schema.json.
import { RESULTS_SCHEMA_ID } from './results.js';

const status = {
  enum: ['pass', 'fail', 'suppressed', 'not-applicable'],
  description:
    'pass: holds; fail: does not hold; suppressed: fails but is an exception of the register; not-applicable: nothing to check, or a production-only control outside production',
};
const perContext = (value: object, description: string) => ({
  type: 'object',
  description: `${description}, by context name (defaults, dev, staging, prod …)`,
  additionalProperties: value,
});
const text = { type: 'string' };
const texts = { type: 'array', items: text };
const requirementId = { type: 'string', pattern: '^\\d+(\\.\\d+)+$', description: 'PCI DSS v4.0.1 requirement number' };

export const RESULTS_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: RESULTS_SCHEMA_ID,
  title: 'PCI DSS v4.0.1 evidence results of make check',
  description:
    'Requirement → rule → resource → result per evaluation context, the coverage of every PCI DSS v4.0.1 requirement, the register of exceptions, the segmentation proof and its flows, and the provenance of the inputs. Byte-stable: the same inputs give the same file.',
  type: 'object',
  additionalProperties: false,
  required: ['$schema', 'standard', 'provenance', 'contexts', 'primaryContext', 'coverage', 'summary', 'requirements', 'rules', 'exceptions', 'segmentation', 'flows'],
  properties: {
    $schema: { const: RESULTS_SCHEMA_ID },
    standard: { type: 'object', additionalProperties: false, required: ['name', 'version'], properties: { name: { const: 'PCI DSS' }, version: { const: '4.0.1' } } },
    provenance: {
      type: 'object',
      additionalProperties: false,
      required: ['inputsDigest', 'trees', 'tools', 'inputs'],
      description:
        'What the evidence was computed from. provenance.json beside this file lists every input with its sha256; `tsx scripts/check.ts --verify <dir>` recomputes them.',
      properties: {
        inputsDigest: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'sha256 over "kind path sha256\\n" of every input in path order' },
        trees: {
          type: 'object',
          additionalProperties: { type: 'string', pattern: '^[0-9a-f]{40}$' },
          description: 'git tree id of each input directory: equals `git rev-parse <commit>:<dir>` of every commit with exactly these inputs',
        },
        tools: { type: 'object', additionalProperties: text, description: 'pinned versions of the tools (package.json, requirements.txt)' },
        inputs: { type: 'integer', minimum: 1, description: 'number of input files' },
      },
    },
    contexts: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'variants', 'production'],
        properties: { name: text, variants: { ...texts, description: 'parameter assignments enumerated within the context' }, production: { type: 'boolean' } },
      },
    },
    primaryContext: { ...text, description: 'the context the diagrams show' },
    coverage: {
      type: 'object',
      additionalProperties: false,
      description: 'How many requirements each kind of evidence covers',
      required: ['total', 'evaluated', 'runtime', 'entity', 'application', 'aws'],
      properties: Object.fromEntries(['total', 'evaluated', 'runtime', 'entity', 'application', 'aws'].map((k) => [k, { type: 'integer', minimum: 0 }])),
    },
    summary: perContext(
      {
        type: 'object',
        additionalProperties: false,
        required: ['pass', 'fail', 'suppressed', 'not-applicable'],
        properties: Object.fromEntries(['pass', 'fail', 'suppressed', 'not-applicable'].map((k) => [k, { type: 'integer', minimum: 0 }])),
      },
      'rule results counted',
    ),
    requirements: {
      type: 'array',
      description: 'Every PCI DSS v4.0.1 requirement with a defined approach in requirements 1–12, in numeric order',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'principal', 'title', 'coverage', 'rules', 'artifacts', 'configRules', 'results'],
        properties: {
          id: requirementId,
          principal: { type: 'string', pattern: '^(1[0-2]|[1-9])$' },
          title: { ...text, description: "our short paraphrase, not the standard's text" },
          coverage: {
            enum: ['evaluated', 'runtime', 'entity', 'application', 'aws'],
            description:
              "evaluated: checked here by rules (note: what is left); runtime: needs evidence from the running accounts (note: which service); entity / application: the entity's or the payment application's responsibility; aws: inherited from AWS (shared responsibility)",
          },
          note: text,
          rules: { ...texts, description: 'IDs of the rules that evidence it' },
          artifacts: { ...texts, description: 'bundle files that evidence it (diagrams)' },
          configRules: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['identifier', 'deployed'],
              properties: { identifier: text, deployed: { type: 'boolean', description: 'whether these templates deploy the Config rule' } },
            },
          },
          results: { oneOf: [{ type: 'null' }, perContext(status, 'worst status of its rules')] },
        },
      },
    },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'requirements', 'scope', 'notChecked', 'securityHub', 'configRules', 'results', 'resources'],
        properties: {
          id: { type: 'string', pattern: '^PCI-[A-Z]+-\\d{3}$' },
          title: text,
          requirements: { type: 'array', items: requirementId },
          scope: { enum: ['all', 'production'] },
          notChecked: { ...text, description: 'what the rule does not check that its requirements need' },
          securityHub: texts,
          configRules: texts,
          results: perContext({ type: 'object', additionalProperties: false, required: ['status'], properties: { status, note: text } }, "the rule's result"),
          resources: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['layer', 'logicalId', 'type', 'results'],
              properties: {
                layer: text,
                logicalId: text,
                type: text,
                results: perContext(
                  {
                    oneOf: [
                      { type: 'null' },
                      {
                        type: 'object',
                        additionalProperties: false,
                        required: ['status', 'message'],
                        properties: { status: { enum: ['pass', 'fail', 'suppressed'] }, message: text, reason: text },
                      },
                    ],
                  },
                  'the finding on this resource (null: the resource does not exist there)',
                ),
              },
            },
          },
        },
      },
    },
    exceptions: {
      type: 'array',
      description: 'The register of exceptions: every suppression of every tool, declared beside its resource',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['layer', 'logicalId', 'type', 'tool', 'id', 'reason'],
        properties: {
          layer: text,
          logicalId: text,
          type: text,
          tool: { enum: ['pci', 'cfn-lint', 'checkov', 'cfn_nag', 'parliament', 'guard'] },
          id: text,
          reason: text,
          requirement: text,
          compensatingControl: text,
          expires: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
        },
      },
    },
    segmentation: perContext(
      { type: 'object', additionalProperties: { type: 'object', additionalProperties: false, required: ['title', 'status'], properties: { title: text, status } } },
      'properties of the segmentation proof',
    ),
    flows: perContext(
      {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'source', 'destination', 'port', 'protocol', 'via'],
          properties: { kind: text, source: text, destination: text, port: text, protocol: text, via: text },
        },
      },
      'network flows the segmentation proof allows',
    ),
  },
} as const;
