// AWS-YAML-001: CloudFormation parses YAML templates as YAML 1.1, where plain on/off/yes/no,
// 1:20 (sexagesimal), 0777 (octal) or 1_000 are not strings. js-yaml writes YAML 1.2, so a value
// the emitter meant as a string can reach AWS as a boolean or a number (the NLB's
// EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: off arrived as false and the create
// failed). The check re-reads every template with a YAML 1.1 loader (PyYAML's SafeLoader, in the
// venv) and requires every scalar to have the type js-yaml reads.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
// https://yaml.org/type/bool.html  https://yaml.org/type/int.html  https://yaml.org/type/float.html
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate } from '../../../../templates-src/core/yaml.js';
import { ROOT } from '../../paths.js';
import type { AwsRule, AwsRuleFinding } from '../aws-rules.js';

// Short-form tags become CloudFormation's long form, as templates-src/core/yaml.ts reads them.
const LOADER = String.raw`
import datetime, json, sys, yaml
class Loader(yaml.SafeLoader):
    pass
def tagged(loader, suffix, node):
    name = suffix if suffix in ("Ref", "Condition") else "Fn::" + suffix
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if name == "Fn::GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}
Loader.add_multi_constructor("!", tagged)
def typed(o):
    if isinstance(o, (datetime.date, datetime.datetime)):
        return {"__yaml11__": "timestamp " + o.isoformat()}
    if isinstance(o, bytes):
        return {"__yaml11__": "binary"}
    raise TypeError(type(o).__name__)
out = {}
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            out[path] = {"tree": yaml.load(f, Loader=Loader)}
    except Exception as e:
        out[path] = {"error": str(e)}
print(json.dumps(out, default=typed))
`;

const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v);

/** Paths where the YAML 1.1 reading differs in type (or value, for scalars) from the YAML 1.2 one. */
export function differences(intended: unknown, yaml11: unknown, path: string, out: string[] = []): string[] {
  if (kind(intended) !== kind(yaml11)) {
    out.push(`${path}: written as ${kind(intended)} ${JSON.stringify(intended)}, YAML 1.1 reads ${kind(yaml11)} ${JSON.stringify(yaml11)}`);
  } else if (Array.isArray(intended)) {
    const other = yaml11 as unknown[];
    if (intended.length !== other.length) out.push(`${path}: ${intended.length} items, YAML 1.1 reads ${other.length}`);
    intended.forEach((v, i) => differences(v, other[i], `${path}[${i}]`, out));
  } else if (intended !== null && typeof intended === 'object') {
    const other = yaml11 as Record<string, unknown>;
    for (const key of new Set([...Object.keys(intended), ...Object.keys(other)])) {
      if (!(key in other) || !(key in (intended as object))) out.push(`${path}.${key}: key read differently by YAML 1.1`);
      else differences((intended as Record<string, unknown>)[key], other[key], `${path}.${key}`, out);
    }
  } else if (intended !== yaml11) {
    out.push(`${path}: written as ${JSON.stringify(intended)}, YAML 1.1 reads ${JSON.stringify(yaml11)}`);
  }
  return out;
}

const rule: AwsRule = {
  id: 'AWS-YAML-001',
  title: 'Every scalar reads the same in YAML 1.1 (CloudFormation) as the emitter wrote it',
  docs: ['https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html', 'https://yaml.org/type/bool.html'],
  check(input) {
    const files = [...input.templates.keys()].filter((f) => /\.ya?ml$/.test(f));
    if (files.length === 0) return [];
    const paths = files.map((f) => join(input.dir, f));
    const run = spawnSync(join(ROOT, '.venv', 'bin', 'python'), ['-c', LOADER, ...paths], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (run.status !== 0) return [{ file: '-', path: '-', message: `PyYAML could not run (make install): ${run.stderr || run.error?.message}` }];
    const read = JSON.parse(run.stdout) as Record<string, { tree?: unknown; error?: string }>;
    const findings: AwsRuleFinding[] = [];
    files.forEach((file, i) => {
      const result = read[paths[i]];
      if (result.error !== undefined) {
        findings.push({ file, path: '-', message: `YAML 1.1 cannot parse the file: ${result.error}` });
        return;
      }
      const intended = parseTemplate(readFileSync(paths[i], 'utf8'), file);
      for (const difference of differences(intended, result.tree, '$')) {
        const logicalId = /^\$\.Resources\.([A-Za-z0-9]+)/.exec(difference)?.[1];
        findings.push({
          file,
          logicalId,
          path: difference.slice(0, difference.indexOf(': ')),
          message: `${difference.slice(difference.indexOf(': ') + 2)}: quote it (templates-src/core/yaml.ts)`,
        });
      }
    });
    return findings;
  },
};
export default rule;
