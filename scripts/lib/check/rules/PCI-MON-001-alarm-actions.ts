// Alarms reach a person: actions enabled, and every alarm notifies an SNS topic of the platform
// that has a subscriber in this context. A topic without a subscription delivers to nobody
// (https://docs.aws.amazon.com/sns/latest/dg/sns-create-subscribe-endpoint-to-topic.html), so
// an alarm wired to it is silent however often it fires. Outside staging and production (dev,
// no cardholder data) the subscriber is not required and the evidence says so.
import type { CheckContext, EvaluatedResource } from '../rule-context.js';
import { environmentOf, finding, isFalse, list, record } from '../rule-kit.js';
import type { Rule, RuleFinding } from '../types.js';

const TYPES = ['AWS::CloudWatch::Alarm'] as const;

/** Subscriptions that deliver a topic's messages somewhere (a non-empty endpoint). */
export function subscribers(ctx: CheckContext, topic: EvaluatedResource): string[] {
  const inline = list(topic.properties.Subscription)
    .map(record)
    .filter((s) => s.Endpoint !== undefined && s.Endpoint !== '')
    .map((s) => `${String(s.Protocol)} (inline)`);
  const separate = ctx
    .referrers(topic, 'AWS::SNS::Subscription')
    .map((r) => r.from)
    .filter((s) => ctx.resolveResource(s, s.properties.TopicArn) === topic && s.properties.Endpoint !== undefined && s.properties.Endpoint !== '')
    .map((s) => `${String(s.properties.Protocol)} ${s.logicalId}`);
  return [...inline, ...separate];
}

function check(ctx: CheckContext): RuleFinding[] {
  const environment = environmentOf(ctx);
  const subscriberRequired = environment !== 'dev';
  return ctx.resources(...TYPES).map((alarm) => {
    const p = alarm.properties;
    const actions = list(p.AlarmActions);
    if (isFalse(p.ActionsEnabled)) return finding(alarm, false, 'ActionsEnabled is false: the alarm changes state and tells nobody');
    if (actions.length === 0) return finding(alarm, false, 'no AlarmActions: nobody is told');
    const reached: string[] = [];
    const silent: string[] = [];
    for (const action of actions) {
      const topic = ctx.resolveResource(alarm, action, 'AWS::SNS::Topic');
      if (!topic) {
        silent.push(
          `action ${typeof action === 'string' ? action : JSON.stringify(action)} is not an SNS topic of the platform: its subscribers cannot be verified before deployment`,
        );
        continue;
      }
      const subs = subscribers(ctx, topic);
      if (subs.length > 0) reached.push(`${topic.logicalId} → ${subs.join(', ')}`);
      else silent.push(`topic ${topic.layer}/${topic.logicalId} has no subscription in ${ctx.variant}: the alarm reaches nobody`);
    }
    if (reached.length > 0) return finding(alarm, true, `notifies ${reached.join('; ')}`);
    if (!subscriberRequired)
      return finding(alarm, true, `actions set, but ${silent.join('; ')} — not required in dev (no cardholder data); staging and production need a subscriber`);
    return finding(alarm, false, silent.join('; '));
  });
}

const rule: Rule = {
  id: 'PCI-MON-001',
  title: 'CloudWatch alarms notify a subscribed SNS topic (actions enabled; a subscriber in staging and production)',
  requirements: ['10.4.1', '10.4.1.1', '10.7.1', '10.7.2', '12.10.5'],
  references: { securityHub: ['CloudWatch.15', 'CloudWatch.17'], configRules: ['cloudwatch-alarm-action-check', 'cloudwatch-alarm-action-enabled-check'] },
  resourceTypes: TYPES,
  notChecked:
    'that an e-mail subscription is confirmed and the mailbox is watched by someone on call (SNS ListSubscriptionsByTopic shows PendingConfirmation; the incident-response plan names who answers); that alarms exist for every critical security control (GuardDuty, Security Hub, Config compliance changes need EventBridge rules in the account); dev alarms need no subscriber',
  check,
};
export default rule;
