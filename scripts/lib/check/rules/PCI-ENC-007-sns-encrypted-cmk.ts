// SNS topics (alarm notifications can carry resource names and error text) use the notifications key.
import { cmkProblem, eachResource, keyEvidence } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::SNS::Topic'] as const;

const rule: Rule = {
  id: 'PCI-ENC-007',
  title: 'SNS topics are encrypted with the notifications customer-managed key',
  requirements: ['3.5.1'],
  references: { securityHub: ['SNS.1'], configRules: ['sns-encrypted-kms'] },
  resourceTypes: TYPES,
  notChecked: "message contents of subscribers' endpoints once delivered (e-mail is not encrypted end to end)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (topic) => [cmkProblem(ctx, topic, topic.properties.KmsMasterKeyId, ['Notifications'], 'messages (KmsMasterKeyId)')],
      (topic) => keyEvidence(ctx, topic, topic.properties.KmsMasterKeyId, 'messages'),
    ),
};
export default rule;
