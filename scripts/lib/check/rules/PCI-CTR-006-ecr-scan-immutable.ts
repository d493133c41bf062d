// Repositories scan every pushed image for vulnerabilities and never let a tag move.
import { eachResource, isTrue, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ECR::Repository'] as const;

const rule: Rule = {
  id: 'PCI-CTR-006',
  title: 'ECR repositories scan on push and have immutable tags',
  requirements: ['6.3.1', '6.3.3', '11.3.1', '6.5.1'],
  references: { securityHub: ['ECR.1', 'ECR.2'], configRules: ['ecr-private-image-scanning-enabled', 'ecr-private-tag-immutability-enabled'] },
  resourceTypes: TYPES,
  notChecked:
    "repositories outside these templates (the application's registry, pull-through caches) and whether scan findings are triaged (Inspector/ECR findings at run time, 11.3.1)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (repo) => [
        !isTrue(record(repo.properties.ImageScanningConfiguration).ScanOnPush) && 'ImageScanningConfiguration.ScanOnPush is not true',
        repo.properties.ImageTagMutability !== 'IMMUTABLE' && `ImageTagMutability is ${String(repo.properties.ImageTagMutability ?? 'MUTABLE (default)')}`,
      ],
      'scan on push, immutable tags',
    ),
};
export default rule;
