// Application half (issue 4): compute, api, observability, audit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generated, passesAndCatches, resourcesOfType, wiring, LAYERS, type CfnTemplate } from './lib/templates.js';
import { parameterValueProblem } from '../templates-src/core/parameters.js';

const compute = generated('compute');
const api = generated('api');
const obs = generated('observability');
const audit = generated('audit');
const network = generated('network');

test('front door: the WAF web ACL is associated with the API stage ARN', () => {
  const check = (t: CfnTemplate) => {
    const [[, assoc]] = resourcesOfType(t, 'AWS::WAFv2::WebACLAssociation');
    const [text, vars] = assoc.Properties.ResourceArn['Fn::Sub'];
    assert.match(text, /^arn:\$\{AWS::Partition\}:apigateway:\$\{AWS::Region\}::\/restapis\/\$\{Api\}\/stages\/\$\{Stage\}$/);
    assert.equal(t.Resources[vars.Api.Ref].Type, 'AWS::ApiGateway::RestApi');
    assert.equal(t.Resources[vars.Stage.Ref].Type, 'AWS::ApiGateway::Stage');
  };
  passesAndCatches(
    check,
    api,
    (t) =>
      (t.Resources.WebAclAssociation.Properties.ResourceArn = {
        'Fn::Sub': ['arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*', { Api: { Ref: 'RestApi' } }],
      }),
  );
});

test('front door: WAF has the managed common, known-bad-inputs and SQLi groups, a per-IP rate rule, and logs (redacted) to an encrypted group', () => {
  const check = (t: CfnTemplate) => {
    const rules = t.Resources.WebAcl.Properties.Rules;
    const groups = rules.map((r: any) => r.Statement.ManagedRuleGroupStatement?.Name).filter(Boolean);
    for (const g of ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet']) assert.ok(groups.includes(g), g);
    assert.ok(
      rules.some((r: any) => r.Statement.RateBasedStatement?.AggregateKeyType === 'IP' && r.Action.Block),
      'rate rule per IP',
    );
    const [[, logging]] = resourcesOfType(t, 'AWS::WAFv2::LoggingConfiguration');
    assert.ok(
      logging.Properties.RedactedFields.some((f: any) => f.SingleHeader?.Name === 'authorization'),
      'the WAF log redacts the authorization header',
    );
    assert.ok(t.Resources.WafLogGroup.Properties.KmsKeyId, 'the WAF log group is KMS-encrypted');
  };
  passesAndCatches(check, api, (t) => (t.Resources.WebAcl.Properties.Rules = t.Resources.WebAcl.Properties.Rules.filter((r: any) => r.Name !== 'AWSManagedRulesSQLiRuleSet')));
  passesAndCatches(check, api, (t) => (t.Resources.WebAcl.Properties.Rules[0].Statement = { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'x' } }));
});

test('front door: REST API (regional) → AWS::ApiGateway::VpcLink → the NLB; every method needs an API key; no anonymous resource policy', () => {
  const check = (t: CfnTemplate) => {
    assert.deepEqual(t.Resources.RestApi.Properties.EndpointConfiguration.Types, ['REGIONAL']);
    assert.equal(t.Resources.RestApi.Properties.Policy, undefined);
    assert.equal(resourcesOfType(t, 'AWS::ApiGatewayV2::VpcLink').length, 0);
    const [[linkId, link]] = resourcesOfType(t, 'AWS::ApiGateway::VpcLink');
    assert.deepEqual(link.Properties.TargetArns, [{ Ref: 'LoadBalancerArn' }]);
    for (const [id, m] of resourcesOfType(t, 'AWS::ApiGateway::Method')) {
      assert.equal(m.Properties.ApiKeyRequired, true, `${id} API key`);
      assert.equal(m.Properties.Integration.ConnectionType, 'VPC_LINK', `${id} private integration`);
      assert.deepEqual(m.Properties.Integration.ConnectionId, { Ref: linkId });
      assert.match(JSON.stringify(m.Properties.Integration.Uri), /https:\/\//);
    }
  };
  assert.equal(wiring('api', 'LoadBalancerArn'), 'Compute.Outputs.LoadBalancerArn');
  passesAndCatches(check, api, (t) => (t.Resources.ProxyMethod.Properties.ApiKeyRequired = false));
  passesAndCatches(check, api, (t) => (t.Resources.RestApi.Properties.Policy = { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: '*' }] }));
  passesAndCatches(check, api, (t) => (t.Resources.VpcLink.Type = 'AWS::ApiGatewayV2::VpcLink'));
});

test('front door: stage with JSON access logs to a KMS group, X-Ray, throttling; usage plan with an API key', () => {
  const check = (t: CfnTemplate) => {
    const stage = t.Resources.Stage.Properties;
    assert.equal(stage.TracingEnabled, true);
    assert.doesNotThrow(() => JSON.parse(stage.AccessLogSetting.Format), 'access log format is JSON');
    const group = stage.AccessLogSetting.DestinationArn['Fn::Sub'][1].Name.Ref;
    assert.equal(t.Resources[group].Properties.KmsKeyId.Ref, 'LogsKeyArn', 'access logs go to a group encrypted with the logs key');
    assert.ok(stage.MethodSettings[0].ThrottlingRateLimit && stage.MethodSettings[0].ThrottlingBurstLimit, 'the stage throttles: rate and burst limits set');
    assert.equal(stage.MethodSettings[0].DataTraceEnabled, false, 'no request/response bodies (card data) in execution logs');
    assert.ok(resourcesOfType(t, 'AWS::ApiGateway::UsagePlan').length === 1 && resourcesOfType(t, 'AWS::ApiGateway::UsagePlanKey').length === 1, 'one usage plan with one key');
  };
  passesAndCatches(check, api, (t) => (t.Resources.Stage.Properties.MethodSettings[0].DataTraceEnabled = true));
  passesAndCatches(check, api, (t) => (t.Resources.Stage.Properties.TracingEnabled = false));
});

test('no load balancer is reachable from the internet: internal NLB, TLS 443 only with a modern policy, no SG ingress', () => {
  const check = (t: CfnTemplate, net: CfnTemplate) => {
    for (const [id, lb] of resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) assert.equal(lb.Properties.Scheme, 'internal', `${id} internal`);
    for (const [id, l] of resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::Listener')) {
      assert.equal(l.Properties.Protocol, 'TLS', `${id} TLS`);
      assert.equal(l.Properties.Port, 443);
      assert.match(l.Properties.SslPolicy, /^ELBSecurityPolicy-TLS13-1-2/);
      assert.deepEqual(l.Properties.Certificates, [{ CertificateArn: { Ref: 'CertificateArnParameter' } }]);
      assert.equal(t.Parameters!.CertificateArnParameter.Type, 'AWS::SSM::Parameter::Value<String>', 'the certificate of this account and region, read from SSM there');
    }
    const nlbIngress = resourcesOfType(net, 'AWS::EC2::SecurityGroupIngress').filter(([, r]) => r.Properties.GroupId['Fn::GetAtt']?.[0] === 'NlbSecurityGroup');
    assert.equal(nlbIngress.length, 0, 'nothing but the VPC link reaches the NLB');
  };
  check(compute, network);
  const open = structuredClone(compute);
  open.Resources.LoadBalancer.Properties.Scheme = 'internet-facing';
  assert.throws(() => check(open, network), /LoadBalancer internal/);
  const http = structuredClone(compute);
  http.Resources.HttpListener = { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { Protocol: 'TCP', Port: 80 } };
  assert.throws(() => check(http, network), /HttpListener TLS/);
});

test('task definition: pinned image, read-only root, non-root, unprivileged, secrets from Secrets Manager, encrypted logs, X-Ray sidecar, EFS over TLS + IAM', () => {
  const check = (t: CfnTemplate) => {
    const td = t.Resources.TaskDefinition.Properties;
    const [app, xray] = td.ContainerDefinitions;
    for (const c of td.ContainerDefinitions) {
      assert.equal(c.ReadonlyRootFilesystem, true, `${c.Name} read-only root`);
      assert.equal(c.Privileged, false, `${c.Name} unprivileged`);
      assert.ok(c.User && !/^(0|root)(:|$)/.test(c.User), `${c.Name} non-root`);
      assert.equal(c.LogConfiguration.LogDriver, 'awslogs');
    }
    // Built from this region's registry (no internet egress), pinned by digest.
    assert.equal(app.Image['Fn::Sub'][0], '${Account}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/${Repository}@${Digest}');
    assert.deepEqual(app.Image['Fn::Sub'][1].Digest, { Ref: 'ContainerImageDigest' });
    assert.match(
      xray.Image['Fn::Sub'][0],
      /^\$\{AWS::AccountId\}\.dkr\.ecr\.\$\{AWS::Region\}\.\$\{AWS::URLSuffix\}\/\$\{Prefix\}\/xray\/aws-xray-daemon@\$\{Digest\}$/,
      'X-Ray daemon through the ECR Public pull-through cache',
    );
    assert.equal(xray.Name, 'xray-daemon');
    for (const s of app.Secrets) assert.match(s.ValueFrom.Ref, /SecretArn$/);
    for (const e of app.Environment) assert.doesNotMatch(e.Name, /SECRET|PASSWORD|TOKEN|KEY$/, `${e.Name} looks like a secret in an environment variable`);
    const efs = td.Volumes.find((v: any) => v.EFSVolumeConfiguration).EFSVolumeConfiguration;
    assert.equal(efs.TransitEncryption, 'ENABLED');
    assert.equal(efs.AuthorizationConfig.IAM, 'ENABLED');
  };
  passesAndCatches(check, compute, (t) => (t.Resources.TaskDefinition.Properties.ContainerDefinitions[0].ReadonlyRootFilesystem = false));
  passesAndCatches(check, compute, (t) => (t.Resources.TaskDefinition.Properties.ContainerDefinitions[0].User = '0:0'));
  passesAndCatches(check, compute, (t) => t.Resources.TaskDefinition.Properties.ContainerDefinitions[0].Environment.push({ Name: 'DB_PASSWORD', Value: 'x' }));
  assert.match(parameterValueProblem(compute.Parameters!.ContainerImageDigest, 'latest')!, /does not match/);
  assert.equal(parameterValueProblem(compute.Parameters!.ContainerImageDigest, `sha256:${'a'.repeat(64)}`), undefined);
});

test('service: private subnets, no public IP, circuit breaker with rollback, target tracking on CPU and memory', () => {
  const check = (t: CfnTemplate) => {
    const s = t.Resources.Service.Properties;
    assert.equal(s.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp, 'DISABLED');
    assert.deepEqual(s.NetworkConfiguration.AwsvpcConfiguration.Subnets, { Ref: 'PrivateSubnetIds' });
    assert.deepEqual(s.DeploymentConfiguration.DeploymentCircuitBreaker, { Enable: true, Rollback: true });
    const metrics = resourcesOfType(t, 'AWS::ApplicationAutoScaling::ScalingPolicy').map(
      ([, p]) => p.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType,
    );
    assert.deepEqual(metrics.sort(), ['ECSServiceAverageCPUUtilization', 'ECSServiceAverageMemoryUtilization']);
    assert.equal(t.Resources.Cluster.Properties.ClusterSettings[0].Name, 'containerInsights');
  };
  assert.equal(wiring('compute', 'PrivateSubnetIds'), 'Network.Outputs.PrivateSubnetIds');
  passesAndCatches(check, compute, (t) => (t.Resources.Service.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp = 'ENABLED'));
  passesAndCatches(check, compute, (t) => (t.Resources.Service.Properties.DeploymentConfiguration.DeploymentCircuitBreaker.Rollback = false));
});

test('task and execution roles are scoped to the exact secret, stream, key, file system, bucket and database user', () => {
  const statements = (t: CfnTemplate, role: string) => t.Resources[role].Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
  const check = (t: CfnTemplate) => {
    const exec = statements(t, 'TaskExecutionRole');
    assert.deepEqual(exec.find((s: any) => s.Sid === 'ReadInjectedSecrets').Resource, [{ Ref: 'CacheAuthTokenSecretArn' }, { Ref: 'AppSigningKeySecretArn' }]);
    const task = statements(t, 'TaskRole');
    const bySid = Object.fromEntries(task.map((s: any) => [s.Sid, s]));
    assert.deepEqual(bySid.PublishPaymentEvents.Resource, { Ref: 'StreamArn' });
    assert.deepEqual(bySid.EncryptPaymentEvents.Resource, { Ref: 'StreamingKeyArn' });
    assert.deepEqual(bySid.MountEfsThroughTheAppAccessPoint.Resource, { Ref: 'FileSystemArn' });
    assert.match(JSON.stringify(bySid.ConnectToPostgresAsTheAppUser.Resource), /dbuser:\$\{Id\}\/payment_app/);
    for (const s of [...exec, ...task]) if (s.Resource === '*') assert.ok(['EcrAuthentication', 'SendTraces'].includes(s.Sid), `${s.Sid} uses Resource *`);
  };
  passesAndCatches(check, compute, (t) => (t.Resources.TaskRole.Properties.Policies[0].PolicyDocument.Statement[0].Resource = '*'));
  passesAndCatches(check, compute, (t) => (t.Resources.TaskExecutionRole.Properties.Policies[0].PolicyDocument.Statement[3].Resource = '*'));
});

test('observability: encrypted topic; every required alarm exists and notifies the topic; a dashboard', () => {
  const required: [string, string][] = [
    ['AWS/ECS', 'CPUUtilization'],
    ['AWS/ECS', 'MemoryUtilization'],
    ['AWS/NetworkELB', 'UnHealthyHostCount'],
    ['AWS/RDS', 'CPUUtilization'],
    ['AWS/RDS', 'FreeStorageSpace'],
    ['AWS/RDS', 'DatabaseConnections'],
    ['AWS/ElastiCache', 'EngineCPUUtilization'],
    ['AWS/ElastiCache', 'Evictions'],
    ['AWS/Kinesis', 'GetRecords.IteratorAgeMilliseconds'],
    ['AWS/ApiGateway', '4XXError'],
    ['AWS/ApiGateway', '5XXError'],
    ['AWS/ApiGateway', 'Latency'],
  ];
  const check = (t: CfnTemplate) => {
    assert.ok(t.Resources.AlarmTopic.Properties.KmsMasterKeyId, 'the alarm topic is KMS-encrypted');
    const alarms = resourcesOfType(t, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    for (const [ns, metric] of required) {
      const a = alarms.find((x) => x.Namespace === ns && x.MetricName === metric);
      assert.ok(a, `alarm on ${ns} ${metric}`);
      assert.deepEqual(a.AlarmActions, [{ Ref: 'AlarmTopic' }], `${ns} ${metric} notifies the topic`);
    }
    assert.equal(resourcesOfType(t, 'AWS::CloudWatch::Dashboard').length, 1);
    assert.equal(t.Resources.AlarmEmailSubscription.Condition, 'HasAlarmEmail');
  };
  passesAndCatches(check, obs, (t) => delete t.Resources.KinesisIteratorAgeHighAlarm);
  passesAndCatches(check, obs, (t) => (t.Resources.RdsCpuHighAlarm.Properties.AlarmActions = []));
  passesAndCatches(check, obs, (t) => delete t.Resources.AlarmTopic.Properties.KmsMasterKeyId);
});

test('audit: optional CloudTrail with validation, KMS, multi-region, log group; locked, versioned, TLS-only bucket', () => {
  const check = (t: CfnTemplate) => {
    const trail = t.Resources.Trail;
    assert.equal(trail.Condition, 'IsCloudTrailEnabled');
    assert.equal(trail.Properties.EnableLogFileValidation, true);
    assert.equal(trail.Properties.IsMultiRegionTrail, true);
    assert.ok(trail.Properties.KMSKeyId && trail.Properties.CloudWatchLogsLogGroupArn, 'the trail is KMS-encrypted and delivers to CloudWatch Logs');
    const bucket = t.Resources.AuditBucket.Properties;
    assert.equal(bucket.VersioningConfiguration.Status, 'Enabled');
    assert.equal(bucket.ObjectLockEnabled, true);
    assert.deepEqual(t.Parameters!.EnableCloudTrail.AllowedValues, ['true', 'false']);
  };
  passesAndCatches(check, audit, (t) => (t.Resources.Trail.Properties.EnableLogFileValidation = false));
  passesAndCatches(check, audit, (t) => delete t.Resources.Trail.Condition);
});

test('audit: Config recorder and delivery channel are optional; the PCI rules are always there and wait for the recorder when it is created', () => {
  const check = (t: CfnTemplate) => {
    assert.equal(t.Resources.ConfigRecorder.Condition, 'IsConfigRecorderCreated');
    assert.equal(t.Resources.ConfigDeliveryChannel.Condition, 'IsConfigRecorderCreated');
    const rules = resourcesOfType(t, 'AWS::Config::ConfigRule');
    assert.ok(rules.length >= 40, `at least 40 AWS Config rules (got ${rules.length})`);
    for (const [id, r] of rules) {
      assert.equal(r.Condition, undefined, `${id} must exist with or without our recorder`);
      assert.deepEqual(r.DependsOn, ['ConfigRecorderReady']);
    }
    const ids = rules.map(([, r]) => r.Properties.Source.SourceIdentifier);
    for (const id of [
      'RDS_STORAGE_ENCRYPTED',
      'S3_BUCKET_SSL_REQUESTS_ONLY',
      'CW_LOGGROUP_RETENTION_PERIOD_CHECK',
      'API_GW_ASSOCIATED_WITH_WAF',
      'ELASTICACHE_REPL_GRP_ENCRYPTED_IN_TRANSIT',
    ])
      assert.ok(ids.includes(id), id);
  };
  passesAndCatches(check, audit, (t) => delete t.Resources.ConfigRecorder.Condition);
  passesAndCatches(check, audit, (t) => (t.Resources.RdsStorageEncryptedRule.Condition = 'IsConfigRecorderCreated'));
});

test('the root exports what a user needs, and nothing else is reachable without going through a layer output', () => {
  const root = generated('root');
  for (const name of ['ApiUrl', 'LoadBalancerDnsName', 'DatabaseEndpoint', 'CacheEndpoint', 'StreamName', 'AlarmTopicArn']) assert.ok(root.Outputs![name], name);
  assert.equal(LAYERS.length, 12);
});
