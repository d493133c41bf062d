// dev: the cheapest settings that still satisfy every PCI control (encryption, TLS, logging,
// segmentation stay on; only size, redundancy and deletion protection go down).
export default {
  Environment: 'dev',
  VpcCidr: '10.10.0.0/16',
  NatGatewayCount: 1,
};
