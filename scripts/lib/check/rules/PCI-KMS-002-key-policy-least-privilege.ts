// Key policies grant named actions to named principals: no kms:* or *, no open principal, every
// service principal pinned by a condition, and key administration separate from key use.
import { parseDocument as policyStatements } from '../policy.js';
import { actionsOf, isAllow, isScoped, principalIsAnyone, servicePrincipals } from '../policy.js';
import { eachResource } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::KMS::Key'] as const;
const ADMIN = new Set(['kms:putkeypolicy', 'kms:schedulekeydeletion', 'kms:disablekey', 'kms:disablekeyrotation', 'kms:createalias', 'kms:deletealias']);
const USE = new Set(['kms:decrypt', 'kms:encrypt', 'kms:reencrypt*', 'kms:reencryptfrom', 'kms:generatedatakey*', 'kms:generatedatakey']);

const rule: Rule = {
  id: 'PCI-KMS-002',
  title: 'Key policies are least-privilege: no wildcard actions, no open principals, admin separate from use',
  requirements: ['3.6.1', '3.6.1.2', '7.2.1', '7.2.2'],
  references: { securityHub: ['KMS.5'], configRules: [] },
  resourceTypes: TYPES,
  notChecked: "IAM policies that grant key use through the account-root statement (IAM at run time); key custodians' acknowledgement (3.6.1.2 procedures: the entity's)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (key) => {
        const doc = policyStatements(key.properties.KeyPolicy);
        if (!doc) return ['KeyPolicy is missing or unreadable'];
        return doc.flatMap((s, i) => {
          if (!isAllow(s)) return [];
          const where = `statement ${s.Sid ?? i}`;
          const actions = actionsOf(s).map((a) => a.toLowerCase());
          return [
            actions.some((a) => a === '*' || a === 'kms:*') && `${where} allows ${actions.includes('*') ? '*' : 'kms:*'}: list the actions the principal needs`,
            principalIsAnyone(s.Principal) && !isScoped(s) && `${where} allows any principal without a condition pinning the caller`,
            servicePrincipals(s.Principal).length > 0 &&
              !isScoped(s) &&
              `${where} allows service principal(s) ${servicePrincipals(s.Principal).join(', ')} without aws:SourceAccount/aws:SourceArn/kms:ViaService/encryption-context conditions (confused deputy)`,
            actions.some((a) => ADMIN.has(a)) && actions.some((a) => USE.has(a)) && `${where} grants key administration and key use together (separation of duties)`,
          ];
        });
      },
      'key policy grants named actions to pinned principals; administration and use are separate statements',
    ),
};
export default rule;
