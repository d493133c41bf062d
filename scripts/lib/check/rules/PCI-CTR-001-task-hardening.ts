// Containers run hardened: awsvpc networking, no host namespaces, not privileged, read-only root
// file system, a non-root user, no added Linux capabilities.
import { containersOf } from '../containers.js';
import { eachResource, isTrue, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ECS::TaskDefinition'] as const;
const ROOT_USERS = /^(root|0)(:(root|0))?$/;

const rule: Rule = {
  id: 'PCI-CTR-001',
  title: 'ECS tasks are hardened: awsvpc, not privileged, read-only root FS, non-root user, no host namespaces',
  requirements: ['2.2.1', '2.2.5', '2.2.6', '7.2.1'],
  references: {
    securityHub: ['ECS.1', 'ECS.3', 'ECS.4', 'ECS.5'],
    configRules: [
      'ecs-task-definition-user-for-host-mode-check',
      'ecs-task-definition-pid-mode-check',
      'ecs-containers-nonprivileged',
      'ecs-containers-readonly-access',
      'ecs-task-definition-nonroot-user',
    ],
  },
  resourceTypes: TYPES,
  notChecked: "what runs inside the image (hardening of the image's OS and packages: the build pipeline's); seccomp/AppArmor profiles (not available on Fargate)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (task) => {
        const p = task.properties;
        return [
          p.NetworkMode !== 'awsvpc' && `NetworkMode ${String(p.NetworkMode ?? 'bridge (default)')}: tasks need awsvpc for their own security group`,
          p.PidMode === 'host' && 'PidMode host shares the host process namespace',
          p.IpcMode === 'host' && 'IpcMode host shares the host IPC namespace',
          ...containersOf(task).flatMap((c) => {
            const name = `container ${String(c.Name)}`;
            const user = typeof c.User === 'string' ? c.User : undefined;
            const added = list(record(record(c.LinuxParameters).Capabilities).Add);
            return [
              isTrue(c.Privileged) && `${name}: Privileged`,
              !isTrue(c.ReadonlyRootFilesystem) && `${name}: ReadonlyRootFilesystem is not true`,
              (user === undefined || ROOT_USERS.test(user)) && `${name}: runs as ${user ?? 'the image default user (root unless the image says otherwise)'}; set a non-root User`,
              added.length > 0 && `${name}: adds Linux capabilities ${added.join(', ')}`,
            ];
          }),
        ];
      },
      'awsvpc, no host namespaces; every container unprivileged, read-only root FS, non-root user',
    ),
};
export default rule;
