// Images are never ":latest" or untagged: what runs is a known, reviewed build.
import { containersOf, imagePinIn } from '../containers.js';
import { eachResource } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ECS::TaskDefinition'] as const;

const rule: Rule = {
  id: 'PCI-CTR-002',
  title: 'Container images are not ":latest" or untagged',
  requirements: ['6.5.1', '2.2.1', '6.3.3'],
  references: { securityHub: [], configRules: [] },
  resourceTypes: TYPES,
  notChecked: "where the image comes from and whether its build was reviewed (the release process, 6.2/6.5: the entity's)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (task) =>
        containersOf(task).map((c) => {
          const pin = imagePinIn(ctx, task, c.Image);
          const name = `container ${String(c.Name)}`;
          if (pin.kind === 'untagged') return `${name}: image has no tag (means :latest)`;
          if (pin.kind === 'tag' && pin.tag === 'latest') return `${name}: image tag :latest`;
          if (pin.kind === 'unknown') return `${name}: image reference cannot be verified before deployment (${pin.text})`;
          return undefined;
        }),
      'every image pinned by tag or digest (no :latest)',
    ),
};
export default rule;
