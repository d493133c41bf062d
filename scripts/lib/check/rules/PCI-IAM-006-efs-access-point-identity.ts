// Tasks reach EFS through access points that pin a non-root POSIX identity and a sub-directory,
// so a task can neither act as root on the file system nor see other directories.
import { eachResource, num, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::EFS::AccessPoint'] as const;

const rule: Rule = {
  id: 'PCI-IAM-006',
  title: 'EFS access points enforce a non-root user and a root directory other than /',
  requirements: ['7.2.1', '7.2.5'],
  references: { securityHub: ['EFS.3', 'EFS.4'], configRules: ['efs-access-point-enforce-root-directory', 'efs-access-point-enforce-user-identity'] },
  resourceTypes: TYPES,
  notChecked: 'the file permissions inside the file system (set by the application)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (ap) => {
        const user = record(ap.properties.PosixUser);
        const path = String(record(ap.properties.RootDirectory).Path ?? '/');
        return [
          user.Uid === undefined ? 'no PosixUser: clients choose their own identity' : num(user.Uid) === 0 && 'PosixUser.Uid is 0 (root)',
          (path === '/' || path === '') && 'RootDirectory is / (the whole file system)',
        ];
      },
      (ap) => `user ${String(record(ap.properties.PosixUser).Uid)}, root directory ${String(record(ap.properties.RootDirectory).Path)}`,
    ),
};
export default rule;
