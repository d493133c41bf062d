// Individual access to cardholder data is logged: the trail records S3 object-level data events.
import { eachResource, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::CloudTrail::Trail'] as const;

function logsS3Objects(p: Record<string, unknown>): boolean {
  const basic = list(p.EventSelectors).some((s) => list(record(s).DataResources).some((d) => record(d).Type === 'AWS::S3::Object'));
  const advanced = list(p.AdvancedEventSelectors).some((s) =>
    list(record(s).FieldSelectors).some((f) => record(f).Field === 'resources.type' && list(record(f).Equals).includes('AWS::S3::Object')),
  );
  return basic || advanced;
}

const rule: Rule = {
  id: 'PCI-LOG-004',
  title: 'CloudTrail records S3 data events (object-level access)',
  requirements: ['10.2.1.1'],
  references: { securityHub: ['S3.22', 'S3.23'], configRules: ['cloudtrail-s3-dataevents-enabled'] },
  resourceTypes: TYPES,
  notChecked:
    'access to cardholder data in RDS (pgaudit in the database layer: not checked by a rule), in Redis and in Kinesis (no data events); that every bucket holding cardholder data is in the selector',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (trail) => [!logsS3Objects(trail.properties) && 'no S3 data event selector: reads and writes of stored objects are not logged'],
      'S3 object-level reads and writes are logged',
    ),
};
export default rule;
