// Network and data-flow diagrams (PCI DSS 1.2.3, 1.2.4) drawn from the templates of one
// evaluation context and from its segmentation proof — never by hand, and byte-stable.
import { resourceKey, type CheckContext, type EvaluatedResource } from './rule-context.js';
import type { Member, SubnetInfo, Tier } from './network-model.js';
import { modernApiPolicy } from './rules/PCI-TLS-009-api-endpoint-tls.js';
import { coveringSelections } from './rules/PCI-BAK-004-data-stores-in-backup-plan.js';
import { describeKey, isTrue, list, record, textOf } from './rule-kit.js';
import type { Flow } from './segmentation.js';
import { arrow, elbowArrow, label, rect, svgDocument, textWidth, wrapText, type Box } from './svg.js';

const TIER_ORDER: Tier[] = ['public', 'private', 'isolated'];
const TIER_FILL: Record<Tier, string> = { public: '#fdecea', private: '#e8f0fb', isolated: '#e7f6ea' };
const TIER_STROKE: Record<Tier, string> = { public: '#d9534f', private: '#3a78c2', isolated: '#3c9a50' };
const KIND_FILL: Record<string, string> = {
  app: '#cfe2ff',
  'load-balancer': '#e6d9f7',
  'data-store': '#d4efd9',
  endpoint: '#eceff3',
  nat: '#ffe5c2',
  function: '#d6f2f2',
};

const tierOf = (s: SubnetInfo): Tier => s.declared ?? s.effective;

function chipText(m: Member): string {
  switch (m.kind) {
    case 'app':
      return `ECS tasks ${m.resource.logicalId} :${m.ports.join(',') || '?'}`;
    case 'data-store':
      return m.dataStore
        ? `EFS ${m.dataStore.logicalId} :2049`
        : `${m.service === 'redis' || m.service === 'valkey' ? 'Redis' : m.service === 'efs' ? 'EFS' : 'RDS'} ${m.resource.logicalId} :${m.ports[0]}`;
    default:
      return m.label;
  }
}

interface Placed {
  readonly member?: Member;
  readonly text: string;
  readonly kind: string;
  readonly box: Box;
  /** Resources a chip stands for (a gateway-endpoints chip stands for the endpoints). */
  readonly resources: readonly EvaluatedResource[];
  readonly column: number;
  readonly subnet: SubnetInfo;
}

/** The service of a gateway endpoint (s3, dynamodb) from its ServiceName. */
const endpointService = (endpoint: EvaluatedResource): string => (textOf(endpoint.properties.ServiceName) ?? endpoint.logicalId).split('.').pop() ?? endpoint.logicalId;

/** Whether the front door refuses TLS older than 1.2 (what the arrow from the internet may claim). */
function frontDoorTls(api: EvaluatedResource): string {
  const p = api.properties;
  return isTrue(p.DisableExecuteApiEndpoint) || modernApiPolicy(p.SecurityPolicy) ? 'HTTPS 443 (TLS 1.2+)' : 'HTTPS 443 (TLS 1.0+ accepted)';
}

/**
 * Network diagram: AZ columns × tier rows inside the VPC, the front door above it, and every
 * allowed flow of the segmentation proof drawn in every AZ where both ends are: along numbered
 * vertical lanes at the right of each column (clear of the subnet labels), to the gateway endpoints
 * a subnet's route table names for S3/DynamoDB, to the NAT gateway for internet egress, and the
 * VPC link to the NLB around the VPC, not across the public tier.
 */
export function networkDiagram(ctx: CheckContext): string {
  const seg = ctx.segmentation();
  const { model } = seg;
  const subnets = [...model.subnets];
  const azs = [...new Set(subnets.map((s, i) => s.az ?? i % 3))].sort((a, b) => a - b);
  const tiers = TIER_ORDER.filter((t) => subnets.some((s) => tierOf(s) === t));
  const margin = 20;
  const labelW = 100;
  const colW = 360;
  const gutter = 56;
  const laneGap = 14;
  const inVpc = seg.flows.filter((f) => f.kind === 'group' || f.kind === 'egress');
  const laneOf = new Map(inVpc.map((f, k) => [f, k]));
  const width = margin * 2 + labelW + colW * Math.max(azs.length, 1) + gutter;
  const colX = (i: number): number => margin + labelW + colW * i;
  const laneX = (i: number, k: number): number => colX(i) + colW - 16 - laneGap * k;
  const chipLimit = (i: number): number => laneX(i, Math.max(inVpc.length - 1, 0)) - 10;
  const body: string[] = [];

  // Chips per subnet: members, interface endpoints collapsed into one chip, and the gateway
  // endpoints its route table sends the S3/DynamoDB prefix lists to.
  type Chip = { member?: Member; text: string; kind: string; resources: EvaluatedResource[] };
  const chipsOf = (subnet: SubnetInfo): Chip[] => {
    const here = model.members.filter((m) => m.subnets.includes(subnet));
    const endpoints = here.filter((m) => m.kind === 'endpoint');
    const chips: Chip[] = here.filter((m) => m.kind !== 'endpoint').map((m) => ({ member: m, text: chipText(m), kind: m.kind, resources: [m.resource] }));
    if (endpoints.length > 0)
      chips.push({
        member: endpoints[0],
        text: endpoints.length > 1 ? `${endpoints.length} interface endpoints :443` : `endpoint ${endpoints[0].resource.logicalId}`,
        kind: 'endpoint',
        resources: endpoints.map((e) => e.resource),
      });
    const gateways = [...new Set(subnet.routes.filter((r) => r.target === 'gateway-endpoint').map((r) => r.resource))];
    if (gateways.length > 0) chips.push({ text: `gateway endpoints: ${gateways.map(endpointService).join(', ')}`, kind: 'gateway', resources: gateways });
    return chips;
  };
  const chipCounts = new Map(subnets.map((s) => [resourceKey(s.resource), chipsOf(s).length]));
  const rowHeight = (tier: Tier): number => 50 + 26 * Math.max(1, ...subnets.filter((s) => tierOf(s) === tier).map((s) => chipCounts.get(resourceKey(s.resource)) ?? 0));

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
  // Each gap is as wide as the label of its arrow (and no wider), so the band ends well left of the edge.
  const arrowText = (i: number): string => (i === 1 ? (door ? frontDoorTls(door.api) : 'HTTPS 443') : bandItems[i].key.startsWith('link') ? 'PrivateLink' : 'filtered');
  const band = new Map<string, Box>();
  let x = margin;
  bandItems.forEach((item, i) => {
    if (i > 0) x += Math.max(60, textWidth(arrowText(i), 10) + 28);
    const w = textWidth(item.text, 12, true) + 24;
    const box = { x, y: topY, w, h: 34 };
    band.set(item.key, box);
    body.push(rect(box, item.fill, '#8a6d3b'), label(x + w / 2, topY + 21, item.text, { size: 12, anchor: 'middle', weight: 'bold' }));
    x += w;
  });
  for (let i = 1; i < bandItems.length; i++) body.push(arrow(band.get(bandItems[i - 1].key)!, band.get(bandItems[i].key)!, arrowText(i)));
  if (!door) body.push(label(band.get('internet')!.x + band.get('internet')!.w + 16, topY + 21, 'no internet-facing front door in these templates', { fill: '#6b7785' }));

  // VPC box and grid.
  const vpc = ctx.resources('AWS::EC2::VPC')[0];
  const vpcY = topY + 90;
  const gridY = vpcY + 52;
  const heights = tiers.map(rowHeight);
  const vpcH = 52 + heights.reduce((a, b) => a + b, 0) + 10;
  const vpcBox = { x: margin, y: vpcY, w: width - margin * 2 - gutter, h: vpcH };
  body.push(rect(vpcBox, '#fafbfc', '#5b6b7b', { rx: 10 }));
  body.push(
    label(
      margin + 12,
      vpcY + 22,
      vpc ? `VPC ${vpc.logicalId} ${typeof vpc.properties.CidrBlock === 'string' ? vpc.properties.CidrBlock : ''} — ${ctx.variant}` : `no VPC in ${ctx.variant}`,
      { size: 13, weight: 'bold' },
    ),
  );
  azs.forEach((az, i) => body.push(label(colX(i) + colW / 2, vpcY + 42, `AZ ${az + 1} (Fn::GetAZs[${az}])`, { anchor: 'middle', fill: '#5b6b7b' })));

  const placed: Placed[] = [];
  let rowY = gridY;
  tiers.forEach((tier, t) => {
    const title = `${tier[0].toUpperCase()}${tier.slice(1)}`;
    body.push(
      label(margin + 12, rowY + heights[t] / 2 - 4, title, { size: 12, weight: 'bold', fill: TIER_STROKE[tier] }),
      label(margin + 12, rowY + heights[t] / 2 + 11, 'tier', { size: 12, weight: 'bold', fill: TIER_STROKE[tier] }),
    );
    azs.forEach((az, i) => {
      const cellSubnets = subnets.filter((s, k) => tierOf(s) === tier && (s.az ?? k % 3) === az);
      cellSubnets.forEach((subnet) => {
        const box = { x: colX(i) + 6, y: rowY + 4, w: colW - 12, h: heights[t] - 8 };
        const routes = subnet.routes.filter((r) => r.toInternet && r.target !== 'local').map((r) => r.targetLabel.replace(/ gateway/, ''));
        body.push(rect(box, TIER_FILL[tier], TIER_STROKE[tier], { title: `${subnet.resource.layer}/${subnet.label}` }));
        body.push(label(box.x + 8, box.y + 16, `${subnet.label} ${subnet.cidr?.text ?? ''}`, { weight: 'bold' }));
        body.push(label(box.x + 8, box.y + 31, routes.length > 0 ? `0.0.0.0/0 → ${[...new Set(routes)].join(', ')}` : 'no route out of the VPC', { size: 10, fill: '#5b6b7b' }));
        chipsOf(subnet).forEach((chip, c) => {
          const chipBox = { x: box.x + 8, y: box.y + 40 + c * 26, w: Math.min(chipLimit(i) - box.x - 8, textWidth(chip.text) + 16), h: 21 };
          body.push(
            rect(chipBox, KIND_FILL[chip.kind] ?? '#f3f5f7', '#6b7785', {
              rx: 4,
              dash: chip.kind === 'gateway',
              title: chip.resources.map((r) => `${r.layer}/${r.logicalId}`).join(', '),
            }),
          );
          body.push(label(chipBox.x + 8, chipBox.y + 14, chip.text));
          placed.push({ ...chip, box: chipBox, column: i, subnet });
        });
      });
    });
    rowY += heights[t];
  });

  // Flows inside the VPC: in every AZ column where both ends are drawn, on the flow's own lane.
  const chipsFor = (resources: readonly EvaluatedResource[], column: number): Placed[] =>
    placed.filter((p) => p.column === column && p.resources.some((r) => resources.includes(r)));
  const egressTargets = (source: Placed, flow: Flow): Placed[] => {
    const routes = source.subnet.routes;
    if (flow.destination.startsWith('prefix list') && routes.some((r) => r.target === 'gateway-endpoint'))
      return chipsFor(
        routes.filter((r) => r.target === 'gateway-endpoint').map((r) => r.resource),
        source.column,
      );
    const nats = routes.filter((r) => r.target === 'nat').map((r) => r.targetLabel.replace(/^NAT gateway /, ''));
    return placed.filter((p) => p.kind === 'nat' && nats.includes(p.member?.resource.logicalId ?? ''));
  };
  const flowLines: string[] = [];
  seg.flows.forEach((flow: Flow, i) => {
    const number = String(i + 1);
    flowLines.push(`${number}. ${flow.source} → ${flow.destination} ${flow.protocol}/${flow.port}  (${flow.via})`);
    const k = laneOf.get(flow);
    if (k === undefined) return;
    azs.forEach((_, column) => {
      for (const source of chipsFor(flow.from, column)) {
        const targets = flow.kind === 'egress' ? egressTargets(source, flow) : chipsFor(flow.to, column);
        const target = targets.find((t) => t !== source);
        if (target) body.push(elbowArrow(source.box, target.box, laneX(column, k), { tag: number, dash: flow.kind === 'egress', radius: 6 }));
        break;
      }
    });
  });

  // The VPC link reaches the NLB over PrivateLink: drawn around the VPC's right side, into the NLB
  // of the nearest AZ, never across the public tier.
  for (const flow of seg.flows.filter((f) => f.kind === 'vpc-link')) {
    const link = [...band.entries()].find(([k]) => k.startsWith('link'))?.[1];
    const target = placed.filter((p) => p.resources.some((r) => flow.to.includes(r))).sort((a, b) => b.box.x - a.box.x)[0];
    if (!link || !target) continue;
    const number = String(seg.flows.indexOf(flow) + 1);
    const outside = vpcBox.x + vpcBox.w + gutter / 2;
    const y1 = link.y + link.h / 2;
    const y2 = target.box.y + target.box.h / 2;
    body.push(
      `<path d="M${link.x + link.w},${y1} H${outside} V${y2} H${target.box.x + target.box.w}" fill="none" stroke="#4a5a6a" stroke-width="1.5" marker-end="url(#arrowhead)"/>`,
    );
    body.push(label(link.x + link.w + 8, y1 - 6, `(${number}) ${flow.protocol}/${flow.port} PrivateLink`, { size: 10, fill: '#4a5a6a' }));
  }

  // Legend: the flow list (numbers match the arrows), wrapped to the width.
  let legendY = vpcY + vpcH + 28;
  body.push(label(margin, legendY, `Allowed flows (${ctx.variant}) — from the segmentation proof; each is drawn in every AZ where both ends are`, { size: 12, weight: 'bold' }));
  for (const line of flowLines) {
    wrapText(line, width - margin * 2, 10).forEach((part, n) => {
      legendY += 15;
      body.push(label(margin + (n > 0 ? 18 : 0), legendY, part, { size: 10 }));
    });
  }
  return svgDocument('network', width, legendY + 20, `Network diagram of the payment platform (${ctx.variant})`, body);
}

// --- Data flow ---------------------------------------------------------------------------------

interface FlowNode {
  readonly key: string;
  readonly row: number;
  readonly title: string;
  readonly detail: string;
}

const ROW_TITLES = ['Outside', 'Front door', 'Load balancing', 'Application', 'Data stores', 'Logs, audit, backup'];
/** The widest a diagram may be to show at its own size in the report (1400 px window). */
const MAX_DIAGRAM_WIDTH = 1330;

/**
 * Where cardholder data goes and how it is protected on the way (TLS) and at rest (which key),
 * top to bottom: the client, the front door, the load balancer, the application, the data stores,
 * then logs, audit and backups — including the copy of every recovery point to the DR region.
 */
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

  add({ key: 'client', row: 0, title: 'Cardholder / client', detail: 'internet' });
  for (const door of seg.frontDoors) {
    const apiKey = resourceKey(door.api);
    const acls = door.stages.flatMap((s) => s.webAcls.map((a) => a.logicalId));
    add({ key: apiKey, row: 1, title: `API Gateway ${door.api.logicalId}`, detail: acls.length > 0 ? `WAF ${acls.join(', ')}` : 'no WAF' });
    if (door.internet) edges.push({ from: 'client', to: apiKey, text: frontDoorTls(door.api).replace('HTTPS 443', 'HTTPS') });
    for (const link of door.links) {
      for (const lb of link.targets) {
        const listener = ctx.referrers(lb, 'AWS::ElasticLoadBalancingV2::Listener')[0]?.from;
        add({
          key: resourceKey(lb),
          row: 2,
          title: `NLB ${lb.logicalId}`,
          detail: listener ? `${String(listener.properties.Protocol)} ${String(listener.properties.SslPolicy ?? '')}` : 'no listener',
        });
        edges.push({ from: apiKey, to: resourceKey(lb), text: `VPC link, ${link.port} TLS` });
      }
    }
  }
  const app = seg.model.members.filter((m) => m.kind === 'app');
  for (const m of app) add({ key: resourceKey(m.resource), row: 3, title: `ECS service ${m.resource.logicalId}`, detail: `tasks :${m.ports.join(',')}` });
  for (const tg of ctx.resources('AWS::ElasticLoadBalancingV2::TargetGroup')) {
    const services = app.filter((m) => ctx.referrers(tg, 'AWS::ECS::Service').some((r) => r.from === m.resource));
    const lbs = ctx.referrers(tg, 'AWS::ElasticLoadBalancingV2::Listener').flatMap((r) => ctx.resolveResources(r.from, r.from.properties.LoadBalancerArn));
    for (const lb of lbs)
      for (const s of services)
        edges.push({ from: resourceKey(lb), to: resourceKey(s.resource), text: `${String(tg.properties.Protocol ?? '')} :${String(tg.properties.Port ?? '')}` });
  }
  // Data stores reached over the network (from the proof) and AWS APIs reached through endpoints.
  for (const flow of seg.flows.filter((f) => f.kind === 'group')) {
    for (const target of flow.to) {
      const store = seg.model.members.find((m) => m.resource === target && m.kind === 'data-store');
      if (!store) continue;
      const resource = store.dataStore ?? store.resource;
      const p = resource.properties;
      const title = store.dataStore
        ? `EFS ${resource.logicalId}`
        : store.service === 'redis' || store.service === 'valkey'
          ? `Redis ${resource.logicalId}`
          : `RDS ${resource.logicalId}`;
      add({ key: resourceKey(resource), row: 4, title, detail: keyText(resource, p.KmsKeyId) });
      const tls = store.dataStore ? 'TLS (EFS, IAM auth)' : title.startsWith('Redis') ? 'TLS + AUTH' : 'TLS (rds.force_ssl)';
      for (const source of flow.from)
        if (app.some((a) => a.resource === source)) edges.push({ from: resourceKey(source), to: resourceKey(resource), text: `${tls} :${flow.port}` });
    }
  }
  const taskRoles = new Map<string, EvaluatedResource>();
  for (const m of app) {
    const task = ctx.resolveResource(m.resource, m.resource.properties.TaskDefinition, 'AWS::ECS::TaskDefinition');
    if (!task) continue;
    for (const role of ctx.resolveResources(task, [task.properties.TaskRoleArn, task.properties.ExecutionRoleArn])) taskRoles.set(resourceKey(role), m.resource);
  }
  const usersOf = (store: EvaluatedResource): EvaluatedResource[] => [
    ...new Set(
      ctx
        .referrers(store)
        .map(
          (r) =>
            taskRoles.get(resourceKey(r.from)) ??
            (r.from.type === 'AWS::ECS::TaskDefinition' ? app.find((a) => ctx.resolveResource(a.resource, a.resource.properties.TaskDefinition) === r.from)?.resource : undefined),
        )
        .filter((x): x is EvaluatedResource => x !== undefined),
    ),
  ];
  const apiStores: [string, string, (r: EvaluatedResource) => unknown][] = [
    ['AWS::Kinesis::Stream', 'Kinesis', (r) => (r.properties.StreamEncryption as Record<string, unknown> | undefined)?.KeyId],
    [
      'AWS::S3::Bucket',
      'S3',
      (r) =>
        (
          ((r.properties.BucketEncryption as Record<string, unknown> | undefined)?.ServerSideEncryptionConfiguration as Record<string, unknown>[] | undefined)?.[0]
            ?.ServerSideEncryptionByDefault as Record<string, unknown> | undefined
        )?.KMSMasterKeyID,
    ],
  ];
  for (const [type, title, keyOf] of apiStores) {
    for (const store of ctx.resources(type)) {
      const users = usersOf(store);
      if (users.length === 0) continue;
      add({ key: resourceKey(store), row: 4, title: `${title} ${store.logicalId}`, detail: keyText(store, keyOf(store)) });
      for (const user of users) edges.push({ from: resourceKey(user), to: resourceKey(store), text: 'HTTPS via VPC endpoint' });
    }
  }
  // The secrets the tasks read, as one node (each is encrypted with the same class of key).
  const secrets = ctx.resources('AWS::SecretsManager::Secret').filter((s) => usersOf(s).length > 0);
  if (secrets.length > 0) {
    add({
      key: 'secrets',
      row: 4,
      title: `Secrets Manager (${secrets.length})`,
      detail: `${secrets.map((s) => s.logicalId).join(', ')}; ${keyText(secrets[0], secrets[0].properties.KmsKeyId)}`,
    });
    for (const user of new Set(secrets.flatMap(usersOf))) edges.push({ from: resourceKey(user), to: 'secrets', text: 'HTTPS via VPC endpoint' });
  }
  // Backups: the vault, what it backs up, and the copy to the DR region.
  for (const vault of ctx.resources('AWS::Backup::BackupVault')) {
    add({ key: resourceKey(vault), row: 5, title: `Backup vault ${vault.logicalId}`, detail: keyText(vault, vault.properties.EncryptionKeyArn) });
    for (const store of [...ctx.resources('AWS::RDS::DBInstance'), ...ctx.resources('AWS::EFS::FileSystem')]) {
      if (nodes.some((n) => n.key === resourceKey(store)) && coveringSelections(ctx, store).length > 0)
        edges.push({ from: resourceKey(store), to: resourceKey(vault), text: 'AWS Backup (daily)' });
    }
    for (const plan of ctx.resources('AWS::Backup::BackupPlan')) {
      const rules = list(record(plan.properties.BackupPlan).BackupPlanRule)
        .map(record)
        .filter((r) => ctx.resolveResource(plan, r.TargetBackupVault) === vault);
      for (const copy of rules.flatMap((r) => list(r.CopyActions).map(record))) {
        const arn = textOf(copy.DestinationBackupVaultArn) ?? '';
        const region = /:backup:([^:]+):/.exec(arn)?.[1] ?? 'another region';
        // The region is often read from SSM in the target account (DrRegionParameter): say where.
        const where = region.startsWith('/') ? `region in SSM ${region}` : region.replace(/\$\{([^}]+)\}/, '$1');
        const days = record(copy.Lifecycle).DeleteAfterDays;
        add({
          key: `dr:${resourceKey(vault)}`,
          row: 5,
          title: `DR vault (${where})`,
          detail: `copy of every recovery point${days !== undefined ? `, kept ${String(days)} days` : ''}; vault from standalone/dr-backup-vault.yaml`,
        });
        edges.push({ from: resourceKey(vault), to: `dr:${resourceKey(vault)}`, text: '' });
      }
    }
  }
  for (const trail of ctx.resources('AWS::CloudTrail::Trail')) {
    const bucket = ctx.resolveResource(trail, trail.properties.S3BucketName, 'AWS::S3::Bucket');
    add({
      key: resourceKey(trail),
      row: 5,
      title: `CloudTrail ${trail.logicalId}`,
      detail: bucket ? `to ${bucket.logicalId}, ${keyText(trail, trail.properties.KMSKeyId)}` : keyText(trail, trail.properties.KMSKeyId),
    });
  }
  const logGroups = ctx.resources('AWS::Logs::LogGroup');
  if (logGroups.length > 0) add({ key: 'logs', row: 5, title: `CloudWatch Logs (${logGroups.length} groups)`, detail: keyText(logGroups[0], logGroups[0].properties.KmsKeyId) });

  // Layout: one band per row, nodes left to right (wrapping when a row is full).
  const margin = 16;
  const labelW = 110;
  const nodeW = 176;
  const gap = 24;
  const rowGap = 64;
  const lineGap = 40;
  const perLine = Math.max(1, Math.floor((MAX_DIAGRAM_WIDTH - 2 * margin - labelW + gap) / (nodeW + gap)));
  const titles = new Map(nodes.map((n) => [n.key, wrapText(n.title, nodeW - 16, 11, true)]));
  const details = new Map(nodes.map((n) => [n.key, wrapText(n.detail, nodeW - 16, 10)]));
  const nodeH = (n: FlowNode): number => 12 + 14 * titles.get(n.key)!.length + 12 * details.get(n.key)!.length;
  const boxes = new Map<string, Box>();
  const rowLabels: { y: number; text: string }[] = [];
  let y = 20;
  ROW_TITLES.forEach((title, row) => {
    const here = nodes.filter((n) => n.row === row);
    if (here.length === 0) return;
    y += rowGap;
    rowLabels.push({ y, text: title });
    for (let start = 0; start < here.length; start += perLine) {
      const line = here.slice(start, start + perLine);
      const h = Math.max(...line.map(nodeH));
      line.forEach((n, i) => boxes.set(n.key, { x: margin + labelW + i * (nodeW + gap) + (start > 0 ? (nodeW + gap) / 2 : 0), y, w: nodeW, h }));
      y += h + (start + perLine < here.length ? lineGap : 0);
    }
  });
  const width =
    margin * 2 +
    labelW +
    Math.min(perLine, Math.max(1, ...ROW_TITLES.map((_, r) => nodes.filter((n) => n.row === r).length))) * (nodeW + gap) -
    gap +
    (nodes.filter((n) => n.row === 4).length > perLine ? (nodeW + gap) / 2 : 0);
  const footnote = wrapText(
    `Cardholder data flow (${ctx.variant}), generated from the templates: each arrow is a flow the segmentation proof allows, an IAM grant of the task role, a backup selection or a backup copy; every component also logs to CloudWatch Logs.`,
    width - 2 * margin,
    10,
  );
  const height = y + 24 + 14 * footnote.length;

  const body: string[] = [];
  for (const r of rowLabels)
    wrapText(r.text, labelW - 12, 12, true).forEach((line, i) => body.push(label(margin, r.y + 16 + 15 * i, line, { size: 12, weight: 'bold', fill: '#5b6b7b' })));
  // Edges: down from the source to a bus just above the target's row, across, and down into the
  // target's left part, labelled beside that last drop (each label once per target).
  const drawn = new Set<string>();
  const labelled = new Map<string, string[]>();
  const sourcesInto = new Map<number, string[]>();
  for (const e of edges) {
    const a = boxes.get(e.from);
    const b = boxes.get(e.to);
    if (!a || !b || drawn.has(`${e.from}>${e.to}`)) continue;
    drawn.add(`${e.from}>${e.to}`);
    if (a.y === b.y) {
      body.push(arrow(a, b, undefined));
      continue;
    }
    const into = sourcesInto.get(b.y) ?? [];
    if (!into.includes(e.from)) into.push(e.from);
    sourcesInto.set(b.y, into);
    const bus = b.y - 30 - 7 * into.indexOf(e.from);
    const dropX = b.x + 18;
    body.push(`<path d="M${a.x + a.w / 2},${a.y + a.h} V${bus} H${dropX} V${b.y}" fill="none" stroke="#4a5a6a" stroke-width="1.5" marker-end="url(#arrowhead)"/>`);
    const texts = labelled.get(e.to) ?? [];
    if (e.text && !texts.includes(e.text)) {
      body.push(label(dropX + 8, b.y - 6 - 11 * texts.length, e.text, { size: 10, fill: '#4a5a6a' }));
      labelled.set(e.to, [...texts, e.text]);
    }
  }
  for (const n of nodes) {
    const b = boxes.get(n.key)!;
    body.push(rect(b, n.row === 4 ? '#d4efd9' : n.row === 5 ? '#eceff3' : n.row === 0 ? '#fff4d6' : '#e8f0fb', '#5b6b7b'));
    const t = titles.get(n.key)!;
    t.forEach((line, i) => body.push(label(b.x + 8, b.y + 17 + 14 * i, line, { weight: 'bold' })));
    details.get(n.key)!.forEach((line, i) => body.push(label(b.x + 8, b.y + 17 + 14 * t.length + 12 * i, line, { size: 10, fill: '#3c4a58' })));
  }
  footnote.forEach((line, i) => body.push(label(margin, y + 30 + 14 * i, line, { size: 10, fill: '#5b6b7b' })));
  return svgDocument('dataflow', width, height, `Data-flow diagram of the payment platform (${ctx.variant})`, body);
}
