// The ECS cluster reports Container Insights, so task-level anomalies are visible.
import { eachResource, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ECS::Cluster'] as const;

const rule: Rule = {
  id: 'PCI-MON-002',
  title: 'ECS clusters have Container Insights enabled',
  requirements: ['10.4.1', '10.2.1'],
  references: { securityHub: ['ECS.12'], configRules: ['ecs-container-insights-enabled'] },
  resourceTypes: TYPES,
  notChecked: "who reviews the metrics and when (10.4.1 daily reviews: the entity's)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (cluster) => {
        const setting = list(cluster.properties.ClusterSettings)
          .map(record)
          .find((s) => s.Name === 'containerInsights');
        return [setting?.Value !== 'enabled' && setting?.Value !== 'enhanced' && 'containerInsights is not enabled'];
      },
      'Container Insights enabled',
    ),
};
export default rule;
