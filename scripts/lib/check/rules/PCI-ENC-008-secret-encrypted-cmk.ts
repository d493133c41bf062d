// Secrets Manager secrets (credentials, tokens) are encrypted with the secrets key, not aws/secretsmanager.
import { cmkProblem, eachResource, keyEvidence } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::SecretsManager::Secret'] as const;

const rule: Rule = {
  id: 'PCI-ENC-008',
  title: 'Secrets Manager secrets are encrypted with the secrets customer-managed key',
  requirements: ['3.5.1', '8.3.2'],
  references: { securityHub: [], configRules: ['secretsmanager-using-cmk'] },
  resourceTypes: TYPES,
  notChecked: 'who may call secretsmanager:GetSecretValue (resource policy: PCI-IAM-005; IAM at run time)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (secret) => [cmkProblem(ctx, secret, secret.properties.KmsKeyId, ['Secrets'], 'secret value (KmsKeyId)')],
      (secret) => keyEvidence(ctx, secret, secret.properties.KmsKeyId, 'secret value'),
    ),
};
export default rule;
