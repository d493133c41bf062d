// Alarms reach a human: actions enabled and at least one alarm action.
import { eachResource, isFalse, list } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::CloudWatch::Alarm'] as const;

export const rule: Rule = {
  id: 'PCI-MON-001',
  title: 'CloudWatch alarms notify (actions enabled, an alarm action set)',
  requirements: ['10.4.1', '10.7.2', '12.10.5'],
  references: { securityHub: ['CloudWatch.15', 'CloudWatch.17'], configRules: ['cloudwatch-alarm-action-check', 'cloudwatch-alarm-action-enabled-check'] },
  resourceTypes: TYPES,
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (alarm) => [isFalse(alarm.properties.ActionsEnabled) && 'ActionsEnabled is false', list(alarm.properties.AlarmActions).length === 0 && 'no AlarmActions: nobody is told'],
      'notifies through its alarm actions',
    ),
};
export default rule;
