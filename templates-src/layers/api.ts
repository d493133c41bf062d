// Layer 9 — api: the single front door. A regional REST API served only on its custom domain
// (TLS 1.2+, mutual TLS: merchants' servers present client certificates from the platform's CA;
// the default execute-api endpoint is disabled), whose only integration is a private one — a VPC
// link (AWS::ApiGateway::VpcLink, the REST kind) to the internal NLB — with API keys and a usage
// plan for metering, throttling, X-Ray, JSON access logs to a KMS group, execution
// logging (errors only, no payload data), and a WAFv2 web ACL associated with the *stage*
// (AWS managed common, known-bad-inputs, SQL injection and IP reputation rule groups, a per-IP
// rate limit), with WAF logs (API key and authorization headers redacted) to a KMS group.
// No resource policy: nothing is granted to an anonymous principal.
import { createHash } from 'node:crypto';
import type { PlatformConfig } from '../config.js';
import { AWS, Equals, If, Not, Sub } from '../core/intrinsics.js';
import type { Template } from '../core/template.js';
import type { ApiGateway } from '../spec-types/index.js';
import {
  UNBOUND_SERVICE_TRUST,
  conditionalDependency,
  encryptedLogGroup,
  envName,
  keyArnParameter,
  layerTemplate,
  logGroupArns,
  logRetentionParameter,
  PUBLIC_HOSTNAME_PATTERN,
  serviceOnlyAssumeRolePolicy,
  ssmValueParameter,
  stringParameter,
  platformRole,
  switchParameter,
} from './common.js';

const STAGE_NAME = 'v1';

/** One line of JSON per request (PCI DSS 10.2.2 fields: who, what, when, where, outcome). */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  apiKeyId: '$context.identity.apiKeyId',
  clientCertSubjectDN: '$context.identity.clientCert.subjectDN',
  clientCertSerialNumber: '$context.identity.clientCert.serialNumber',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  wafStatus: '$context.waf.status',
  xrayTraceId: '$context.xrayTraceId',
});

const managedRuleGroup = (name: string, priority: number) => ({
  Name: name,
  Priority: priority,
  OverrideAction: { None: {} },
  Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } },
  VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: name },
});

export function buildApi(config: PlatformConfig): Template {
  const t = layerTemplate(
    'api',
    'PCI payment platform - layer 9: REST API front door (regional), VPC link to the internal NLB, usage plan + API key, WAFv2 on the stage, JSON access logs.',
    'Restricted',
  );
  const logsKey = t.parameter('LogsKeyArn', keyArnParameter('CloudWatch Logs'), 'Keys');
  const retention = logRetentionParameter(t);
  const nlbArn = t.parameter(
    'LoadBalancerArn',
    stringParameter(
      'Internal NLB (compute layer), target of the VPC link.',
      '^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/net/.+$',
      'must be a Network Load Balancer ARN',
    ),
    'FrontDoor',
  );
  // API Gateway verifies the backend certificate of an HTTPS integration against publicly trusted
  // CAs (no private CA, and skipping verification is not an option for card data): the NLB
  // certificate is an ACM public certificate, which ACM issues only for a domain you own and
  // validate. A reserved name (.internal, .local, .localhost, .test, .invalid, .example) can never
  // get one. https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-supported-certificate-authorities-for-http-endpoints.html
  // https://docs.aws.amazon.com/acm/latest/userguide/domain-ownership-validation.html
  const backendHost = t.parameter(
    'BackendHostname',
    stringParameter(
      'Host name of the NLB certificate: a name in a public domain you own (ACM issues the public certificate API Gateway trusts); it need not resolve publicly.',
      PUBLIC_HOSTNAME_PATTERN,
      'must be a DNS name in a public domain (not .internal, .local, .localhost, .test, .invalid, .example)',
    ),
    'FrontDoor',
  );
  // Callers are merchants' servers: they authenticate with a client certificate (mutual TLS) issued
  // by the platform's CA, on a custom domain whose TLS policy allows TLS 1.2+ only; the default
  // execute-api endpoint, which would accept TLS 1.0 and no client certificate, is disabled. API
  // keys stay for metering and quotas (AWS: not for authentication).
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
  const apiDomain = t.parameter(
    'ApiDomainName',
    stringParameter(
      'Custom domain of the payment API (merchants call https://<this>/); a name in a public domain you own.',
      PUBLIC_HOSTNAME_PATTERN,
      'must be a DNS name in a public domain',
    ),
    'FrontDoor',
  );
  const apiCertificate = t.parameter(
    'ApiCertificateArnParameter',
    ssmValueParameter(
      'the ARN of the ACM certificate for ApiDomainName in this region (a regional custom domain needs a certificate of its own region).',
      '/payment/front-door/api-certificate-arn',
    ),
    'FrontDoor',
  );
  const truststore = t.parameter(
    'MtlsTruststoreUri',
    stringParameter(
      'S3 URI of the PEM bundle of CA certificates that issue merchant client certificates (s3://bucket/key); API Gateway reads it when the domain is created or updated.',
      '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$',
      'must be an s3://bucket/key URI',
    ),
    'FrontDoor',
  );
  const truststoreVersion = t.parameter(
    'MtlsTruststoreVersion',
    { ...stringParameter('S3 object version of the truststore (set it to roll out a new CA bundle); empty for the latest.'), Default: '' },
    'FrontDoor',
  );
  const rate = t.parameter(
    'ApiThrottleRateLimit',
    { Type: 'Number', Description: 'Steady-state requests per second for the stage and the usage plan.', Default: 500, MinValue: 1, MaxValue: 10000 },
    'FrontDoor',
  );
  const burst = t.parameter(
    'ApiThrottleBurstLimit',
    { Type: 'Number', Description: 'Burst requests for the stage and the usage plan.', Default: 1000, MinValue: 1, MaxValue: 5000 },
    'FrontDoor',
  );
  const quota = t.parameter('ApiDailyQuota', { Type: 'Number', Description: 'Requests per day allowed to the default API key.', Default: 1000000, MinValue: 1 }, 'FrontDoor');
  const wafRate = t.parameter(
    'WafRateLimitPer5Min',
    { Type: 'Number', Description: 'Requests per client IP per 5 minutes before WAF blocks it.', Default: 2000, MinValue: 10, MaxValue: 2000000000 },
    'FrontDoor',
  );
  const manageAccount = t.parameter(
    'ManageApiGatewayAccountRole',
    switchParameter('Set the account-wide API Gateway CloudWatch role (once per account and region; false when another stack already sets it).', 'true'),
    'FrontDoor',
  );
  const managesAccount = t.condition('ManagesApiGatewayAccount', Equals(manageAccount.ref, 'true'));
  const hasTruststoreVersion = t.condition('HasMtlsTruststoreVersion', Not(Equals(truststoreVersion.ref, '')));

  // Execution logging needs the account-level CloudWatch role.
  const cloudWatchRole = platformRole(
    t,
    'ApiGatewayCloudWatchRole',
    {
      Description: 'Lets API Gateway write execution logs to CloudWatch Logs',
      AssumeRolePolicyDocument: serviceOnlyAssumeRolePolicy('apigateway.amazonaws.com'),
      ManagedPolicyArns: [Sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    },
    { Condition: managesAccount, suppress: UNBOUND_SERVICE_TRUST },
  );
  const account = t.resource('ApiGatewayAccount', 'AWS::ApiGateway::Account', { CloudWatchRoleArn: cloudWatchRole.getAtt('Arn') }, { Condition: managesAccount });
  // The stage enables execution logging, which needs the account role set first (when this stack sets it).
  const accountReady = conditionalDependency(t, 'ApiGatewayAccountReady', managesAccount, [account]);

  const api = t.resource('RestApi', 'AWS::ApiGateway::RestApi', {
    Name: envName('api'),
    Description: 'Payment API: the only way in (mutual TLS on the custom domain, WAF, API keys, throttling), private integration to the service',
    EndpointConfiguration: { Types: ['REGIONAL'] },
    ApiKeySourceType: 'HEADER',
    DisableExecuteApiEndpoint: true,
    MinimumCompressionSize: 1024,
  });
  const vpcLink = t.resource('VpcLink', 'AWS::ApiGateway::VpcLink', {
    Name: envName('vpc-link'),
    Description: 'Private integration to the internal NLB of the payment service',
    TargetArns: [nlbArn.ref],
  });
  const proxy = t.resource('ProxyResource', 'AWS::ApiGateway::Resource', { RestApiId: api.ref, ParentId: api.getAtt('RootResourceId'), PathPart: '{proxy+}' });

  const integration = (path: string): ApiGateway.Method_Integration => ({
    Type: 'HTTP_PROXY',
    IntegrationHttpMethod: 'ANY',
    ConnectionType: 'VPC_LINK',
    ConnectionId: vpcLink.ref,
    Uri: Sub(`https://\${Host}${path}`, { Host: backendHost.ref }),
    TimeoutInMillis: 29000,
    PassthroughBehavior: 'WHEN_NO_MATCH',
    ...(path.includes('{proxy}') ? { RequestParameters: { 'integration.request.path.proxy': 'method.request.path.proxy' } } : {}),
  });
  const methodSpecs = [
    { id: 'RootMethod', resource: api.getAtt('RootResourceId'), path: '/', params: undefined },
    { id: 'ProxyMethod', resource: proxy.ref, path: '/{proxy}', params: { 'method.request.path.proxy': true } },
  ];
  const methods = methodSpecs.map((m) =>
    t.resource(
      m.id,
      'AWS::ApiGateway::Method',
      {
        RestApiId: api.ref,
        ResourceId: m.resource,
        HttpMethod: 'ANY',
        AuthorizationType: 'NONE',
        ApiKeyRequired: true,
        RequestParameters: m.params,
        Integration: integration(m.path),
      },
      {
        suppress: {
          guard: {
            API_GW_METHOD_AUTHORIZATION_TYPE_RULE: {
              reason:
                'Callers are authenticated by mutual TLS on the custom domain, the only way in (the execute-api endpoint is disabled); no method authorizer is needed on top, and API keys meter.',
              requirement: '8.3.1',
              compensatingControl:
                'AWS-APIGW-001 fails a method without caller authentication (mTLS domain or an authorizer); PCI-AUTH-005 refuses API keys as the only authentication.',
            },
          },
        },
      },
    ),
  );
  // A deployment is immutable: its logical ID carries a hash of the API definition, so a changed
  // method creates a new deployment and the stage moves to it.
  const definitionHash = createHash('sha256')
    .update(JSON.stringify(methodSpecs.map((m) => [m.id, m.path, integration(m.path)])))
    .digest('hex')
    .slice(0, 10);
  const deployment = t.resource(
    `Deployment${definitionHash}`,
    'AWS::ApiGateway::Deployment',
    { RestApiId: api.ref, Description: `API definition ${definitionHash}` },
    { DependsOn: methods },
  );

  const accessLogs = encryptedLogGroup(t, 'ApiAccessLogGroup', Sub(`/${config.namePrefix}/\${Environment}/api-access`), logsKey, retention);
  const stage = t.resource(
    'Stage',
    'AWS::ApiGateway::Stage',
    {
      RestApiId: api.ref,
      DeploymentId: deployment.ref,
      StageName: STAGE_NAME,
      Description: 'Payment API stage (WAF-protected)',
      TracingEnabled: true,
      CacheClusterEnabled: false,
      AccessLogSetting: { DestinationArn: logGroupArns(accessLogs).group, Format: ACCESS_LOG_FORMAT },
      MethodSettings: [
        {
          ResourcePath: '/*',
          HttpMethod: '*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: true,
          ThrottlingRateLimit: rate.ref,
          ThrottlingBurstLimit: burst.ref,
        },
      ],
    },
    {
      DependsOn: [accountReady],
      suppress: {
        checkov: {
          CKV_AWS_120: {
            reason: 'Response caching would keep payment responses outside the application; caching is off on purpose.',
            requirement: '3.2.1',
            compensatingControl: 'None needed: not caching stores less account data.',
          },
        },
        guard: {
          API_GW_CACHE_ENABLED_AND_ENCRYPTED: {
            reason:
              'The rule asks for caching on; response caching would keep payment responses outside the application, so it is off on purpose (nothing cached, nothing to encrypt).',
            requirement: '3.2.1',
            compensatingControl: 'None needed: not caching stores less account data.',
          },
        },
      },
    },
  );

  const domain = t.resource('ApiDomain', 'AWS::ApiGateway::DomainName', {
    DomainName: apiDomain.ref,
    RegionalCertificateArn: apiCertificate.ref,
    EndpointConfiguration: { Types: ['REGIONAL'] },
    SecurityPolicy: 'TLS_1_2',
    MutualTlsAuthentication: { TruststoreUri: truststore.ref, TruststoreVersion: If(hasTruststoreVersion, truststoreVersion.ref, AWS.NoValue) },
  });
  t.resource('ApiDomainMapping', 'AWS::ApiGateway::BasePathMapping', { DomainName: domain.ref, RestApiId: api.ref, Stage: stage.ref });

  const usagePlan = t.resource('UsagePlan', 'AWS::ApiGateway::UsagePlan', {
    UsagePlanName: envName('default-plan'),
    Description: 'Default usage plan of the payment API',
    ApiStages: [{ ApiId: api.ref, Stage: stage.ref }],
    Throttle: { RateLimit: rate.ref, BurstLimit: burst.ref },
    Quota: { Limit: quota.ref, Period: 'DAY' },
  });
  const apiKey = t.resource('DefaultApiKey', 'AWS::ApiGateway::ApiKey', {
    Name: envName('default-key'),
    Description: 'Default client key (value generated by API Gateway; read it with aws apigateway get-api-key --include-value)',
    Enabled: true,
  });
  t.resource('DefaultApiKeyUsagePlan', 'AWS::ApiGateway::UsagePlanKey', { KeyId: apiKey.ref, KeyType: 'API_KEY', UsagePlanId: usagePlan.ref });

  // --- WAF on the stage ----------------------------------------------------------------------------
  const webAcl = t.resource('WebAcl', 'AWS::WAFv2::WebACL', {
    Name: envName('api-waf'),
    Description: 'Protects the payment API stage',
    Scope: 'REGIONAL',
    DefaultAction: { Allow: {} },
    VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: 'payment-api-waf' },
    Rules: [
      {
        Name: 'RateLimitPerClientIp',
        Priority: 0,
        Action: { Block: {} },
        Statement: { RateBasedStatement: { Limit: wafRate.ref, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
        VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: 'RateLimitPerClientIp' },
      },
      managedRuleGroup('AWSManagedRulesAmazonIpReputationList', 10),
      managedRuleGroup('AWSManagedRulesCommonRuleSet', 20),
      managedRuleGroup('AWSManagedRulesKnownBadInputsRuleSet', 30),
      managedRuleGroup('AWSManagedRulesSQLiRuleSet', 40),
    ],
  });
  t.resource('WebAclAssociation', 'AWS::WAFv2::WebACLAssociation', {
    WebACLArn: webAcl.getAtt('Arn'),
    ResourceArn: Sub('arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${Api}/stages/${Stage}', { Api: api.ref, Stage: stage.ref }),
  });
  // WAF requires the group name to start with aws-waf-logs- and its ARN without the ":*" suffix.
  const wafLogName = Sub(`aws-waf-logs-${config.namePrefix}-\${Environment}`);
  const wafLogs = encryptedLogGroup(t, 'WafLogGroup', wafLogName, logsKey, retention);
  t.resource('WafLogging', 'AWS::WAFv2::LoggingConfiguration', {
    ResourceArn: webAcl.getAtt('Arn'),
    LogDestinationConfigs: [Sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Group}', { Group: wafLogs.ref })],
    RedactedFields: [{ SingleHeader: { Name: 'x-api-key' } }, { SingleHeader: { Name: 'authorization' } }],
  });

  t.output('ApiUrl', {
    Value: Sub('https://${Domain}/', { Domain: apiDomain.ref }),
    Description: 'URL of the payment API (mutual TLS, WAF-protected stage); the execute-api endpoint is disabled.',
  });
  t.output('ApiRegionalDomainName', { Value: domain.getAtt('RegionalDomainName'), Description: 'Target of the DNS record (CNAME or alias) for ApiDomainName.' });
  t.output('ApiRegionalHostedZoneId', { Value: domain.getAtt('RegionalHostedZoneId'), Description: 'Hosted zone of the regional domain name (for a Route 53 alias record).' });
  t.output('RestApiId', { Value: api.ref, Description: 'REST API ID.' });
  t.output('ApiName', { Value: envName('api'), Description: 'REST API name (ApiName dimension of its CloudWatch metrics).' });
  t.output('StageName', { Value: stage.ref, Description: 'Stage name.' });
  t.output('WebAclArn', { Value: webAcl.getAtt('Arn'), Description: 'WAF web ACL on the stage.' });
  t.output('DefaultApiKeyId', { Value: apiKey.ref, Description: 'ID (not the value) of the default API key.' });
  return t;
}
