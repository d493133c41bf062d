// AWS-ARN-002: every ARN a template builds with Fn::Sub has the form its service documents
// (resource type prefix, region and account present or empty as the service requires). A wrong
// ARN is accepted by CloudFormation and IAM, then matches nothing at run time.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
import { resources, subOf, visit, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

interface ArnForm {
  /** Region field: required, or must be empty (global services). */
  readonly region: 'required' | 'empty';
  readonly account: 'required' | 'empty';
  readonly resource: RegExp;
  /** Resource types of a regional service whose ARN has no region (CloudWatch dashboards are global). */
  readonly regionless?: RegExp;
  readonly doc: string;
}

const SAR = 'https://docs.aws.amazon.com/service-authorization/latest/reference';
// Resource part after arn:partition:service:region:account: (X stands for any ${…} substitution).
const FORMS: Readonly<Record<string, ArnForm>> = {
  logs: { region: 'required', account: 'required', resource: /^log-group:[^:]+(:\*|:log-stream:.+)?$/, doc: `${SAR}/list_amazoncloudwatchlogs.html` },
  elasticache: {
    region: 'required',
    account: 'required',
    resource: /^(replicationgroup|cluster|user|usergroup|snapshot|parametergroup|subnetgroup|securitygroup|serverlesscache|globalreplicationgroup|reserved-instance):.+$/,
    doc: `${SAR}/list_amazonelasticache.html`,
  },
  backup: {
    region: 'required',
    account: 'required',
    resource: /^(backup-vault|backup-plan|recovery-point|framework|report-plan|legal-hold|restore-testing-plan):.+$/,
    doc: `${SAR}/list_awsbackup.html`,
  },
  apigateway: { region: 'required', account: 'empty', resource: /^\/.+$/, doc: `${SAR}/list_amazonapigatewaymanagement.html` },
  cloudtrail: { region: 'required', account: 'required', resource: /^(trail|eventdatastore|channel)\/.+$/, doc: `${SAR}/list_awscloudtrail.html` },
  'rds-db': {
    region: 'required',
    account: 'required',
    resource: /^dbuser:[^/]+\/.+$/,
    doc: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html',
  },
  rds: {
    region: 'required',
    account: 'required',
    resource: /^(db|cluster|snapshot|cluster-snapshot|pg|cluster-pg|subgrp|og|es|ri|secgrp|proxy|db-proxy|target-group):.+$/,
    doc: `${SAR}/list_amazonrds.html`,
  },
  ecr: { region: 'required', account: 'required', resource: /^repository\/.+$/, doc: `${SAR}/list_amazonelasticcontainerregistry.html` },
  ecs: {
    region: 'required',
    account: 'required',
    resource: /^(cluster|service|service-deployment|service-revision|task|task-definition|container-instance|capacity-provider|task-set)\/.+$|^\*$/,
    doc: `${SAR}/list_amazonelasticcontainerservice.html`,
  },
  elasticfilesystem: { region: 'required', account: 'required', resource: /^(file-system|access-point)\/.+$/, doc: `${SAR}/list_amazonelasticfilesystem.html` },
  kms: { region: 'required', account: 'required', resource: /^(key|alias)\/.+$/, doc: `${SAR}/list_awskeymanagementservice.html` },
  secretsmanager: { region: 'required', account: 'required', resource: /^secret:.+$/, doc: `${SAR}/list_awssecretsmanager.html` },
  sns: { region: 'required', account: 'required', resource: /^[^:/]+$/, doc: `${SAR}/list_amazonsns.html` },
  kinesis: { region: 'required', account: 'required', resource: /^stream\/.+$/, doc: `${SAR}/list_amazonkinesis.html` },
  lambda: { region: 'required', account: 'required', resource: /^function:.+$/, doc: `${SAR}/list_awslambda.html` },
  cloudwatch: { region: 'required', account: 'required', resource: /^(alarm:.+|dashboard\/.+)$/, regionless: /^dashboard\//, doc: `${SAR}/list_amazoncloudwatch.html` },
  s3: { region: 'empty', account: 'empty', resource: /^[^/]+(\/.*)?$/, doc: `${SAR}/list_amazons3.html` },
  iam: {
    region: 'empty',
    account: 'required',
    resource: /^(root|(role|policy|user|group|instance-profile|oidc-provider|saml-provider|server-certificate|mfa)\/.+)$/,
    doc: `${SAR}/list_awsidentityandaccessmanagementiam.html`,
  },
};

/** The problem with an ARN text (substitutions written as ${…}), or undefined when it has its documented form. */
export function arnProblem(text: string): string | undefined {
  if (!text.startsWith('arn:')) return undefined;
  const parts = text.replace(/\$\{[^}]*\}/g, 'X').split(':');
  if (parts.length < 6) return `"${text}" has fewer than six ARN fields (arn:partition:service:region:account:resource)`;
  const [, , service, region, account] = parts;
  const resource = parts.slice(5).join(':');
  const form = FORMS[service];
  if (!form) return undefined;
  if (form.region === 'empty' && region !== '') return `${service} ARNs have no region: "${text}" (${form.doc})`;
  if (form.region === 'required' && region === '' && !form.regionless?.test(resource)) return `${service} ARNs need the region: "${text}" (${form.doc})`;
  if (form.regionless?.test(resource) && region !== '') return `${service} ${resource.split('/')[0]} ARNs have no region: "${text}" (${form.doc})`;
  if (form.account === 'empty' && account !== '') return `${service} ARNs have no account: "${text}" (${form.doc})`;
  if (form.account === 'required' && account === '' && !(service === 'iam' && resource.startsWith('policy/'))) return `${service} ARNs need the account: "${text}" (${form.doc})`;
  if (!form.resource.test(resource)) return `the resource part "${resource}" is not a documented ${service} resource type: "${text}" (${form.doc})`;
  return undefined;
}

const rule: AwsRule = {
  id: 'AWS-ARN-002',
  title: 'ARNs built with Fn::Sub have the form their service documents',
  docs: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html', `${SAR}/reference_policies_actions-resources-contextkeys.html`],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    for (const entry of resources(input)) {
      visit(entry.properties, 'Properties', (node, path) => {
        const sub = subOf(node);
        const problem = sub ? arnProblem(sub.text) : undefined;
        if (problem) findings.push({ file: entry.file, logicalId: entry.logicalId, path, message: problem });
      });
    }
    return findings;
  },
};
export default rule;
