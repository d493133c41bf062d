// Tasks mount EFS over TLS with IAM authorization (the file system policy can then tell tasks apart).
import { eachResource, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ECS::TaskDefinition'] as const;

const rule: Rule = {
  id: 'PCI-TLS-004',
  title: 'ECS task EFS volumes use transit encryption and IAM authorization',
  requirements: ['4.2.1', '7.2.1'],
  references: { securityHub: [], configRules: ['ecs-task-definition-efs-encryption-enabled'] },
  resourceTypes: TYPES,
  notChecked: 'EFS access from outside ECS (PCI-TLS-003 covers every client)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (task) =>
        list(task.properties.Volumes).flatMap((raw) => {
          const v = record(raw);
          const efs = v.EFSVolumeConfiguration === undefined ? undefined : record(v.EFSVolumeConfiguration);
          if (!efs) return [];
          return [
            efs.TransitEncryption !== 'ENABLED' && `volume ${String(v.Name)}: TransitEncryption is not ENABLED`,
            record(efs.AuthorizationConfig).IAM !== 'ENABLED' && `volume ${String(v.Name)}: AuthorizationConfig.IAM is not ENABLED`,
          ];
        }),
      (task) => (list(task.properties.Volumes).some((v) => record(v).EFSVolumeConfiguration) ? 'EFS volumes mounted over TLS with IAM authorization' : 'no EFS volumes'),
    ),
};
export default rule;
