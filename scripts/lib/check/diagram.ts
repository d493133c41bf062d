// Network and data-flow diagrams (PCI DSS 1.2.3, 1.2.4) drawn from the templates of one
// evaluation context and from its segmentation proof — never by hand, and byte-stable.
import { resourceKey, type CheckContext, type EvaluatedResource } from './rule-context.js';
import type { Member, SubnetInfo, Tier } from './network-model.js';
import { describeKey } from './rule-kit.js';
import type { Flow } from './segmentation.js';
import { arrow, elbowArrow, label, rect, svgDocument, textWidth, type Box } from './svg.js';

const TIER_ORDER: Tier[] = ['public', 'private', 'isolated'];
const TIER_FILL: Record<Tier, string> = { public: '#fdecea', private: '#e8f0fb', isolated: '#e7f6ea' };
const TIER_STROKE: Record<Tier, string> = { public: '#d9534f', private: '#3a78c2', isolated: '#3c9a50' };
const KIND_FILL: Record<string, string> = {
  app: '#cfe2ff', 'load-balancer': '#e6d9f7', 'data-store': '#d4efd9', endpoint: '#eceff3', nat: '#ffe5c2', function: '#d6f2f2',
};

const tierOf = (s: SubnetInfo): Tier => s.declared ?? s.effective;

function chipText(m: Member): string {
  switch (m.kind) {
    case 'app':
      return `ECS tasks ${m.resource.logicalId} :${m.ports.join(',') || '?'}`;
    case 'data-store':
      return m.dataStore ? `EFS ${m.dataStore.logicalId} :2049` : `${m.service === 'redis' || m.service === 'valkey' ? 'Redis' : m.service === 'efs' ? 'EFS' : 'RDS'} ${m.resource.logicalId} :${m.ports[0]}`;
    default:
      return m.label;
  }
}

interface Placed {
  readonly member?: Member;
  readonly text: string;
  readonly kind: string;
  readonly box: Box;
}

/** Network diagram: 3 AZ columns × tier rows inside the VPC, the front door above it, allowed flows as arrows. */
export function networkDiagram(ctx: CheckContext): string {
  const seg = ctx.segmentation();
  const { model } = seg;
  const subnets = [...model.subnets];
  const azs = [...new Set(subnets.map((s, i) => s.az ?? i % 3))].sort((a, b) => a - b);
  const tiers = TIER_ORDER.filter((t) => subnets.some((s) => tierOf(s) === t));
  const margin = 20;
  const labelW = 96;
  const colW = 360;
  // Flows inside the VPC run in vertical lanes left of the chips, one lane per flow.
  const laneFlows = seg.flows.filter((f) => f.kind === 'group' || f.kind === 'egress');
  const laneSpace = 16 + 10 * Math.min(laneFlows.length, 10);
  const width = Math.max(margin * 2 + labelW + colW * Math.max(azs.length, 1), 900);
  const body: string[] = [];

  // Chips per subnet (interface endpoints collapsed into one chip per subnet).
  const chipsOf = (subnet: SubnetInfo): { member?: Member; text: string; kind: string }[] => {
    const here = model.members.filter((m) => m.subnets.includes(subnet));
    const endpoints = here.filter((m) => m.kind === 'endpoint');
    const chips = here.filter((m) => m.kind !== 'endpoint').map((m) => ({ member: m, text: chipText(m), kind: m.kind }));
    if (endpoints.length > 0) chips.push({ member: endpoints[0], text: endpoints.length > 1 ? `${endpoints.length} interface endpoints :443` : `endpoint ${endpoints[0].resource.logicalId}`, kind: 'endpoint' });
    return chips;
  };
  const chipCounts = new Map(subnets.map((s) => [resourceKey(s.resource), chipsOf(s).length]));
  const rowHeight = (tier: Tier): number => 58 + 26 * Math.max(1, ...subnets.filter((s) => tierOf(s) === tier).map((s) => chipCounts.get(resourceKey(s.resource)) ?? 0));

  // Front door band.
  const topY = 20;
  const door = seg.frontDoors.find((d) => d.internet) ?? seg.frontDoors[0];
  const bandItems: { key: string; text: string; fill: string }[] = [{ key: 'internet', text: 'Internet (0.0.0.0/0)', fill: '#fff4d6' }];
  if (door) {
    const acls = door.stages.flatMap((s) => s.webAcls.map((a) => a.logicalId));
    if (acls.length > 0) bandItems.push({ key: 'waf', text: `WAF ${acls.join(', ')}`, fill: '#fde2c8' });
    bandItems.push({ key: 'api', text: `API Gateway ${door.api.logicalId} (${door.stages.map((s) => s.stage.logicalId).join(', ') || 'no stage'})`, fill: '#e6d9f7' });
    for (const link of door.links) bandItems.push({ key: `link:${resourceKey(link.link)}`, text: `VPC link ${link.link.logicalId}`, fill: '#e6d9f7' });
  }
  const band = new Map<string, Box>();
  let x = margin;
  for (const item of bandItems) {
    const w = textWidth(item.text, 12, true) + 24;
    const box = { x, y: topY, w, h: 34 };
    band.set(item.key, box);
    body.push(rect(box, item.fill, '#8a6d3b'), label(x + w / 2, topY + 21, item.text, { size: 12, anchor: 'middle', weight: 'bold' }));
    x += w + 150;
  }
  for (let i = 1; i < bandItems.length; i++) {
    const text = i === 1 ? 'HTTPS 443 (TLS 1.2+)' : bandItems[i].key.startsWith('link') ? 'PrivateLink' : 'filtered';
    body.push(arrow(band.get(bandItems[i - 1].key)!, band.get(bandItems[i].key)!, text));
  }
  if (!door) body.push(label(band.get('internet')!.x + band.get('internet')!.w + 16, topY + 21, 'no internet-facing front door in these templates', { fill: '#6b7785' }));

  // VPC box and grid.
  const vpc = ctx.resources('AWS::EC2::VPC')[0];
  const vpcY = topY + 90;
  const gridY = vpcY + 52;
  const heights = tiers.map(rowHeight);
  const vpcH = 52 + heights.reduce((a, b) => a + b, 0) + 10;
  const vpcBox = { x: margin, y: vpcY, w: width - margin * 2, h: vpcH };
  body.push(rect(vpcBox, '#fafbfc', '#5b6b7b', { rx: 10 }));
  body.push(label(margin + 12, vpcY + 22, vpc ? `VPC ${vpc.logicalId} ${typeof vpc.properties.CidrBlock === 'string' ? vpc.properties.CidrBlock : ''} — ${ctx.variant}` : `no VPC in ${ctx.variant}`, { size: 13, weight: 'bold' }));
  azs.forEach((az, i) => body.push(label(margin + labelW + colW * i + colW / 2, vpcY + 42, `AZ ${az + 1} (Fn::GetAZs[${az}])`, { anchor: 'middle', fill: '#5b6b7b' })));

  const placed: Placed[] = [];
  let rowY = gridY;
  tiers.forEach((tier, t) => {
    body.push(label(margin + 12, rowY + heights[t] / 2, `${tier[0].toUpperCase()}${tier.slice(1)} tier`, { size: 12, weight: 'bold', fill: TIER_STROKE[tier] }));
    azs.forEach((az, i) => {
      const cellSubnets = subnets.filter((s, k) => tierOf(s) === tier && (s.az ?? k % 3) === az);
      cellSubnets.forEach((subnet) => {
        const box = { x: margin + labelW + colW * i + 6, y: rowY + 4, w: colW - 12, h: heights[t] - 8 };
        const routes = subnet.routes.filter((r) => r.toInternet && r.target !== 'local').map((r) => r.targetLabel.replace(/ gateway/, ''));
        body.push(rect(box, TIER_FILL[tier], TIER_STROKE[tier], { title: `${subnet.resource.layer}/${subnet.label}` }));
        body.push(label(box.x + 8, box.y + 16, `${subnet.label} ${subnet.cidr?.text ?? ''}`, { weight: 'bold' }));
        body.push(label(box.x + 8, box.y + 31, routes.length > 0 ? `0.0.0.0/0 → ${[...new Set(routes)].join(', ')}` : 'no route out of the VPC', { size: 10, fill: '#5b6b7b' }));
        chipsOf(subnet).forEach((chip, c) => {
          const chipBox = { x: box.x + laneSpace, y: box.y + 40 + c * 26, w: Math.min(box.w - laneSpace - 8, textWidth(chip.text) + 16), h: 21 };
          body.push(rect(chipBox, KIND_FILL[chip.kind] ?? '#eeeeee', '#6b7785', { rx: 4, title: chip.member ? `${chip.member.resource.layer}/${chip.member.resource.logicalId}` : chip.text }));
          body.push(label(chipBox.x + 8, chipBox.y + 14, chip.text));
          placed.push({ ...chip, box: chipBox });
        });
      });
    });
    rowY += heights[t];
  });

  // Allowed flows as arrows, one per flow, in the first AZ where both ends are drawn.
  const boxesOf = (resources: readonly EvaluatedResource[]): Placed[] => placed.filter((p) => p.member && resources.includes(p.member.resource));
  const azOfBox = (b: Box): number => Math.floor((b.x - margin - labelW) / colW);
  const flowLines: string[] = [];
  let lane = 0;
  const nextLane = (column: number): number => margin + labelW + colW * column + 12 + 10 * (lane++ % 10);
  seg.flows.forEach((flow: Flow, i) => {
    const number = String(i + 1);
    flowLines.push(`${number}. ${flow.source} → ${flow.destination} ${flow.protocol}/${flow.port}  (${flow.via})`);
    if (flow.kind === 'vpc-link') {
      const link = [...band.entries()].find(([k]) => k.startsWith('link'))?.[1];
      const targets = boxesOf(flow.to).sort((a, b) => Math.abs(a.box.x - (link?.x ?? 0)) - Math.abs(b.box.x - (link?.x ?? 0)));
      if (link && targets[0]) body.push(arrow(link, targets[0].box, `(${number}) ${flow.port}`));
      return;
    }
    const sources = boxesOf(flow.from);
    const targets = flow.kind === 'egress' ? placed.filter((p) => p.kind === 'nat') : boxesOf(flow.to);
    const pair = sources.flatMap((src) => targets.filter((t) => azOfBox(t.box) === azOfBox(src.box) && t !== src).map((t) => [src, t] as const))[0];
    if (!pair || (flow.kind !== 'group' && flow.kind !== 'egress')) return;
    body.push(elbowArrow(pair[0].box, pair[1].box, nextLane(azOfBox(pair[0].box)), { tag: number, dash: flow.kind === 'egress' }));
  });

  // Legend: the flow list (numbers match the arrows).
  let legendY = vpcY + vpcH + 28;
  body.push(label(margin, legendY, `Allowed flows (${ctx.variant}) — from the segmentation proof`, { size: 12, weight: 'bold' }));
  for (const line of flowLines) {
    legendY += 16;
    body.push(label(margin, legendY, line, { size: 10 }));
  }
  return svgDocument('network', width, legendY + 20, `Network diagram of the payment platform (${ctx.variant})`, body);
}

// --- Data flow ---------------------------------------------------------------------------------

interface FlowNode {
  readonly key: string;
  readonly column: number;
  readonly title: string;
  readonly detail: string;
}

/** Where cardholder data goes and how it is protected on the way (TLS) and at rest (which key). */
export function dataFlowDiagram(ctx: CheckContext): string {
  const seg = ctx.segmentation();
  const nodes: FlowNode[] = [];
  const edges: { from: string; to: string; text: string }[] = [];
  const keyText = (r: EvaluatedResource, value: unknown): string => {
    const key = ctx.key(r, value);
    return key.kind === 'cmk' ? `at rest: ${key.keyClass} CMK` : `at rest: ${describeKey(key)}`;
  };
  const add = (node: FlowNode): void => {
    if (!nodes.some((n) => n.key === node.key)) nodes.push(node);
  };

  add({ key: 'client', column: 0, title: 'Cardholder / client', detail: 'internet' });
  for (const door of seg.frontDoors) {
    const apiKey = resourceKey(door.api);
    const acls = door.stages.flatMap((s) => s.webAcls.map((a) => a.logicalId));
    add({ key: apiKey, column: 1, title: `API Gateway ${door.api.logicalId}`, detail: acls.length > 0 ? `WAF ${acls.join(', ')}` : 'no WAF' });
    if (door.internet) edges.push({ from: 'client', to: apiKey, text: 'HTTPS (TLS 1.2+)' });
    for (const link of door.links) {
      for (const lb of link.targets) {
        const listener = ctx.referrers(lb, 'AWS::ElasticLoadBalancingV2::Listener')[0]?.from;
        add({ key: resourceKey(lb), column: 2, title: `NLB ${lb.logicalId}`, detail: listener ? `${String(listener.properties.Protocol)} ${String(listener.properties.SslPolicy ?? '')}` : 'no listener' });
        edges.push({ from: apiKey, to: resourceKey(lb), text: `VPC link, ${link.port} TLS` });
      }
    }
  }
  const app = seg.model.members.filter((m) => m.kind === 'app');
  for (const m of app) add({ key: resourceKey(m.resource), column: 3, title: `ECS service ${m.resource.logicalId}`, detail: `tasks :${m.ports.join(',')}` });
  for (const tg of ctx.resources('AWS::ElasticLoadBalancingV2::TargetGroup')) {
    const services = app.filter((m) => ctx.referrers(tg, 'AWS::ECS::Service').some((r) => r.from === m.resource));
    const lbs = ctx.referrers(tg, 'AWS::ElasticLoadBalancingV2::Listener').flatMap((r) => ctx.resolveResources(r.from, r.from.properties.LoadBalancerArn));
    for (const lb of lbs) for (const s of services) edges.push({ from: resourceKey(lb), to: resourceKey(s.resource), text: `${String(tg.properties.Protocol ?? '')} :${String(tg.properties.Port ?? '')}` });
  }
  // Data stores reached over the network (from the proof) and AWS APIs reached through endpoints.
  for (const flow of seg.flows.filter((f) => f.kind === 'group')) {
    for (const target of flow.to) {
      const store = seg.model.members.find((m) => m.resource === target && m.kind === 'data-store');
      if (!store) continue;
      const resource = store.dataStore ?? store.resource;
      const p = resource.properties;
      const title = store.dataStore ? `EFS ${resource.logicalId}` : store.service === 'redis' || store.service === 'valkey' ? `Redis ${resource.logicalId}` : `RDS ${resource.logicalId}`;
      add({ key: resourceKey(resource), column: 4, title, detail: keyText(resource, p.KmsKeyId) });
      const tls = store.dataStore ? 'TLS (EFS, IAM auth)' : title.startsWith('Redis') ? 'TLS + AUTH' : 'TLS (rds.force_ssl)';
      for (const source of flow.from) if (app.some((a) => a.resource === source)) edges.push({ from: resourceKey(source), to: resourceKey(resource), text: `${tls} :${flow.port}` });
    }
  }
  const taskRoles = new Map<string, EvaluatedResource>();
  for (const m of app) {
    const task = ctx.resolveResource(m.resource, m.resource.properties.TaskDefinition, 'AWS::ECS::TaskDefinition');
    if (!task) continue;
    for (const role of ctx.resolveResources(task, [task.properties.TaskRoleArn, task.properties.ExecutionRoleArn])) taskRoles.set(resourceKey(role), m.resource);
  }
  const apiStores: [string, string, (r: EvaluatedResource) => unknown][] = [
    ['AWS::Kinesis::Stream', 'Kinesis', (r) => (r.properties.StreamEncryption as Record<string, unknown> | undefined)?.KeyId],
    ['AWS::SecretsManager::Secret', 'Secret', (r) => r.properties.KmsKeyId],
    ['AWS::S3::Bucket', 'S3', (r) => ((((r.properties.BucketEncryption as Record<string, unknown> | undefined)?.ServerSideEncryptionConfiguration as Record<string, unknown>[] | undefined)?.[0]?.ServerSideEncryptionByDefault) as Record<string, unknown> | undefined)?.KMSMasterKeyID],
  ];
  for (const [type, title, keyOf] of apiStores) {
    for (const store of ctx.resources(type)) {
      const users = ctx.referrers(store).map((r) => taskRoles.get(resourceKey(r.from)) ?? (r.from.type === 'AWS::ECS::TaskDefinition' ? app.find((a) => ctx.resolveResource(a.resource, a.resource.properties.TaskDefinition) === r.from)?.resource : undefined)).filter((x): x is EvaluatedResource => x !== undefined);
      if (users.length === 0) continue;
      add({ key: resourceKey(store), column: 4, title: `${title} ${store.logicalId}`, detail: keyText(store, keyOf(store)) });
      for (const user of new Set(users)) edges.push({ from: resourceKey(user), to: resourceKey(store), text: 'HTTPS via VPC endpoint' });
    }
  }
  const logGroups = ctx.resources('AWS::Logs::LogGroup');
  if (logGroups.length > 0) add({ key: 'logs', column: 5, title: `CloudWatch Logs (${logGroups.length} groups)`, detail: keyText(logGroups[0], logGroups[0].properties.KmsKeyId) });
  for (const trail of ctx.resources('AWS::CloudTrail::Trail')) {
    const bucket = ctx.resolveResource(trail, trail.properties.S3BucketName, 'AWS::S3::Bucket');
    add({ key: resourceKey(trail), column: 5, title: `CloudTrail ${trail.logicalId}`, detail: bucket ? `to ${bucket.logicalId}, ${keyText(trail, trail.properties.KMSKeyId)}` : keyText(trail, trail.properties.KMSKeyId) });
  }
  for (const vault of ctx.resources('AWS::Backup::BackupVault')) add({ key: resourceKey(vault), column: 5, title: `Backup vault ${vault.logicalId}`, detail: keyText(vault, vault.properties.EncryptionKeyArn) });

  // Layout: columns left to right, nodes stacked in each column.
  const columnTitles = ['Outside', 'Front door', 'Load balancing', 'Application tier', 'Data stores', 'Logs, audit, backup'];
  const colW = 240;
  const gap = 170;
  const nodeH = 44;
  const margin = 20;
  const boxes = new Map<string, Box>();
  const counts = new Map<number, number>();
  for (const n of nodes) {
    const row = counts.get(n.column) ?? 0;
    counts.set(n.column, row + 1);
    boxes.set(n.key, { x: margin + n.column * (colW + gap), y: 60 + row * (nodeH + 34), w: colW, h: nodeH });
  }
  const rows = Math.max(1, ...counts.values());
  const width = margin * 2 + columnTitles.length * colW + (columnTitles.length - 1) * gap;
  const height = 60 + rows * (nodeH + 34) + 40;
  const body: string[] = [];
  columnTitles.forEach((t, i) => body.push(label(margin + i * (colW + gap) + colW / 2, 36, t, { size: 12, weight: 'bold', anchor: 'middle', fill: '#5b6b7b' })));
  const drawn = new Set<string>();
  for (const e of edges) {
    if (drawn.has(`${e.from}>${e.to}`)) continue;
    drawn.add(`${e.from}>${e.to}`);
    const a = boxes.get(e.from);
    const b = boxes.get(e.to);
    if (!a || !b) continue;
    // Same row: straight; otherwise an elbow through the gap, labelled at the target end.
    body.push(a.y === b.y ? arrow(a, b, e.text) : elbowArrow(a, b, a.x + a.w + 24, { text: e.text }));
  }
  for (const n of nodes) {
    const b = boxes.get(n.key)!;
    body.push(rect(b, n.column === 4 ? '#d4efd9' : n.column === 5 ? '#eceff3' : n.column === 0 ? '#fff4d6' : '#e8f0fb', '#5b6b7b'));
    body.push(label(b.x + 8, b.y + 17, n.title, { weight: 'bold' }), label(b.x + 8, b.y + 33, n.detail, { size: 10, fill: '#3c4a58' }));
  }
  body.push(label(margin, height - 14, `Cardholder data flow (${ctx.variant}), generated from the templates: each arrow is a flow the segmentation proof allows or an IAM grant of the task role; every component logs to CloudWatch Logs.`, { size: 10, fill: '#5b6b7b' }));
  return svgDocument('dataflow', width, height, `Data-flow diagram of the payment platform (${ctx.variant})`, body);
}
