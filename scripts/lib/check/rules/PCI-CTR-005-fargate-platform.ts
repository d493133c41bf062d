// Fargate services run a supported platform version (1.4.0+, or LATEST), which gets security patches.
import { eachResource, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ECS::Service'] as const;

const onFargate = (p: Record<string, unknown>): boolean =>
  p.LaunchType === 'FARGATE' || list(p.CapacityProviderStrategy).some((s) => /^FARGATE/.test(String(record(s).CapacityProvider)));

const rule: Rule = {
  id: 'PCI-CTR-005',
  title: 'Fargate services run platform version LATEST (1.4.0 or later)',
  requirements: ['6.3.3'],
  references: { securityHub: ['ECS.10'], configRules: ['ecs-fargate-latest-platform-version'] },
  resourceTypes: TYPES,
  notChecked: "patching of the container images themselves (image rebuilds: the entity's, 6.3.3)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (service) => {
        const p = service.properties;
        if (!onFargate(p)) return [];
        const version = String(p.PlatformVersion ?? 'LATEST');
        const [major, minor] = version.split('.').map(Number);
        return [version !== 'LATEST' && (major < 1 || (major === 1 && minor < 4)) && `PlatformVersion ${version} is older than 1.4.0`];
      },
      (service) => (onFargate(service.properties) ? `Fargate platform ${String(service.properties.PlatformVersion ?? 'LATEST')}` : 'not on Fargate'),
    ),
};
export default rule;
