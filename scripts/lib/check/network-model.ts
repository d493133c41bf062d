// The network as the templates declare it: subnets (tier from their route tables), route tables,
// NACLs, security-group rules (inline, separate Ingress/Egress resources, the implicit allow-all
// egress) and the resources that sit in subnets behind security groups.
import { contains, parseCidr, reachesPublicAddresses, type Cidr } from './cidr.js';
import { resourceKey, show, type CheckContext, type EvaluatedResource } from './rule-context.js';
import { intrinsicOf, substitute, textOf } from '../cfn/index.js';

export type Tier = 'public' | 'private' | 'isolated';

interface RouteInfo {
  readonly resource: EvaluatedResource;
  readonly destination: string;
  readonly target: 'local' | 'igw' | 'nat' | 'gateway-endpoint' | 'other';
  readonly targetLabel: string;
  /** The destination contains internet addresses (or cannot be resolved). */
  readonly toInternet: boolean;
}

export interface SubnetInfo {
  readonly resource: EvaluatedResource;
  readonly label: string;
  readonly cidr?: Cidr;
  /** 0-based index into Fn::GetAZs, when the template picks the AZ that way. */
  readonly az?: number;
  /** The Tier tag (Public/Private/Isolated), what the author says the subnet is. */
  readonly declared?: Tier;
  /** What its routes make it: 0.0.0.0/0 → IGW is public, → NAT (or any other gateway) private, none isolated. */
  readonly effective: Tier;
  readonly routeTable?: EvaluatedResource;
  readonly routes: readonly RouteInfo[];
  readonly nacl?: EvaluatedResource;
}

export type Protocol = 'all' | 'tcp' | 'udp' | 'icmp' | string;

export type Peer =
  | { readonly kind: 'cidr'; readonly cidr: Cidr; readonly internet: boolean }
  | { readonly kind: 'ipv6'; readonly text: string; readonly internet: true }
  | { readonly kind: 'sg'; readonly sg: EvaluatedResource }
  | { readonly kind: 'prefix-list'; readonly text: string }
  | { readonly kind: 'unknown'; readonly text: string };

export interface SgRule {
  readonly sg: EvaluatedResource;
  readonly direction: 'ingress' | 'egress';
  readonly protocol: Protocol;
  readonly from: number;
  readonly to: number;
  readonly peer: Peer;
  /** The resource that declares the rule (the group itself, or a SecurityGroupIngress/Egress). */
  readonly declaredBy: EvaluatedResource;
  readonly path: string;
}

type MemberKind = 'app' | 'load-balancer' | 'data-store' | 'endpoint' | 'function' | 'nat';

export interface Member {
  readonly resource: EvaluatedResource;
  readonly kind: MemberKind;
  readonly label: string;
  readonly subnets: readonly SubnetInfo[];
  readonly groups: readonly EvaluatedResource[];
  /** Ports it listens on. */
  readonly ports: readonly number[];
  /** Has an address reachable from the internet (public IP, internet-facing scheme). */
  readonly publicAddress: boolean;
  /** For data stores: the engine (postgres, redis, efs …). */
  readonly service?: string;
  /** For EFS mount targets: the file system (the data store proper). */
  readonly dataStore?: EvaluatedResource;
}

export interface NetworkModel {
  readonly vpcCidrs: readonly Cidr[];
  readonly subnets: readonly SubnetInfo[];
  readonly groups: readonly EvaluatedResource[];
  readonly rules: readonly SgRule[];
  readonly members: readonly Member[];
  readonly naclEntries: ReadonlyMap<string, readonly NaclEntry[]>;
}

interface NaclEntry {
  readonly resource: EvaluatedResource;
  readonly ruleNumber: number;
  readonly egress: boolean;
  readonly allow: boolean;
  readonly protocol: Protocol;
  readonly from: number;
  readonly to: number;
  readonly cidr?: Cidr;
}

const PROTOCOLS: Record<string, Protocol> = { '-1': 'all', all: 'all', tcp: 'tcp', '6': 'tcp', udp: 'udp', '17': 'udp', icmp: 'icmp', '1': 'icmp' };
export const protocolOf = (value: unknown): Protocol => PROTOCOLS[String(value ?? '-1').toLowerCase()] ?? String(value);

export const sgLabel = (sg: EvaluatedResource): string => `${sg.logicalId.replace(/(SecurityGroup|Group|Sg)$/, '') || sg.logicalId} SG`;

function portRange(protocol: Protocol, from: unknown, to: unknown): [number, number] {
  if (protocol === 'all') return [0, 65535];
  const f = Number(from);
  const t = Number(to);
  if (protocol === 'icmp') return [Number.isFinite(f) ? f : -1, Number.isFinite(t) ? t : -1];
  if (!Number.isFinite(f) || f < 0) return [0, 65535];
  return [f, Number.isFinite(t) && t >= 0 ? t : f];
}

export function formatPorts(protocol: Protocol, from: number, to: number): string {
  if (protocol === 'all' || (from <= 0 && to >= 65535)) return 'all';
  if (protocol === 'icmp') return from === -1 ? 'all types' : `type ${from}`;
  return from === to ? String(from) : `${from}-${to}`;
}

/** A CIDR-valued property: a literal, a parameter value, or the CidrBlock attribute of a VPC or subnet. */
function cidrOf(ctx: CheckContext, from: EvaluatedResource, value: unknown): Cidr | undefined {
  const direct = parseCidr(value);
  if (direct) return direct;
  const target = ctx.resolve(from, value);
  if (target.kind === 'literal') return parseCidr(target.value);
  if (target.kind === 'resource' && /CidrBlock/.test(target.attribute ?? '')) return parseCidr(target.resource.properties.CidrBlock);
  return undefined;
}

function azIndex(value: unknown): number | undefined {
  const select = intrinsicOf(value);
  if (select?.fn === 'Fn::Select' && Array.isArray(select.args) && intrinsicOf(select.args[1])?.fn === 'Fn::GetAZs') return Number(select.args[0]);
  if (typeof value === 'string' && /[a-z]$/.test(value)) return value.charCodeAt(value.length - 1) - 97;
  return undefined;
}

const TIERS: Record<string, Tier> = { public: 'public', private: 'private', isolated: 'isolated' };

function routeTarget(ctx: CheckContext, route: EvaluatedResource): Pick<RouteInfo, 'target' | 'targetLabel'> {
  const p = route.properties;
  const named = (value: unknown): string => {
    const t = ctx.resolve(route, value);
    return t.kind === 'resource' ? t.resource.logicalId : show(value);
  };
  if (p.GatewayId !== undefined) {
    if (p.GatewayId === 'local') return { target: 'local', targetLabel: 'local' };
    const gateway = ctx.resolveResource(route, p.GatewayId);
    if (gateway?.type === 'AWS::EC2::InternetGateway' || gateway === undefined) return { target: 'igw', targetLabel: `internet gateway ${named(p.GatewayId)}` };
    return { target: 'other', targetLabel: `gateway ${gateway.logicalId}` };
  }
  if (p.NatGatewayId !== undefined) return { target: 'nat', targetLabel: `NAT gateway ${named(p.NatGatewayId)}` };
  for (const key of [
    'TransitGatewayId',
    'VpcPeeringConnectionId',
    'InstanceId',
    'NetworkInterfaceId',
    'EgressOnlyInternetGatewayId',
    'VpcEndpointId',
    'CarrierGatewayId',
    'LocalGatewayId',
  ]) {
    if (p[key] !== undefined)
      return { target: key === 'EgressOnlyInternetGatewayId' || key === 'CarrierGatewayId' ? 'igw' : 'other', targetLabel: `${key.replace(/Id$/, '')} ${named(p[key])}` };
  }
  return { target: 'other', targetLabel: 'unknown target' };
}

function routesByTable(ctx: CheckContext): Map<string, RouteInfo[]> {
  const byTable = new Map<string, RouteInfo[]>();
  const add = (table: EvaluatedResource | undefined, info: RouteInfo): void => {
    if (!table) return;
    const list = byTable.get(resourceKey(table)) ?? [];
    list.push(info);
    byTable.set(resourceKey(table), list);
  };
  for (const route of ctx.resources('AWS::EC2::Route')) {
    const p = route.properties;
    const destination = p.DestinationCidrBlock ?? p.DestinationIpv6CidrBlock ?? p.DestinationPrefixListId;
    const cidr = parseCidr(destination);
    const toInternet = cidr ? reachesPublicAddresses(cidr) : p.DestinationIpv6CidrBlock !== undefined || p.DestinationPrefixListId === undefined;
    add(ctx.resolveResource(route, p.RouteTableId, 'AWS::EC2::RouteTable'), {
      resource: route,
      destination: typeof destination === 'string' ? destination : show(destination),
      toInternet,
      ...routeTarget(ctx, route),
    });
  }
  for (const endpoint of ctx.resources('AWS::EC2::VPCEndpoint')) {
    if (endpoint.properties.VpcEndpointType !== 'Gateway' && endpoint.properties.VpcEndpointType !== undefined) continue;
    const service = show(endpoint.properties.ServiceName);
    for (const table of ctx.resolveResources(endpoint, endpoint.properties.RouteTableIds ?? [])) {
      add(table, {
        resource: endpoint,
        destination: `prefix list of ${service}`,
        target: 'gateway-endpoint',
        targetLabel: `gateway endpoint ${endpoint.logicalId}`,
        toInternet: false,
      });
    }
  }
  return byTable;
}

function subnetsOf(ctx: CheckContext): SubnetInfo[] {
  const routes = routesByTable(ctx);
  const tableOf = new Map<string, EvaluatedResource>();
  for (const a of ctx.resources('AWS::EC2::SubnetRouteTableAssociation')) {
    const subnet = ctx.resolveResource(a, a.properties.SubnetId, 'AWS::EC2::Subnet');
    const table = ctx.resolveResource(a, a.properties.RouteTableId, 'AWS::EC2::RouteTable');
    if (subnet && table) tableOf.set(resourceKey(subnet), table);
  }
  const naclOf = new Map<string, EvaluatedResource>();
  for (const a of ctx.resources('AWS::EC2::SubnetNetworkAclAssociation')) {
    const subnet = ctx.resolveResource(a, a.properties.SubnetId, 'AWS::EC2::Subnet');
    const nacl = ctx.resolveResource(a, a.properties.NetworkAclId, 'AWS::EC2::NetworkAcl');
    if (subnet && nacl) naclOf.set(resourceKey(subnet), nacl);
  }
  return ctx.resources('AWS::EC2::Subnet').map((resource) => {
    const table = tableOf.get(resourceKey(resource));
    const own = table ? (routes.get(resourceKey(table)) ?? []) : [];
    const internet = own.filter((r) => r.toInternet);
    const effective: Tier = internet.some((r) => r.target === 'igw')
      ? 'public'
      : internet.some((r) => r.target !== 'local' && r.target !== 'gateway-endpoint')
        ? 'private'
        : 'isolated';
    const tierTag = ctx.tags(resource)?.get('Tier');
    return {
      resource,
      label: resource.logicalId,
      cidr: parseCidr(resource.properties.CidrBlock),
      az: azIndex(resource.properties.AvailabilityZone),
      declared: typeof tierTag === 'string' ? TIERS[tierTag.toLowerCase()] : undefined,
      effective,
      routeTable: table,
      routes: own,
      nacl: naclOf.get(resourceKey(resource)),
    };
  });
}

function peerOf(ctx: CheckContext, rule: Record<string, unknown>, owner: EvaluatedResource, direction: 'ingress' | 'egress'): Peer {
  const cidrValue = rule.CidrIp;
  if (cidrValue !== undefined) {
    const cidr = cidrOf(ctx, owner, cidrValue);
    return cidr ? { kind: 'cidr', cidr, internet: reachesPublicAddresses(cidr) } : { kind: 'unknown', text: `CIDR ${show(cidrValue)}` };
  }
  if (rule.CidrIpv6 !== undefined) return { kind: 'ipv6', text: String(show(rule.CidrIpv6)), internet: true };
  const groupValue = direction === 'ingress' ? (rule.SourceSecurityGroupId ?? rule.SourceSecurityGroupName) : rule.DestinationSecurityGroupId;
  if (groupValue !== undefined) {
    const sg = ctx.resolveResource(owner, groupValue, 'AWS::EC2::SecurityGroup');
    return sg ? { kind: 'sg', sg } : { kind: 'unknown', text: `security group ${show(groupValue)}` };
  }
  const prefixList = direction === 'ingress' ? rule.SourcePrefixListId : rule.DestinationPrefixListId;
  if (prefixList !== undefined) return { kind: 'prefix-list', text: show(prefixList) };
  return { kind: 'unknown', text: 'no peer' };
}

function sgRules(ctx: CheckContext): SgRule[] {
  const out: SgRule[] = [];
  const push = (sg: EvaluatedResource, direction: 'ingress' | 'egress', rule: Record<string, unknown>, declaredBy: EvaluatedResource, path: string): void => {
    const protocol = protocolOf(rule.IpProtocol);
    const [from, to] = portRange(protocol, rule.FromPort, rule.ToPort);
    out.push({ sg, direction, protocol, from, to, peer: peerOf(ctx, rule, declaredBy, direction), declaredBy, path });
  };
  for (const sg of ctx.resources('AWS::EC2::SecurityGroup')) {
    const ingress = sg.properties.SecurityGroupIngress;
    const egress = sg.properties.SecurityGroupEgress;
    (Array.isArray(ingress) ? ingress : []).forEach((r, i) => push(sg, 'ingress', r as Record<string, unknown>, sg, `Properties.SecurityGroupIngress[${i}]`));
    if (egress === undefined) push(sg, 'egress', { IpProtocol: '-1', CidrIp: '0.0.0.0/0' }, sg, 'Properties.SecurityGroupEgress (absent: AWS adds allow-all egress)');
    else (Array.isArray(egress) ? egress : []).forEach((r, i) => push(sg, 'egress', r as Record<string, unknown>, sg, `Properties.SecurityGroupEgress[${i}]`));
  }
  for (const [type, direction] of [
    ['AWS::EC2::SecurityGroupIngress', 'ingress'],
    ['AWS::EC2::SecurityGroupEgress', 'egress'],
  ] as const) {
    for (const r of ctx.resources(type)) {
      const sg = ctx.resolveResource(r, r.properties.GroupId ?? ('GroupName' in r.properties ? r.properties.GroupName : undefined), 'AWS::EC2::SecurityGroup');
      if (sg) push(sg, direction, r.properties, r, 'Properties');
    }
  }
  return out;
}

/** "com.amazonaws.${AWS::Region}.ecr.api" → "ecr.api". */
function endpointService(value: unknown): string {
  const text = textOf(value);
  if (text === undefined) return show(value);
  const regional = substitute(text, (v) => (v.name === 'AWS::Region' ? 'region' : undefined)).text;
  return regional.replace(/^com\.amazonaws\.[a-z0-9-]+\./, '');
}

const ENGINE_PORTS: [RegExp, number][] = [
  [/postgres/, 5432],
  [/mysql|mariadb/, 3306],
  [/oracle/, 1521],
  [/sqlserver/, 1433],
  [/db2/, 50000],
];

function subnetsFrom(ctx: CheckContext, from: EvaluatedResource, value: unknown, byKey: Map<string, SubnetInfo>): SubnetInfo[] {
  return ctx.resolveResources(from, value ?? []).flatMap((r) => byKey.get(resourceKey(r)) ?? []);
}

function groupsFrom(ctx: CheckContext, from: EvaluatedResource, value: unknown): EvaluatedResource[] {
  return ctx.resolveResources(from, value ?? []).filter((r) => r.type === 'AWS::EC2::SecurityGroup');
}

function membersOf(ctx: CheckContext, subnets: SubnetInfo[]): Member[] {
  const byKey = new Map(subnets.map((s) => [resourceKey(s.resource), s]));
  const members: Member[] = [];
  for (const service of ctx.resources('AWS::ECS::Service')) {
    const vpc = ((service.properties.NetworkConfiguration as Record<string, unknown> | undefined)?.AwsvpcConfiguration ?? {}) as Record<string, unknown>;
    const taskDefinition = ctx.resolveResource(service, service.properties.TaskDefinition, 'AWS::ECS::TaskDefinition');
    const containers = (taskDefinition?.properties.ContainerDefinitions ?? []) as Record<string, unknown>[];
    const ports = new Set<number>();
    for (const c of containers)
      for (const m of (c.PortMappings ?? []) as Record<string, unknown>[]) if (Number.isFinite(Number(m.ContainerPort))) ports.add(Number(m.ContainerPort));
    for (const lb of (service.properties.LoadBalancers ?? []) as Record<string, unknown>[]) if (Number.isFinite(Number(lb.ContainerPort))) ports.add(Number(lb.ContainerPort));
    members.push({
      resource: service,
      kind: 'app',
      label: `ECS service ${service.logicalId}`,
      subnets: subnetsFrom(ctx, service, vpc.Subnets, byKey),
      groups: groupsFrom(ctx, service, vpc.SecurityGroups),
      ports: [...ports].sort((a, b) => a - b),
      publicAddress: vpc.AssignPublicIp === 'ENABLED',
    });
  }
  for (const lb of ctx.resources('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    const mappings = ((lb.properties.SubnetMappings ?? []) as Record<string, unknown>[]).map((m) => m.SubnetId);
    const listeners = ctx
      .referrers(lb, 'AWS::ElasticLoadBalancingV2::Listener')
      .map((r) => Number(r.from.properties.Port))
      .filter(Number.isFinite);
    members.push({
      resource: lb,
      kind: 'load-balancer',
      label: `${lb.properties.Type === 'network' ? 'NLB' : lb.properties.Type === 'gateway' ? 'GWLB' : 'ALB'} ${lb.logicalId}`,
      subnets: subnetsFrom(ctx, lb, lb.properties.Subnets ?? mappings, byKey),
      groups: groupsFrom(ctx, lb, lb.properties.SecurityGroups),
      ports: [...new Set(listeners)].sort((a, b) => a - b),
      publicAddress: lb.properties.Scheme !== 'internal',
    });
  }
  for (const db of ctx.resources('AWS::RDS::DBInstance')) {
    const group = ctx.resolveResource(db, db.properties.DBSubnetGroupName, 'AWS::RDS::DBSubnetGroup');
    const engine = String(db.properties.Engine ?? '');
    const port = Number(db.properties.Port ?? ENGINE_PORTS.find(([re]) => re.test(engine))?.[1] ?? 5432);
    members.push({
      resource: db,
      kind: 'data-store',
      label: `RDS ${db.logicalId}`,
      subnets: group ? subnetsFrom(ctx, group, group.properties.SubnetIds, byKey) : [],
      groups: groupsFrom(ctx, db, db.properties.VPCSecurityGroups),
      ports: [port],
      publicAddress: db.properties.PubliclyAccessible === true || db.properties.PubliclyAccessible === 'true',
      service: engine || 'postgres',
    });
  }
  for (const cache of ctx.resources('AWS::ElastiCache::ReplicationGroup')) {
    const group = ctx.resolveResource(cache, cache.properties.CacheSubnetGroupName, 'AWS::ElastiCache::SubnetGroup');
    const engine = String(cache.properties.Engine ?? 'redis');
    members.push({
      resource: cache,
      kind: 'data-store',
      label: `ElastiCache ${cache.logicalId}`,
      subnets: group ? subnetsFrom(ctx, group, group.properties.SubnetIds, byKey) : [],
      groups: groupsFrom(ctx, cache, cache.properties.SecurityGroupIds),
      ports: [Number(cache.properties.Port ?? (engine === 'memcached' ? 11211 : 6379))],
      publicAddress: false,
      service: engine,
    });
  }
  for (const mount of ctx.resources('AWS::EFS::MountTarget')) {
    const fs = ctx.resolveResource(mount, mount.properties.FileSystemId, 'AWS::EFS::FileSystem');
    members.push({
      resource: mount,
      kind: 'data-store',
      label: `EFS ${fs?.logicalId ?? mount.logicalId}`,
      subnets: subnetsFrom(ctx, mount, [mount.properties.SubnetId], byKey),
      groups: groupsFrom(ctx, mount, mount.properties.SecurityGroups),
      ports: [2049],
      publicAddress: false,
      service: 'efs',
      dataStore: fs,
    });
  }
  for (const endpoint of ctx.resources('AWS::EC2::VPCEndpoint')) {
    if (endpoint.properties.VpcEndpointType !== 'Interface') continue;
    const service = endpointService(endpoint.properties.ServiceName);
    members.push({
      resource: endpoint,
      kind: 'endpoint',
      label: `endpoint ${endpoint.logicalId}`,
      subnets: subnetsFrom(ctx, endpoint, endpoint.properties.SubnetIds, byKey),
      groups: groupsFrom(ctx, endpoint, endpoint.properties.SecurityGroupIds),
      ports: [443],
      publicAddress: false,
      service,
    });
  }
  for (const fn of ctx.resources('AWS::Lambda::Function')) {
    const vpc = fn.properties.VpcConfig as Record<string, unknown> | undefined;
    if (!vpc) continue;
    members.push({
      resource: fn,
      kind: 'function',
      label: `Lambda ${fn.logicalId}`,
      subnets: subnetsFrom(ctx, fn, vpc.SubnetIds, byKey),
      groups: groupsFrom(ctx, fn, vpc.SecurityGroupIds),
      ports: [],
      publicAddress: false,
    });
  }
  for (const nat of ctx.resources('AWS::EC2::NatGateway')) {
    members.push({
      resource: nat,
      kind: 'nat',
      label: `NAT ${nat.logicalId}`,
      subnets: subnetsFrom(ctx, nat, [nat.properties.SubnetId], byKey),
      groups: [],
      ports: [],
      publicAddress: nat.properties.ConnectivityType !== 'private',
    });
  }
  return members;
}

function naclEntries(ctx: CheckContext): Map<string, NaclEntry[]> {
  const out = new Map<string, NaclEntry[]>();
  for (const e of ctx.resources('AWS::EC2::NetworkAclEntry')) {
    const nacl = ctx.resolveResource(e, e.properties.NetworkAclId, 'AWS::EC2::NetworkAcl');
    if (!nacl) continue;
    const protocol = protocolOf(e.properties.Protocol);
    const range = (e.properties.PortRange ?? {}) as Record<string, unknown>;
    const [from, to] = protocol === 'tcp' || protocol === 'udp' ? portRange(protocol, range.From, range.To) : [0, 65535];
    const list = out.get(resourceKey(nacl)) ?? [];
    list.push({
      resource: e,
      ruleNumber: Number(e.properties.RuleNumber),
      egress: e.properties.Egress === true || e.properties.Egress === 'true',
      allow: String(e.properties.RuleAction).toLowerCase() === 'allow',
      protocol,
      from,
      to,
      cidr: e.properties.Ipv6CidrBlock !== undefined ? undefined : cidrOf(ctx, e, e.properties.CidrBlock),
    });
    out.set(
      resourceKey(nacl),
      list.sort((a, b) => a.ruleNumber - b.ruleNumber),
    );
  }
  return out;
}

/**
 * Whether a subnet's NACL lets some address of `peer` through on protocol/port in one direction.
 * Entries are evaluated in rule-number order, first match wins, the final entry denies.
 */
export function naclAllows(model: NetworkModel, subnet: SubnetInfo, egress: boolean, peer: Cidr, protocol: Protocol, port: number): boolean {
  if (!subnet.nacl) return true; // the VPC's default NACL allows everything
  let remaining: [number, number][] = [[peer.start, peer.end]];
  for (const entry of model.naclEntries.get(resourceKey(subnet.nacl)) ?? []) {
    if (entry.egress !== egress || !entry.cidr) continue;
    if (entry.protocol !== 'all' && entry.protocol !== protocol) continue;
    if ((entry.protocol === 'tcp' || entry.protocol === 'udp') && (port < entry.from || port > entry.to)) continue;
    const next: [number, number][] = [];
    for (const [start, end] of remaining) {
      const s = Math.max(start, entry.cidr.start);
      const e = Math.min(end, entry.cidr.end);
      if (s > e) {
        next.push([start, end]);
        continue;
      }
      if (entry.allow) return true;
      if (start < s) next.push([start, s - 1]);
      if (e < end) next.push([e + 1, end]);
    }
    remaining = next;
    if (remaining.length === 0) return false;
  }
  return false;
}

export function buildNetworkModel(ctx: CheckContext): NetworkModel {
  const subnets = subnetsOf(ctx);
  const vpcCidrs = ctx.resources('AWS::EC2::VPC').flatMap((v) => parseCidr(v.properties.CidrBlock) ?? []);
  return { vpcCidrs, subnets, groups: ctx.resources('AWS::EC2::SecurityGroup'), rules: sgRules(ctx), members: membersOf(ctx, subnets), naclEntries: naclEntries(ctx) };
}

/** Human name of a CIDR in this network: the internet, the VPC, a tier, a subnet, or the CIDR itself. */
export function cidrLabel(model: NetworkModel, cidr: Cidr): string {
  if (cidr.prefix === 0) return 'internet (0.0.0.0/0)';
  if (model.vpcCidrs.some((v) => v.start === cidr.start && v.end === cidr.end)) return `whole VPC (${cidr.text})`;
  const subnet = model.subnets.find((s) => s.cidr && s.cidr.start === cidr.start && s.cidr.end === cidr.end);
  if (subnet) return `subnet ${subnet.label} (${cidr.text})`;
  const inside = model.subnets.filter((s) => s.cidr && contains(cidr, s.cidr));
  const tiers = [...new Set(inside.map((s) => s.declared ?? s.effective))];
  if (inside.length > 0 && tiers.length === 1) return `${tiers[0]} tier (${cidr.text})`;
  return reachesPublicAddresses(cidr) ? `internet range ${cidr.text}` : cidr.text;
}
