// The file system policy refuses mounts that are not over TLS, whatever the client asks for.
import { parseDocument as policyStatements } from '../policy.js';
import { deniesInsecureTransport } from '../policy.js';
import { eachResource } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::EFS::FileSystem'] as const;

const rule: Rule = {
  id: 'PCI-TLS-003',
  title: 'EFS file system policies deny access without TLS',
  requirements: ['4.2.1', '2.2.7'],
  references: { securityHub: [], configRules: [] },
  resourceTypes: TYPES,
  notChecked: 'clients outside ECS (the policy also binds them: only the mount-target path is allowed)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (fs) => {
        const statements = policyStatements(fs.properties.FileSystemPolicy);
        if (!statements) return ['no FileSystemPolicy: clients may mount without TLS'];
        return [!statements.some(deniesInsecureTransport) && 'FileSystemPolicy has no Deny on aws:SecureTransport = false'];
      },
      'file system policy denies every request without TLS',
    ),
};
export default rule;
