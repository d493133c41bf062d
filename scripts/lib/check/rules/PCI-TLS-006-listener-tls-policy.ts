// Load balancer listeners terminate TLS with a certificate and a TLS 1.2+ security policy; plain
// HTTP only answers with a redirect to HTTPS.
import { eachResource, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ElasticLoadBalancingV2::Listener'] as const;
/** Predefined ELB policies that offer TLS 1.2 or later only. */
const MODERN_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|FS-1-2-|TLS-1-2-)/;

function redirectsToHttps(listener: { properties: Record<string, unknown> }): boolean {
  const actions = list(listener.properties.DefaultActions).map(record);
  return actions.length > 0 && actions.every((a) => a.Type === 'redirect' && String(record(a.RedirectConfig).Protocol).toUpperCase() === 'HTTPS');
}

const rule: Rule = {
  id: 'PCI-TLS-006',
  title: 'Load balancer listeners use TLS with a modern (TLS 1.2+) security policy; HTTP only redirects',
  requirements: ['4.2.1', '2.2.7'],
  references: { securityHub: ['ELB.1', 'ELB.17'], configRules: ['alb-http-to-https-redirection-check', 'elbv2-predefined-security-policy-ssl-check'] },
  resourceTypes: TYPES,
  notChecked: 'certificates (ACM renewal and key type) and the TLS configuration of the targets behind the listener (PCI-TLS-007)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (listener) => {
        const p = listener.properties;
        const protocol = String(p.Protocol ?? '').toUpperCase();
        if (protocol === 'HTTP') return [!redirectsToHttps(listener) && 'HTTP listener that does not redirect to HTTPS: clear-text traffic'];
        if (protocol !== 'HTTPS' && protocol !== 'TLS') return [`Protocol ${protocol || 'missing'}: traffic is not encrypted by the listener (use TLS or HTTPS)`];
        const policy = String(p.SslPolicy ?? '');
        return [
          !MODERN_POLICY.test(policy) && `SslPolicy ${policy || 'unset (the default allows TLS 1.0/1.1)'} is not a TLS 1.2+ policy (e.g. ELBSecurityPolicy-TLS13-1-2-2021-06)`,
          list(p.Certificates).length === 0 && 'no certificate',
        ];
      },
      (listener) =>
        String(listener.properties.Protocol).toUpperCase() === 'HTTP'
          ? 'HTTP redirects to HTTPS'
          : `${String(listener.properties.Protocol)} with ${String(listener.properties.SslPolicy)}`,
    ),
};
export default rule;
