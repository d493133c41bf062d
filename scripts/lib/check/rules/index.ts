// The rule index: every rule of scripts/rules/, one per file, in ID order. A rule not listed here
// does not run (test/check-rules.test.ts fails when a file is missing from this list).
import type { Rule } from '../types.js';
import auth001 from './PCI-AUTH-001-secrets-rotated.js';
import auth002 from './PCI-AUTH-002-no-plaintext-secrets.js';
import auth003 from './PCI-AUTH-003-redis-auth.js';
import auth004 from './PCI-AUTH-004-rds-authentication.js';
import auth005 from './PCI-AUTH-005-api-methods-authorized.js';
import bak001 from './PCI-BAK-001-rds-backups.js';
import bak002 from './PCI-BAK-002-elasticache-snapshots.js';
import bak003 from './PCI-BAK-003-backup-plan-retention.js';
import bak004 from './PCI-BAK-004-data-stores-in-backup-plan.js';
import ctr001 from './PCI-CTR-001-task-hardening.js';
import ctr002 from './PCI-CTR-002-no-latest-image.js';
import ctr003 from './PCI-CTR-003-image-digest-pinned.js';
import ctr004 from './PCI-CTR-004-no-secrets-in-environment.js';
import ctr005 from './PCI-CTR-005-fargate-platform.js';
import ctr006 from './PCI-CTR-006-ecr-scan-immutable.js';
import ctr007 from './PCI-CTR-007-lambda-hardening.js';
import data001 from './PCI-DATA-001-stateful-retained.js';
import data002 from './PCI-DATA-002-deletion-protection.js';
import data003 from './PCI-DATA-003-s3-versioning.js';
import enc001 from './PCI-ENC-001-rds-encrypted-cmk.js';
import enc002 from './PCI-ENC-002-elasticache-encrypted-cmk.js';
import enc003 from './PCI-ENC-003-efs-encrypted-cmk.js';
import enc004 from './PCI-ENC-004-s3-encrypted-cmk.js';
import enc005 from './PCI-ENC-005-kinesis-encrypted-cmk.js';
import enc006 from './PCI-ENC-006-log-group-encrypted-cmk.js';
import enc007 from './PCI-ENC-007-sns-encrypted-cmk.js';
import enc008 from './PCI-ENC-008-secret-encrypted-cmk.js';
import enc009 from './PCI-ENC-009-backup-vault-encrypted-cmk.js';
import enc010 from './PCI-ENC-010-cloudtrail-encrypted-cmk.js';
import enc011 from './PCI-ENC-011-api-cache-encrypted.js';
import gov001 from './PCI-GOV-001-suppressions-valid.js';
import iam001 from './PCI-IAM-001-no-wildcard-actions.js';
import iam002 from './PCI-IAM-002-wildcard-resource-justified.js';
import iam003 from './PCI-IAM-003-no-admin-managed-policies.js';
import iam004 from './PCI-IAM-004-trust-policy-scoped.js';
import iam005 from './PCI-IAM-005-resource-policies-not-public.js';
import iam006 from './PCI-IAM-006-efs-access-point-identity.js';
import kms001 from './PCI-KMS-001-key-rotation.js';
import kms002 from './PCI-KMS-002-key-policy-least-privilege.js';
import log001 from './PCI-LOG-001-log-retention.js';
import log002 from './PCI-LOG-002-log-bucket-retention.js';
import log003 from './PCI-LOG-003-cloudtrail-trail.js';
import log004 from './PCI-LOG-004-cloudtrail-data-events.js';
import log005 from './PCI-LOG-005-api-stage-logging.js';
import log006 from './PCI-LOG-006-waf-logging.js';
import log007 from './PCI-LOG-007-elb-access-logs.js';
import log008 from './PCI-LOG-008-rds-logs-monitoring.js';
import log009 from './PCI-LOG-009-container-logging.js';
import log010 from './PCI-LOG-010-config-recording.js';
import mon001 from './PCI-MON-001-alarm-actions.js';
import mon002 from './PCI-MON-002-container-insights.js';
import net001 from './PCI-NET-001-rds-not-public.js';
import net002 from './PCI-NET-002-s3-block-public-access.js';
import net003 from './PCI-NET-003-no-public-ip.js';
import net004 from './PCI-NET-004-sg-egress-restricted.js';
import net005 from './PCI-NET-005-nacl-restricted.js';
import net006 from './PCI-NET-006-vpc-flow-logs.js';
import net007 from './PCI-NET-007-elasticache-subnet-group.js';
import net008 from './PCI-NET-008-efs-mount-targets-private.js';
import pat001 from './PCI-PAT-001-auto-minor-upgrades.js';
import seg001 from './PCI-SEG-001-internet-front-door-only.js';
import seg002 from './PCI-SEG-002-data-stores-app-tier-only.js';
import seg003 from './PCI-SEG-003-isolated-no-internet.js';
import tag001 from './PCI-TAG-001-required-tags.js';
import tls001 from './PCI-TLS-001-rds-force-ssl.js';
import tls002 from './PCI-TLS-002-elasticache-in-transit.js';
import tls003 from './PCI-TLS-003-efs-policy-requires-tls.js';
import tls004 from './PCI-TLS-004-ecs-efs-volume-tls.js';
import tls005 from './PCI-TLS-005-s3-deny-insecure-transport.js';
import tls006 from './PCI-TLS-006-listener-tls-policy.js';
import tls007 from './PCI-TLS-007-target-group-tls.js';
import tls008 from './PCI-TLS-008-api-integration-tls.js';
import waf001 from './PCI-WAF-001-front-door-waf.js';
import waf002 from './PCI-WAF-002-web-acl-managed-rules.js';

export const RULES: readonly Rule[] = [
  auth001,
  auth002,
  auth003,
  auth004,
  auth005,
  bak001,
  bak002,
  bak003,
  bak004,
  ctr001,
  ctr002,
  ctr003,
  ctr004,
  ctr005,
  ctr006,
  ctr007,
  data001,
  data002,
  data003,
  enc001,
  enc002,
  enc003,
  enc004,
  enc005,
  enc006,
  enc007,
  enc008,
  enc009,
  enc010,
  enc011,
  gov001,
  iam001,
  iam002,
  iam003,
  iam004,
  iam005,
  iam006,
  kms001,
  kms002,
  log001,
  log002,
  log003,
  log004,
  log005,
  log006,
  log007,
  log008,
  log009,
  log010,
  mon001,
  mon002,
  net001,
  net002,
  net003,
  net004,
  net005,
  net006,
  net007,
  net008,
  pat001,
  seg001,
  seg002,
  seg003,
  tag001,
  tls001,
  tls002,
  tls003,
  tls004,
  tls005,
  tls006,
  tls007,
  tls008,
  waf001,
  waf002,
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.id));
