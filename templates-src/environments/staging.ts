// staging: production shape at smaller sizes, so releases are rehearsed on the same topology.
export default {
  Environment: 'staging',
  VpcCidr: '10.20.0.0/16',
  NatGatewayCount: 3,
};
