// Every internet-facing entry point sits behind WAF: each stage of a public REST API is associated
// with a web ACL through its *stage* ARN (an execute-api ARN does not attach WAF), and so is any
// internet-facing ALB.
import { associatedStage } from '../segmentation.js';
import { finding } from '../rule-kit.js';
import type { Rule, RuleFinding } from '../types.js';

const rule: Rule = {
  id: 'PCI-WAF-001',
  title: 'The front door (every public API stage, any internet-facing ALB) is protected by WAF',
  requirements: ['6.4.1', '6.4.2', '1.4.1'],
  references: { securityHub: ['APIGateway.4', 'ELB.16'], configRules: ['api-gw-associated-with-waf', 'alb-waf-enabled'] },
  resourceTypes: ['AWS::ApiGateway::Stage', 'AWS::WAFv2::WebACLAssociation', 'AWS::ElasticLoadBalancingV2::LoadBalancer'],
  notChecked: 'other internet entry points created outside these templates (CloudFront, other APIs: Config rule api-gw-associated-with-waf in the account)',
  check: (ctx): RuleFinding[] => {
    const out: RuleFinding[] = [];
    const doors = ctx.segmentation().frontDoors;
    for (const door of doors) {
      for (const { stage, webAcls } of door.stages) {
        if (!door.internet) out.push(finding(stage, true, 'private API (not reachable from the internet)'));
        else
          out.push(
            finding(
              stage,
              webAcls.length > 0,
              webAcls.length > 0 ? `protected by WAF ${webAcls.map((a) => a.logicalId).join(', ')}` : 'public API stage without a WAF web ACL association',
            ),
          );
      }
    }
    for (const association of ctx.resources('AWS::WAFv2::WebACLAssociation')) {
      const stage = associatedStage(ctx, association);
      const lb = ctx.resolveResource(association, association.properties.ResourceArn, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
      out.push(
        finding(
          association,
          Boolean(stage || lb),
          stage
            ? `associates the web ACL with stage ${stage.logicalId}`
            : lb
              ? `associates the web ACL with ${lb.logicalId}`
              : 'ResourceArn is not an API Gateway stage ARN (arn:…:apigateway:<region>::/restapis/<id>/stages/<name>) nor a load balancer: WAF protects nothing',
        ),
      );
    }
    for (const lb of ctx.resources('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
      if (lb.properties.Type === 'network' || lb.properties.Type === 'gateway' || lb.properties.Scheme === 'internal') continue;
      const protectedBy = ctx.referrers(lb, 'AWS::WAFv2::WebACLAssociation');
      out.push(
        finding(
          lb,
          protectedBy.length > 0,
          protectedBy.length > 0 ? 'internet-facing ALB protected by WAF' : 'internet-facing ALB without WAF: the WAF-protected front door can be bypassed',
        ),
      );
    }
    return out;
  },
};
export default rule;
