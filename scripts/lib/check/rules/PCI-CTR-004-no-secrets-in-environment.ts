// Secrets reach containers through the Secrets field (Secrets Manager), never plain environment.
import { containersOf } from '../containers.js';
import { eachResource, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ECS::TaskDefinition'] as const;
const SECRET_NAME = /(password|passwd|secret|token|api[-_]?key|private[-_]?key|credential)/i;
const REFERENCE_NAME = /(arn|name|id|url|host|port|region|endpoint|file)$/i;

const rule: Rule = {
  id: 'PCI-CTR-004',
  title: 'No secrets in container environment variables',
  requirements: ['8.6.2', '8.3.2'],
  references: { securityHub: ['ECS.8'], configRules: ['ecs-no-environment-secrets'] },
  resourceTypes: TYPES,
  notChecked: 'values the application reads from elsewhere (files, its own configuration store)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (task) =>
        containersOf(task).flatMap((c) =>
          list(c.Environment)
            .map(record)
            .filter((e) => SECRET_NAME.test(String(e.Name)) && !REFERENCE_NAME.test(String(e.Name)))
            .map((e) => `container ${String(c.Name)}: environment variable ${String(e.Name)} looks like a secret; pass it with Secrets (valueFrom Secrets Manager)`),
        ),
      'secrets passed through the Secrets field only',
    ),
};
export default rule;
