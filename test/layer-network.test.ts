// network layer: tiers, isolation of the isolated tier, flow logs, endpoints, chained SGs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generated, resourcesOfType, passesAndCatches, type CfnTemplate } from './lib/templates.js';

const net = generated('network');
const ref = (v: any): string | undefined => v?.Ref ?? v?.['Fn::GetAtt']?.[0];

test('three subnets per tier, one per AZ, none assigning public IPs', () => {
  for (const tier of ['Public', 'Private', 'Isolated']) {
    const subnets = [1, 2, 3].map((i) => net.Resources[`${tier}Subnet${i}`]);
    subnets.forEach((s, i) => {
      assert.deepEqual(s.Properties.AvailabilityZone, { 'Fn::Select': [i, { 'Fn::GetAZs': '' }] });
      assert.equal(s.Properties.MapPublicIpOnLaunch, false);
    });
  }
});

test('the isolated tier has no route out of the VPC', () => {
  const check = (t: CfnTemplate) => {
    const isolatedTables = new Set(
      resourcesOfType(t, 'AWS::EC2::SubnetRouteTableAssociation')
        .filter(([, a]) => /^Isolated/.test(ref(a.Properties.SubnetId) ?? ''))
        .map(([, a]) => ref(a.Properties.RouteTableId)),
    );
    assert.equal(isolatedTables.size, 1);
    for (const [id, route] of resourcesOfType(t, 'AWS::EC2::Route')) {
      assert.ok(!isolatedTables.has(ref(route.Properties.RouteTableId)), `${id} adds a route to the isolated route table`);
    }
    for (const [id, ep] of resourcesOfType(t, 'AWS::EC2::VPCEndpoint')) {
      for (const rt of ep.Properties.RouteTableIds ?? []) assert.ok(!isolatedTables.has(ref(rt)), `${id} routes from the isolated tier`);
    }
  };
  passesAndCatches(check, net, (t) => {
    t.Resources.IsolatedNatRoute = {
      Type: 'AWS::EC2::Route',
      Properties: { RouteTableId: { Ref: 'IsolatedRouteTable' }, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: { Ref: 'NatGateway1' } },
    };
  });
});

test('the isolated tier NACL admits only the data ports from the private tier and its own traffic', () => {
  const check = (t: CfnTemplate) => {
    const entries = resourcesOfType(t, 'AWS::EC2::NetworkAclEntry').map(([, e]) => e.Properties);
    assert.ok(entries.length > 0, 'the isolated NACL has entries');
    // The tier's own block: what the egress entry that is not the replies to the private tier names.
    const privateBlock = JSON.stringify(t.Resources.IsolatedNaclInPostgresFromPrivate.Properties.CidrBlock);
    for (const e of entries) {
      assert.notEqual(e.CidrBlock, '0.0.0.0/0', 'no NACL rule for the internet');
      assert.equal(e.Protocol, 6, `isolated NACL entries are TCP only (got protocol ${e.Protocol})`);
      if (!e.Egress && JSON.stringify(e.CidrBlock) === privateBlock)
        assert.ok(
          [5432, 6379].includes(e.PortRange.From) && e.PortRange.From === e.PortRange.To,
          `isolated NACL ingress from the private tier only on 5432 or 6379, one port per entry (got ${e.PortRange.From}-${e.PortRange.To})`,
        );
    }
    const associated = resourcesOfType(t, 'AWS::EC2::SubnetNetworkAclAssociation')
      .map(([, a]) => ref(a.Properties.SubnetId))
      .sort();
    assert.deepEqual(associated, ['IsolatedSubnet1', 'IsolatedSubnet2', 'IsolatedSubnet3']);
  };
  passesAndCatches(check, net, (t) => (t.Resources.IsolatedNaclInPostgresFromPrivate.Properties.CidrBlock = '0.0.0.0/0'));
  passesAndCatches(check, net, (t) => (t.Resources.IsolatedNaclInRedisFromPrivate.Properties.PortRange = { From: 0, To: 65535 }));
  passesAndCatches(check, net, (t) => (t.Resources.IsolatedNaclInWithinTier.Properties.Protocol = -1));
});

test('no security group admits 0.0.0.0/0, and the data tiers admit only the app tier on their port', () => {
  const check = (t: CfnTemplate) => {
    const ingress = [
      ...resourcesOfType(t, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => ({ group: ref(r.Properties.GroupId), ...r.Properties })),
      ...resourcesOfType(t, 'AWS::EC2::SecurityGroup').flatMap(([id, sg]) => (sg.Properties.SecurityGroupIngress ?? []).map((r: any) => ({ group: id, ...r }))),
    ];
    for (const rule of ingress) {
      assert.ok(rule.CidrIp !== '0.0.0.0/0' && rule.CidrIpv6 !== '::/0', `${rule.group} open to the internet`);
      assert.ok(!rule.CidrIp, `${rule.group}: CIDR-wide ingress ${rule.CidrIp}; reference a security group instead`);
    }
    // The cache also admits the rotation function, which tests the new Redis AUTH token (an exception
    // registered beside the cache: PCI-SEG-002 suppressed with its reason).
    const expected: Record<string, [number, string[]]> = {
      DatabaseSecurityGroup: [5432, ['AppSecurityGroup']],
      CacheSecurityGroup: [6379, ['AppSecurityGroup', 'RotationSecurityGroup']],
      EfsSecurityGroup: [2049, ['AppSecurityGroup']],
    };
    for (const [group, [port, sources]] of Object.entries(expected)) {
      const rules = ingress.filter((r) => r.group === group);
      assert.deepEqual(rules.map((r) => ref(r.SourceSecurityGroupId)).sort(), sources, `${group}: ingress only from ${sources.join(', ')}`);
      for (const rule of rules) assert.deepEqual([rule.FromPort, rule.ToPort], [port, port], `${group}: port ${port} only`);
    }
  };
  passesAndCatches(
    check,
    net,
    (t) =>
      (t.Resources.AppToDatabaseIngress.Properties = {
        ...t.Resources.AppToDatabaseIngress.Properties,
        SourceSecurityGroupId: undefined,
        CidrIp: { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] },
      }),
  );
  passesAndCatches(check, net, (t) => (t.Resources.AppSecurityGroup.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }]));
});

test('every security group starts with no egress (default allow-all replaced)', () => {
  for (const [id, sg] of resourcesOfType(net, 'AWS::EC2::SecurityGroup')) {
    assert.deepEqual(
      sg.Properties.SecurityGroupEgress.map((r: any) => r.CidrIp),
      ['255.255.255.255/32'],
      id,
    );
  }
});

test('VPC flow logs capture ALL traffic into a KMS-encrypted group kept at least 365 days', () => {
  const check = (t: CfnTemplate) => {
    const [[, flowLog]] = resourcesOfType(t, 'AWS::EC2::FlowLog');
    assert.equal(flowLog.Properties.TrafficType, 'ALL');
    const group = t.Resources[ref(flowLog.Properties.LogGroupName)!];
    assert.deepEqual(group.Properties.KmsKeyId, { Ref: 'LogsKeyArn' });
    const retention = t.Parameters![group.Properties.RetentionInDays.Ref];
    assert.ok(retention.AllowedValues.every((d: number) => d >= 365) && retention.Default >= 365, 'flow log retention: every allowed value and the default at least 365 days');
    assert.equal(group.DeletionPolicy, 'RetainExceptOnCreate', 'flow log group kept once created');
  };
  passesAndCatches(check, net, (t) => (t.Resources.VpcFlowLog.Properties.TrafficType = 'REJECT'));
  passesAndCatches(check, net, (t) => t.Parameters!.LogRetentionDays.AllowedValues.push(90));
  passesAndCatches(check, net, (t) => delete t.Resources.FlowLogGroup.Properties.KmsKeyId);
});

test('interface endpoints use private DNS in the private tier; S3 and DynamoDB have gateway endpoints', () => {
  const endpoints = resourcesOfType(net, 'AWS::EC2::VPCEndpoint');
  const services = endpoints.map(([, e]) => e.Properties.ServiceName['Fn::Sub'].replace('com.amazonaws.${AWS::Region}.', '')).sort();
  for (const s of ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'kms', 'kinesis-streams', 'sts', 'xray', 's3', 'dynamodb']) assert.ok(services.includes(s), s);
  for (const [id, e] of endpoints.filter(([, e]) => e.Properties.VpcEndpointType === 'Interface')) {
    assert.equal(e.Properties.PrivateDnsEnabled, true, id);
    assert.deepEqual(e.Properties.SubnetIds.map(ref), ['PrivateSubnet1', 'PrivateSubnet2', 'PrivateSubnet3'], id);
  }
});

test('the NAT gateway count is a parameter (1-3) and each AZ routes through its own NAT when present', () => {
  assert.deepEqual(net.Parameters!.NatGatewayCount.AllowedValues, [1, 2, 3]);
  assert.equal(net.Resources.NatGateway2.Condition, 'HasTwoOrMoreNatGateways');
  assert.equal(net.Resources.NatGateway3.Condition, 'HasThreeNatGateways');
  assert.deepEqual(net.Resources.PrivateDefaultRoute3.Properties.NatGatewayId['Fn::If'][1], { Ref: 'NatGateway3' });
});
