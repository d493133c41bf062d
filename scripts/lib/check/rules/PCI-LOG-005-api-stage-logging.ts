// The front door logs every request (access logs) and its execution, and traces with X-Ray.
import { eachResource, isTrue, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ApiGateway::Stage'] as const;

/**
 * What PCI DSS 10.2.2 asks every audit record to carry, and the $context variables of an API
 * Gateway access log that carry it (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html).
 * An API key ID names a usage plan's key, not an authenticated caller: it does not identify the user.
 */
export const AUDIT_FIELDS: readonly { readonly what: string; readonly variables: readonly string[] }[] = [
  {
    what: 'user identification',
    variables: [
      '$context.identity.caller',
      '$context.identity.user',
      '$context.identity.userArn',
      '$context.authorizer.principalId',
      '$context.authorizer.claims.sub',
      '$context.identity.cognitoIdentityId',
      '$context.identity.clientCert.subjectDN',
    ],
  },
  { what: 'type of event', variables: ['$context.httpMethod'] },
  { what: 'date and time', variables: ['$context.requestTime', '$context.requestTimeEpoch'] },
  { what: 'success or failure', variables: ['$context.status'] },
  { what: 'origination', variables: ['$context.identity.sourceIp'] },
  { what: 'affected resource', variables: ['$context.resourcePath', '$context.path'] },
];

/** The 10.2.2 elements an access-log format leaves out. */
export const missingAuditFields = (format: string): string[] => AUDIT_FIELDS.filter((f) => !f.variables.some((v) => usesVariable(format, v))).map((f) => f.what);

/** Whether a format names the variable itself ($context.identity.user, not $context.identity.userAgent). */
const usesVariable = (format: string, variable: string): boolean => new RegExp(`${variable.replace(/[$.]/g, '\\$&')}(?![A-Za-z0-9_])`).test(format);

const rule: Rule = {
  id: 'PCI-LOG-005',
  title: 'API Gateway stages have access logging, execution logging and X-Ray tracing',
  requirements: ['10.2.1', '10.2.2'],
  notChecked:
    "what the application logs about the business event (who paid what is in the application logs, the entity's responsibility); delivery of the logs (CloudWatch Logs metrics)",
  references: { securityHub: ['APIGateway.1', 'APIGateway.3'], configRules: ['api-gw-execution-logging-enabled', 'api-gw-xray-enabled'] },
  resourceTypes: TYPES,
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (stage) => {
        const p = stage.properties;
        const access = record(p.AccessLogSetting);
        const all = list(p.MethodSettings)
          .map(record)
          .find((s) => (s.HttpMethod ?? '*') === '*' && (s.ResourcePath ?? '/*') === '/*');
        const level = String(all?.LoggingLevel ?? 'OFF').toUpperCase();
        return [
          (access.DestinationArn === undefined || access.Format === undefined) && 'no access log (AccessLogSetting.DestinationArn and Format)',
          typeof access.Format === 'string' &&
            missingAuditFields(access.Format).length > 0 &&
            `the access-log format records no ${missingAuditFields(access.Format).join(', ')} (PCI DSS 10.2.2; an API key ID is not a user)`,
          level !== 'INFO' && level !== 'ERROR' && 'execution logging is off (MethodSettings "*" "/*" LoggingLevel INFO or ERROR)',
          !isTrue(p.TracingEnabled) && 'TracingEnabled is not true',
        ];
      },
      'access logs with every 10.2.2 element (caller, event, time, outcome, origin, resource), execution logs and X-Ray tracing on',
    ),
};
export default rule;
