// Segmentation proof (PCI DSS 1.2–1.4) over one evaluation context. From the network model
// (subnets and their tiers, routes, NACLs, security-group rules, members) and the front door
// (API Gateway → VPC link → NLB) it derives the allowed flows and proves three properties:
//   1. from the internet only the front door is reachable, and only on 443;
//   2. each data store (RDS, ElastiCache, EFS) admits only the app tier, on its own port;
//   3. the isolated tier has no route to the internet.
// A security-group rule is judged on what it admits, whether or not something is attached yet:
// an open rule is a finding before the resource that would make it reachable lands.
import type { Cidr } from './cidr.js';
import { resourceKey, type CheckContext, type EvaluatedResource } from './rule-context.js';
import { PSEUDO_PARAMETERS, subCall, substitute, wholeVariable } from '../cfn/index.js';
import { buildNetworkModel, cidrLabel, formatPorts, naclAllows, sgLabel, type Member, type NetworkModel, type Peer, type SgRule } from './network-model.js';

export interface Flow {
  readonly kind: 'front-door' | 'vpc-link' | 'internet-facing' | 'group' | 'cidr' | 'egress';
  readonly source: string;
  readonly destination: string;
  readonly port: string;
  readonly protocol: string;
  readonly via: string;
  /** Resources at either end (members of the security groups, the API, the load balancer), for the diagrams. */
  readonly from: readonly EvaluatedResource[];
  readonly to: readonly EvaluatedResource[];
}

interface PropertyFinding {
  readonly resource: EvaluatedResource;
  readonly holds: boolean;
  readonly message: string;
}

export type PropertyId = 'internet-ingress' | 'data-store-ingress' | 'isolated-tier';

export interface PropertyResult {
  readonly id: PropertyId;
  readonly title: string;
  /** False when the context has nothing the property speaks about. */
  readonly applicable: boolean;
  readonly note?: string;
  readonly findings: readonly PropertyFinding[];
}

interface FrontDoor {
  readonly api: EvaluatedResource;
  readonly internet: boolean;
  readonly stages: readonly { readonly stage: EvaluatedResource; readonly webAcls: readonly EvaluatedResource[] }[];
  readonly links: readonly { readonly link: EvaluatedResource; readonly targets: readonly EvaluatedResource[]; readonly port: number }[];
}

export interface Segmentation {
  readonly model: NetworkModel;
  readonly frontDoors: readonly FrontDoor[];
  readonly flows: readonly Flow[];
  readonly properties: Readonly<Record<PropertyId, PropertyResult>>;
}

// --- The front door ---------------------------------------------------------------------------

/** Text and variables of a Fn::Sub (or a plain string). */
const subParts = (value: unknown): { text: string; variables: Readonly<Record<string, unknown>> } | undefined =>
  typeof value === 'string' ? { text: value, variables: {} } : subCall(value);

const STAGE_ARN = /^arn:[^:]+:apigateway:[^:]*::\/restapis\/([^/]+)\/stages\/([^/]+)$/;

/**
 * The API Gateway stage a WAF association's ResourceArn names, when it is a stage ARN
 * (arn:…:apigateway:<region>::/restapis/<api>/stages/<stage>). An execute-api ARN or anything
 * else is not a stage, and WAF does not protect the API through it.
 */
export function associatedStage(ctx: CheckContext, association: EvaluatedResource): EvaluatedResource | undefined {
  const parts = subParts(association.properties.ResourceArn);
  if (!parts) return undefined;
  // Pseudo parameters contain "::" themselves; take them out before matching the ARN's fields.
  const match = STAGE_ARN.exec(substitute(parts.text, (v) => (PSEUDO_PARAMETERS.has(v.name) ? 'pseudo' : undefined)).text);
  if (!match) return undefined;
  const piece = (text: string): { resource?: EvaluatedResource; literal?: string } => {
    const variable = wholeVariable(text);
    if (!variable) return { literal: text };
    const value =
      variable.name in parts.variables
        ? parts.variables[variable.name]
        : variable.attribute === undefined
          ? { Ref: variable.name }
          : { 'Fn::GetAtt': [variable.target, variable.attribute] };
    const t = ctx.resolve(association, value);
    return t.kind === 'resource' ? { resource: t.resource } : t.kind === 'literal' ? { literal: String(t.value) } : {};
  };
  const api = piece(match[1]);
  const stage = piece(match[2]);
  if (stage.resource?.type === 'AWS::ApiGateway::Stage') return stage.resource;
  if (stage.literal !== undefined && api.resource) {
    return ctx.resources('AWS::ApiGateway::Stage').find((s) => s.properties.StageName === stage.literal && ctx.resolveResource(s, s.properties.RestApiId) === api.resource);
  }
  return undefined;
}

function integrationPort(uri: unknown): number {
  const text = subParts(uri)?.text ?? '';
  const explicit = /^[a-z]+:\/\/[^/:]+:(\d+)/i.exec(text);
  if (explicit) return Number(explicit[1]);
  return /^http:/i.test(text) ? 80 : 443;
}

function frontDoors(ctx: CheckContext): FrontDoor[] {
  const associations = ctx.resources('AWS::WAFv2::WebACLAssociation').map((a) => ({
    stage: associatedStage(ctx, a),
    acl: ctx.resolveResource(a, a.properties.WebACLArn, 'AWS::WAFv2::WebACL'),
  }));
  return ctx.resources('AWS::ApiGateway::RestApi').map((api) => {
    const types = ((api.properties.EndpointConfiguration as Record<string, unknown> | undefined)?.Types ?? ['EDGE']) as unknown[];
    const stages = ctx
      .referrers(api, 'AWS::ApiGateway::Stage')
      .map((r) => r.from)
      .filter((s) => ctx.resolveResource(s, s.properties.RestApiId) === api);
    const links = new Map<string, { link: EvaluatedResource; targets: EvaluatedResource[]; port: number }>();
    for (const method of ctx.referrers(api, 'AWS::ApiGateway::Method').map((r) => r.from)) {
      const integration = (method.properties.Integration ?? {}) as Record<string, unknown>;
      if (integration.ConnectionType !== 'VPC_LINK') continue;
      const link = ctx.resolveResource(method, integration.ConnectionId, 'AWS::ApiGateway::VpcLink');
      if (!link) continue;
      const port = integrationPort(integration.Uri);
      links.set(`${resourceKey(link)}:${port}`, { link, targets: ctx.resolveResources(link, link.properties.TargetArns ?? []), port });
    }
    return {
      api,
      internet: !types.map(String).includes('PRIVATE'),
      stages: stages.map((stage) => ({ stage, webAcls: associations.filter((a) => a.stage === stage && a.acl).map((a) => a.acl!) })),
      links: [...links.values()],
    };
  });
}

// --- Flows -------------------------------------------------------------------------------------

function membersByGroup(model: NetworkModel): Map<string, Member[]> {
  const out = new Map<string, Member[]>();
  for (const m of model.members) for (const g of m.groups) out.set(resourceKey(g), [...(out.get(resourceKey(g)) ?? []), m]);
  return out;
}

function describeMembers(members: readonly Member[]): string {
  if (members.length === 0) return 'nothing attached';
  const endpoints = members.filter((m) => m.kind === 'endpoint');
  const others = members
    .filter((m) => m.kind !== 'endpoint')
    .map((m) => (m.dataStore ? `${m.label} (${members.filter((x) => x.dataStore === m.dataStore).length} mount targets)` : m.label));
  if (endpoints.length > 2) others.push(`${endpoints.length} interface endpoints`);
  else others.push(...endpoints.map((m) => m.label));
  return [...new Set(others)].join(', ');
}

const portsOverlap = (a: SgRule, b: SgRule): boolean => (a.protocol === 'all' || b.protocol === 'all' || a.protocol === b.protocol) && a.from <= b.to && b.from <= a.to;

function intersect(a: SgRule, b: SgRule): { protocol: string; from: number; to: number } {
  const protocol = a.protocol === 'all' ? b.protocol : a.protocol;
  return { protocol, from: Math.max(a.from, b.from), to: Math.min(a.to, b.to) };
}

const subnetCidrs = (members: readonly Member[]): Cidr[] => members.flatMap((m) => m.subnets.flatMap((s) => (s.cidr ? [s.cidr] : [])));

/** Whether the NACLs between two member sets let a port through (true when subnets are unknown). */
function naclPermits(model: NetworkModel, sources: readonly Member[], destinations: readonly Member[], protocol: string, port: number): boolean {
  const srcSubnets = sources.flatMap((m) => m.subnets);
  const dstSubnets = destinations.flatMap((m) => m.subnets);
  if (srcSubnets.length === 0 || dstSubnets.length === 0) return true;
  return srcSubnets.some((s) =>
    dstSubnets.some((d) => {
      if (s === d || !s.cidr || !d.cidr) return true;
      return naclAllows(model, d, false, s.cidr, protocol, port) && naclAllows(model, s, true, d.cidr, protocol, port);
    }),
  );
}

/** Whether an egress rule of the source lets traffic reach the destination group. */
function egressReaches(egress: SgRule, destination: EvaluatedResource, destinationMembers: readonly Member[], model: NetworkModel): boolean {
  if (egress.peer.kind === 'sg') return egress.peer.sg === destination;
  if (egress.peer.kind !== 'cidr') return false;
  const peer = egress.peer.cidr;
  if (peer.prefix === 0) return true;
  const cidrs = subnetCidrs(destinationMembers);
  if (cidrs.length > 0) return cidrs.some((c) => peer.start <= c.end && c.start <= peer.end);
  return model.vpcCidrs.some((v) => peer.start <= v.start && v.end <= peer.end);
}

function viaText(rule: SgRule): string {
  return rule.declaredBy === rule.sg ? `${rule.sg.layer}/${rule.sg.logicalId} ${rule.path.replace(/^Properties\./, '')}` : `${rule.declaredBy.layer}/${rule.declaredBy.logicalId}`;
}

function routeOut(members: readonly Member[], toPrefixList = false): string {
  const subnets = members.flatMap((m) => m.subnets);
  if (subnets.length === 0) return 'route unknown (nothing attached)';
  // An AWS-managed prefix list (S3, DynamoDB) is routed by the gateway endpoints of the subnets'
  // route tables, which are more specific than the default route; the default route is the way
  // out only for a prefix list no gateway endpoint serves.
  const kind = toPrefixList && subnets.some((s) => s.routes.some((r) => r.target === 'gateway-endpoint')) ? 'gateway-endpoint' : undefined;
  const exits = [...new Set(subnets.flatMap((s) => s.routes.filter((r) => (kind ? r.target === kind : r.toInternet)).map((r) => r.targetLabel)))].sort();
  if (kind) return `${exits.join(', ')} (the prefix list of its service)`;
  return exits.length > 0 ? exits.join(', ') : 'no route out of the VPC (blocked)';
}

function computeFlows(ctx: CheckContext, model: NetworkModel, doors: readonly FrontDoor[]): Flow[] {
  const flows: Flow[] = [];
  const byGroup = membersByGroup(model);
  const membersOf = (sg: EvaluatedResource): Member[] => byGroup.get(resourceKey(sg)) ?? [];
  const groupText = (sg: EvaluatedResource): string => `${sgLabel(sg)} [${describeMembers(membersOf(sg))}]`;

  for (const door of doors) {
    const name = `API Gateway ${door.api.logicalId}`;
    if (door.internet) {
      const acls = door.stages.flatMap((s) => s.webAcls.map((a) => `WAF ${a.logicalId} on stage ${s.stage.logicalId}`));
      flows.push({
        kind: 'front-door',
        source: 'internet (0.0.0.0/0)',
        destination: name,
        port: '443',
        protocol: 'tcp (TLS)',
        via: acls.length > 0 ? acls.join(', ') : 'no WAF association',
        from: [],
        to: [door.api],
      });
    }
    for (const { link, targets, port } of door.links) {
      for (const target of targets)
        flows.push({
          kind: 'vpc-link',
          source: name,
          destination: `NLB ${target.logicalId}`,
          port: String(port),
          protocol: 'tcp',
          via: `VPC link ${link.logicalId} (PrivateLink)`,
          from: [door.api],
          to: [target],
        });
    }
  }
  for (const lb of ctx.resources('AWS::ElasticLoadBalancingV2::LoadBalancer').filter((l) => l.properties.Scheme !== 'internal')) {
    for (const listener of ctx.referrers(lb, 'AWS::ElasticLoadBalancingV2::Listener').map((r) => r.from)) {
      flows.push({
        kind: 'internet-facing',
        source: 'internet (0.0.0.0/0)',
        destination: `load balancer ${lb.logicalId}`,
        port: String(listener.properties.Port),
        protocol: String(listener.properties.Protocol ?? 'tcp').toLowerCase(),
        via: 'internet-facing scheme',
        from: [],
        to: [lb],
      });
    }
  }

  const egressBySg = new Map<string, SgRule[]>();
  for (const r of model.rules) if (r.direction === 'egress') egressBySg.set(resourceKey(r.sg), [...(egressBySg.get(resourceKey(r.sg)) ?? []), r]);

  for (const ingress of model.rules.filter((r) => r.direction === 'ingress')) {
    const destination = groupText(ingress.sg);
    const dstMembers = membersOf(ingress.sg);
    if (ingress.peer.kind === 'sg') {
      const source = ingress.peer.sg;
      const candidates = [...(egressBySg.get(resourceKey(source)) ?? [])].sort((a, b) => Number(b.peer.kind === 'sg') - Number(a.peer.kind === 'sg'));
      for (const egress of candidates) {
        if (!portsOverlap(ingress, egress) || !egressReaches(egress, ingress.sg, dstMembers, model)) continue;
        const { protocol, from, to } = intersect(ingress, egress);
        if (!naclPermits(model, membersOf(source), dstMembers, protocol, from)) continue;
        flows.push({
          kind: 'group',
          source: groupText(source),
          destination,
          port: formatPorts(protocol, from, to),
          protocol,
          via: `${viaText(ingress)} + ${viaText(egress)}`,
          from: membersOf(source).map((m) => m.resource),
          to: dstMembers.map((m) => m.resource),
        });
      }
    } else {
      const source = ingress.peer.kind === 'cidr' ? cidrLabel(model, ingress.peer.cidr) : ingress.peer.kind === 'ipv6' ? `IPv6 ${ingress.peer.text}` : ingress.peer.text;
      flows.push({
        kind: 'cidr',
        source,
        destination,
        port: formatPorts(ingress.protocol, ingress.from, ingress.to),
        protocol: ingress.protocol,
        via: viaText(ingress),
        from: [],
        to: dstMembers.map((m) => m.resource),
      });
    }
  }
  for (const egress of model.rules.filter((r) => r.direction === 'egress')) {
    const leaves =
      (egress.peer.kind === 'cidr' && !model.vpcCidrs.some((v) => egress.peer.kind === 'cidr' && v.start <= egress.peer.cidr.start && egress.peer.cidr.end <= v.end)) ||
      egress.peer.kind === 'ipv6' ||
      egress.peer.kind === 'prefix-list';
    if (!leaves) continue;
    const members = membersOf(egress.sg);
    const destination =
      egress.peer.kind === 'cidr'
        ? cidrLabel(model, egress.peer.cidr)
        : egress.peer.kind === 'ipv6'
          ? `IPv6 ${egress.peer.text}`
          : `prefix list ${egress.peer.kind === 'prefix-list' ? egress.peer.text : ''}`;
    if (egress.peer.kind === 'cidr' && egress.peer.cidr.prefix === 32 && egress.peer.cidr.text === '255.255.255.255/32') continue; // the "no egress" placeholder rule
    flows.push({
      kind: 'egress',
      source: groupText(egress.sg),
      destination,
      port: formatPorts(egress.protocol, egress.from, egress.to),
      protocol: egress.protocol,
      via: `${viaText(egress)}; ${routeOut(members, egress.peer.kind === 'prefix-list')}`,
      from: members.map((m) => m.resource),
      to: [],
    });
  }
  // One row per source, destination, port and protocol: the first (most specific) rule that allows it.
  const seen = new Set<string>();
  return flows
    .filter((f) => {
      const key = JSON.stringify([f.source, f.destination, f.port, f.protocol]);
      return seen.has(key) ? false : (seen.add(key), true);
    })
    .sort(
      (a, b) =>
        a.source.localeCompare(b.source) || a.destination.localeCompare(b.destination) || a.port.localeCompare(b.port, 'en', { numeric: true }) || a.via.localeCompare(b.via),
    );
}

// --- Property 1: only the front door, only on 443, from the internet ---------------------------

function peerText(peer: Peer): string {
  if (peer.kind === 'cidr') return peer.cidr.text;
  if (peer.kind === 'sg') return sgLabel(peer.sg);
  return peer.text;
}

function internetIngress(ctx: CheckContext, model: NetworkModel, doors: readonly FrontDoor[]): PropertyResult {
  const findings: PropertyFinding[] = [];
  const byGroup = membersByGroup(model);
  const openRules = new Map<string, SgRule[]>();
  for (const rule of model.rules) {
    if (rule.direction !== 'ingress') continue;
    const internet = (rule.peer.kind === 'cidr' && rule.peer.internet) || rule.peer.kind === 'ipv6';
    if (internet) openRules.set(resourceKey(rule.declaredBy), [...(openRules.get(resourceKey(rule.declaredBy)) ?? []), rule]);
  }
  for (const [, rules] of [...openRules].sort(([a], [b]) => a.localeCompare(b))) {
    const rule = rules[0];
    const members = byGroup.get(resourceKey(rule.sg)) ?? [];
    const what = rules.map((r) => `${r.protocol}/${formatPorts(r.protocol, r.from, r.to)} from ${peerText(r.peer)}`).join('; ');
    findings.push({
      resource: rule.declaredBy,
      holds: false,
      message: `${sgLabel(rule.sg)} admits ${what} (internet addresses) — ${members.length > 0 ? `exposes ${describeMembers(members)}` : 'nothing attached yet, but any resource that joins the group is exposed'}; only the front door (API Gateway behind WAF) may face the internet`,
    });
  }
  for (const m of model.members) {
    if (m.kind === 'load-balancer' && m.publicAddress)
      findings.push({
        resource: m.resource,
        holds: false,
        message: `${m.label} is internet-facing (Scheme is not "internal"): it is reachable from the internet beside the WAF-protected front door`,
      });
    else if (m.publicAddress && (m.kind === 'app' || m.kind === 'data-store'))
      findings.push({
        resource: m.resource,
        holds: false,
        message: `${m.label} gets a public address (${m.kind === 'app' ? 'AssignPublicIp ENABLED' : 'PubliclyAccessible true'}): reachable from the internet when its subnet routes to an internet gateway`,
      });
  }
  for (const door of doors.filter((d) => d.internet)) {
    findings.push({
      resource: door.api,
      holds: true,
      message: `front door: reachable from the internet on 443 (TLS) only${door.stages.some((s) => s.webAcls.length > 0) ? ', through WAF' : ''}`,
    });
  }
  const flagged = new Set([...findings.map((f) => resourceKey(f.resource)), ...[...openRules.values()].map((rules) => resourceKey(rules[0].sg))]);
  for (const sg of model.groups) {
    if (!flagged.has(resourceKey(sg))) findings.push({ resource: sg, holds: true, message: `${sgLabel(sg)} admits nothing from internet addresses` });
  }
  const applicable = model.groups.length > 0 || doors.length > 0 || model.members.some((m) => m.kind === 'load-balancer');
  const note = doors.some((d) => d.internet) ? undefined : 'no internet-facing front door in this context: nothing may be reachable from the internet';
  return { id: 'internet-ingress', title: 'From 0.0.0.0/0 only the front door is reachable, and only on 443', applicable, note, findings };
}

// --- Property 2: data stores admit only the app tier on their port -----------------------------

function dataStoreIngress(model: NetworkModel): PropertyResult {
  const findings: PropertyFinding[] = [];
  const appGroups = new Set(model.members.filter((m) => m.kind === 'app').flatMap((m) => m.groups.map(resourceKey)));
  const appKnown = appGroups.size > 0;
  const byGroup = membersByGroup(model);
  const nonApp = (sg: EvaluatedResource): boolean => (byGroup.get(resourceKey(sg)) ?? []).some((m) => m.kind !== 'app');
  // One finding per data store (EFS: per file system, over all its mount targets).
  const stores = new Map<string, Member[]>();
  for (const m of model.members.filter((x) => x.kind === 'data-store')) {
    const store = m.dataStore ?? m.resource;
    stores.set(resourceKey(store), [...(stores.get(resourceKey(store)) ?? []), m]);
  }
  for (const members of stores.values()) {
    const store = members[0].dataStore ?? members[0].resource;
    const port = members[0].ports[0];
    const label = members[0].label;
    const problems: string[] = [];
    const groups = [...new Map(members.flatMap((m) => m.groups).map((g) => [resourceKey(g), g])).values()];
    if (members.some((m) => m.groups.length === 0)) problems.push('no security group of its own (the VPC default group would apply)');
    const publicSubnets = members.flatMap((m) => m.subnets).filter((s) => s.effective === 'public');
    if (publicSubnets.length > 0) problems.push(`placed in public subnet(s) ${[...new Set(publicSubnets.map((s) => s.label))].join(', ')}`);
    const admitted: string[] = [];
    for (const rule of model.rules.filter((r) => r.direction === 'ingress' && groups.includes(r.sg))) {
      const ports = `${rule.protocol}/${formatPorts(rule.protocol, rule.from, rule.to)}`;
      const where = rule.declaredBy === rule.sg ? `${rule.sg.logicalId}.${rule.path.replace(/^Properties\./, '')}` : rule.declaredBy.logicalId;
      if (rule.peer.kind !== 'sg') {
        const source = rule.peer.kind === 'cidr' ? cidrLabel(model, rule.peer.cidr) : peerText(rule.peer);
        problems.push(`${where} admits ${ports} from ${source}: a CIDR rule admits every resource in that range, not just the app tier`);
        continue;
      }
      if (rule.protocol !== 'tcp' || rule.from !== port || rule.to !== port) problems.push(`${where} admits ${ports} from ${sgLabel(rule.peer.sg)}; only tcp/${port} is needed`);
      const fromApp = appKnown ? appGroups.has(resourceKey(rule.peer.sg)) : !nonApp(rule.peer.sg) && !groups.includes(rule.peer.sg);
      if (!fromApp)
        problems.push(
          `${where} admits ${sgLabel(rule.peer.sg)}, which is not the app tier${appKnown ? '' : ' (no ECS service in this context; the source is attached to other resources)'}`,
        );
      else admitted.push(sgLabel(rule.peer.sg));
    }
    const evidence =
      admitted.length > 0
        ? `reachable only from ${[...new Set(admitted)].join(', ')} on tcp/${port}${appKnown ? '' : ' (app tier inferred: no ECS service in this context)'}`
        : `admits nothing (no ingress rule on tcp/${port})`;
    findings.push({ resource: store, holds: problems.length === 0, message: problems.length === 0 ? `${label}: ${evidence}` : `${label}: ${problems.join('; ')}` });
  }
  return {
    id: 'data-store-ingress',
    title: 'Data stores (RDS, Redis, EFS) are reachable only from the app tier, on their own port',
    applicable: stores.size > 0,
    note: stores.size > 0 ? undefined : 'no data store (RDS, ElastiCache, EFS) in this context',
    findings,
  };
}

// --- Property 3: the isolated tier has no route to the internet --------------------------------

function isolatedTier(model: NetworkModel): PropertyResult {
  const findings: PropertyFinding[] = [];
  const dataSubnets = new Map<string, string[]>();
  for (const m of model.members.filter((x) => x.kind === 'data-store' && x.service !== 'efs')) {
    for (const s of m.subnets) dataSubnets.set(resourceKey(s.resource), [...(dataSubnets.get(resourceKey(s.resource)) ?? []), m.label]);
  }
  const reported = new Set<string>();
  for (const subnet of model.subnets) {
    const hosts = dataSubnets.get(resourceKey(subnet.resource));
    const mustBeIsolated = subnet.declared === 'isolated' || hosts !== undefined;
    const why = subnet.declared === 'isolated' ? 'declared Isolated' : `hosts ${hosts?.join(', ')}`;
    const exits = subnet.routes.filter((r) => r.toInternet && r.target !== 'local' && r.target !== 'gateway-endpoint');
    if (mustBeIsolated) {
      if (exits.length === 0) {
        findings.push({
          resource: subnet.resource,
          holds: true,
          message: `${subnet.label} (${why}): no route out of the VPC${subnet.routeTable ? ` (route table ${subnet.routeTable.logicalId})` : ' (main route table: local only)'}`,
        });
        continue;
      }
      for (const route of exits) {
        const key = `${resourceKey(route.resource)}|${resourceKey(subnet.resource)}`;
        if (reported.has(key)) continue;
        reported.add(key);
        findings.push({
          resource: route.resource,
          holds: false,
          message: `${subnet.label} (${why}) routes ${route.destination} to ${route.targetLabel}: the isolated tier reaches the internet`,
        });
      }
    } else if (subnet.declared === 'private' && subnet.effective === 'public') {
      findings.push({ resource: subnet.resource, holds: false, message: `${subnet.label} is declared Private but routes to an internet gateway: it is a public subnet` });
    }
  }
  return {
    id: 'isolated-tier',
    title: 'The isolated tier (and every subnet holding RDS or Redis) has no path to the internet',
    applicable: findings.length > 0,
    note: findings.length > 0 ? undefined : 'no subnet declared Isolated and no RDS/ElastiCache subnet in this context',
    findings,
  };
}

export function analyseSegmentation(ctx: CheckContext): Segmentation {
  const model = buildNetworkModel(ctx);
  const doors = frontDoors(ctx);
  return {
    model,
    frontDoors: doors,
    flows: computeFlows(ctx, model, doors),
    properties: {
      'internet-ingress': internetIngress(ctx, model, doors),
      'data-store-ingress': dataStoreIngress(model),
      'isolated-tier': isolatedTier(model),
    },
  };
}
