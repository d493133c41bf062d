// cfn-lint's extra schema keywords, as ajv keywords that generate code (so compiled validators can
// be cached as standalone code) and whose errors say by themselves what the rule was:
//   requiredXor [a, b]        exactly one of the properties is set
//   requiredOr [a, b]         at least one of them is set
//   dependentExcluded {a:[b]} b cannot be set when a is
//   enumCaseInsensitive [..]  one of the values, any letter case
//   cfnFormat {name, pattern} the schema's `format`, as the pattern cfn-lint uses for it
// dependentRequired is standard (JSON Schema 2019-09): ajv's own implementation is added.
import { _, stringify, type Ajv, type Code, type CodeKeywordDefinition, type KeywordCxt } from 'ajv';
import { and } from 'ajv/dist/compile/codegen/index.js';
import nextVocabularyModule from 'ajv/dist/vocabularies/next.js';
import { usePattern } from 'ajv/dist/vocabularies/code.js';

const nextVocabulary = ((nextVocabularyModule as unknown as { default?: unknown }).default ?? nextVocabularyModule) as Parameters<Ajv['addVocabulary']>[0];

const present = (cxt: KeywordCxt, name: string): Code => _`${cxt.data}[${name}] !== undefined`;

const requiredXor: CodeKeywordDefinition = {
  keyword: 'requiredXor',
  type: 'object',
  schemaType: 'array',
  error: { message: 'must have exactly one of the properties', params: ({ schemaCode }) => _`{names: ${schemaCode}}` },
  code(cxt) {
    const names = cxt.schema as string[];
    const count = names.map((name) => _`(${present(cxt, name)} ? 1 : 0)`).reduce((sum, term) => _`${sum} + ${term}`);
    cxt.fail(_`(${count}) !== 1`);
  },
};

const requiredOr: CodeKeywordDefinition = {
  keyword: 'requiredOr',
  type: 'object',
  schemaType: 'array',
  error: { message: 'must have at least one of the properties', params: ({ schemaCode }) => _`{names: ${schemaCode}}` },
  code(cxt) {
    const names = cxt.schema as string[];
    cxt.fail(and(...names.map((name) => _`!(${present(cxt, name)})`)));
  },
};

const dependentExcluded: CodeKeywordDefinition = {
  keyword: 'dependentExcluded',
  type: 'object',
  schemaType: 'object',
  error: {
    message: 'must not have both properties',
    params: ({ params }) => _`{property: ${params.property}, excluded: ${params.excluded}}`,
  },
  code(cxt) {
    for (const [name, excluded] of Object.entries(cxt.schema as Record<string, string[]>)) {
      for (const other of excluded) {
        cxt.gen.if(and(present(cxt, name), present(cxt, other)), () => {
          cxt.setParams({ property: _`${name}`, excluded: _`${other}` });
          cxt.error();
        });
      }
    }
  },
};

const enumCaseInsensitive: CodeKeywordDefinition = {
  keyword: 'enumCaseInsensitive',
  type: 'string',
  schemaType: 'array',
  error: { message: 'must be equal to one of the allowed values (any case)', params: ({ schemaCode }) => _`{allowedValues: ${schemaCode}}` },
  code(cxt) {
    const lower = (cxt.schema as string[]).map((value) => value.toLowerCase());
    cxt.fail(_`!${stringify(lower)}.includes(${cxt.data}.toLowerCase())`);
  },
};

const cfnFormat: CodeKeywordDefinition = {
  keyword: 'cfnFormat',
  type: 'string',
  schemaType: 'object',
  error: { message: 'must match the format', params: ({ schemaCode }) => _`{format: ${schemaCode}.name, pattern: ${schemaCode}.pattern}` },
  code(cxt) {
    const { pattern } = cxt.schema as { pattern: string };
    const regExp = usePattern(cxt, pattern);
    cxt.fail(_`!${regExp}.test(${cxt.data})`);
  },
};

export function addCfnKeywords(ajv: Ajv): void {
  ajv.addVocabulary(nextVocabulary);
  for (const definition of [requiredXor, requiredOr, dependentExcluded, enumCaseInsensitive, cfnFormat]) ajv.addKeyword(definition);
}
