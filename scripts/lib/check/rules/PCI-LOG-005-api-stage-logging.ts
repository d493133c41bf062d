// The front door logs every request (access logs) and its execution, and traces with X-Ray.
import { eachResource, isTrue, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ApiGateway::Stage'] as const;

export const rule: Rule = {
  id: 'PCI-LOG-005',
  title: 'API Gateway stages have access logging, execution logging and X-Ray tracing',
  requirements: ['10.2.1', '10.2.2'],
  references: { securityHub: ['APIGateway.1', 'APIGateway.3'], configRules: ['api-gw-execution-logging-enabled', 'api-gw-xray-enabled'] },
  resourceTypes: TYPES,
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (stage) => {
        const p = stage.properties;
        const access = record(p.AccessLogSetting);
        const all = list(p.MethodSettings).map(record).find((s) => (s.HttpMethod ?? '*') === '*' && (s.ResourcePath ?? '/*') === '/*');
        const level = String(all?.LoggingLevel ?? 'OFF').toUpperCase();
        return [
          (access.DestinationArn === undefined || access.Format === undefined) && 'no access log (AccessLogSetting.DestinationArn and Format)',
          level !== 'INFO' && level !== 'ERROR' && 'execution logging is off (MethodSettings "*" "/*" LoggingLevel INFO or ERROR)',
          !isTrue(p.TracingEnabled) && 'TracingEnabled is not true',
        ];
      },
      'access logs, execution logs and X-Ray tracing on',
    ),
};
export default rule;
