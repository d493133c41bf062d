// Every container sends its output to a log destination.
import { eachResource, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ECS::TaskDefinition'] as const;

const rule: Rule = {
  id: 'PCI-LOG-009',
  title: 'ECS containers have a log configuration (awslogs or FireLens)',
  requirements: ['10.2.1'],
  references: { securityHub: ['ECS.9'], configRules: ['ecs-task-definition-log-configuration'] },
  resourceTypes: TYPES,
  notChecked: "what the application writes to its logs (10.2.1.x events: the application's)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (task) =>
        list(task.properties.ContainerDefinitions).map((raw) => {
          const c = record(raw);
          const log = record(c.LogConfiguration);
          if (log.LogDriver === 'awslogs') return record(log.Options)['awslogs-group'] === undefined ? `container ${String(c.Name)}: awslogs without awslogs-group` : undefined;
          return log.LogDriver === 'awsfirelens' ? undefined : `container ${String(c.Name)}: no LogConfiguration (awslogs or awsfirelens)`;
        }),
      'every container logs to CloudWatch Logs',
    ),
};
export default rule;
