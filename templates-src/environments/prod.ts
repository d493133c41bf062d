// prod: Multi-AZ everywhere, deletion protection on, one NAT gateway per AZ.
export default {
  Environment: 'prod',
  VpcCidr: '10.30.0.0/16',
  NatGatewayCount: 3,
};
