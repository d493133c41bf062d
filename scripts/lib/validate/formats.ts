// The `format` keywords of the provider schemas, as patterns (so compiled validators stay
// self-contained and can be cached as code). The AWS:: formats are cfn-lint's own definitions
// (cfnlint/rules/formats, 1.58.0); a format not listed here is not checked by ajv (cfn-lint still
// checks it). Formats only constrain literal strings: intrinsic values never reach them.

const ARN = '^arn:aws[a-zA-Z-]*:';
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV6_GROUP = '[0-9a-fA-F]{1,4}';

export const FORMAT_PATTERNS: Readonly<Record<string, string>> = {
  'ipv4-network': `^(${OCTET}\\.){3}${OCTET}/(3[0-2]|[12]?\\d)$`,
  // Loose on purpose: hex groups, an optional :: compression, a prefix length.
  'ipv6-network': `^(${IPV6_GROUP}|:)(:{1,2}${IPV6_GROUP}){0,7}(::)?/(12[0-8]|1[01]\\d|[1-9]?\\d)$`,
  'date-time': '^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$',
  uri: '^[a-zA-Z][a-zA-Z0-9+.-]*:\\S*$',
  'AWS::EC2::VPC.Id': '^vpc-(([0-9A-Fa-f]{8})|([0-9A-Fa-f]{17}))$',
  'AWS::EC2::Subnet.Id': '^subnet-(([0-9A-Fa-f]{8})|([0-9A-Fa-f]{17}))$',
  'AWS::EC2::SecurityGroup.Id': '^sg-([a-fA-F0-9]{8}|[a-fA-F0-9]{17})$',
  'AWS::EC2::SecurityGroup.Name': '^[a-zA-Z0-9 ._\\-:/()#,@[\\]+=&;{}!$*]+$',
  'AWS::EC2::Image.Id': '^ami-([0-9a-z]{8}|[0-9a-z]{17})$',
  'AWS::IAM::Role.Arn': `${ARN}iam::\\d{12}:role/.+$`,
  'AWS::KMS::Key.Arn': `${ARN}kms:[a-z0-9-]+:\\d{12}:(key|alias)/.+$`,
  'AWS::KMS::Key.Id': '^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias/[a-zA-Z0-9/_-]+)$',
  'AWS::KMS::Alias.AliasName': '^alias/[a-zA-Z0-9:/_-]+$',
  'AWS::SNS::Topic.Arn': `${ARN}sns:[a-z0-9-]+:\\d{12}:.+$`,
  'AWS::Lambda::Function.Arn': `${ARN}lambda:[a-z0-9-]+:\\d{12}:function:.+(:.+)?$`,
  'AWS::CertificateManager::Certificate.Arn': `${ARN}acm:[a-z0-9-]+:\\d{12}:certificate/.+$`,
  'AWS::Logs::LogGroup.Name': '^[.\\-_/#A-Za-z0-9]{1,512}$',
  'AWS::S3::Bucket.Name': '^(?![.\\-])(?!.*\\.\\.)(?!.*-\\.)(?!.*\\.-)[a-z0-9.\\-]{3,63}(?<![.\\-])$',
};
