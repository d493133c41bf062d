// In production, images are pinned by digest: a tag can be moved, a digest cannot.
import { containersOf, imagePinIn } from '../containers.js';
import { eachResource } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ECS::TaskDefinition'] as const;

const rule: Rule = {
  id: 'PCI-CTR-003',
  title: 'Production container images are pinned by digest (@sha256:…)',
  requirements: ['6.5.1', '6.3.2'],
  references: { securityHub: [], configRules: [] },
  resourceTypes: TYPES,
  notChecked: "that the digest is the reviewed, scanned build (registry scan findings and release approval: run time and the entity's)",
  scope: 'production',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (task) =>
        containersOf(task).map((c) =>
          imagePinIn(ctx, task, c.Image).kind === 'digest'
            ? undefined
            : `container ${String(c.Name)}: image is not pinned by digest (${typeof c.Image === 'string' ? c.Image : 'unresolved reference'})`,
        ),
      'every image pinned by digest',
    ),
};
export default rule;
