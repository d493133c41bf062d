// IPv4 CIDR arithmetic for the segmentation proof and for evaluating Fn::Cidr.

export interface Cidr {
  readonly text: string;
  /** First address as an unsigned 32-bit integer. */
  readonly start: number;
  /** Last address (inclusive). */
  readonly end: number;
  readonly prefix: number;
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses "10.0.0.0/16"; undefined when the text is not an IPv4 CIDR. */
export function parseCidr(text: unknown): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const match = IPV4_CIDR.exec(text.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const size = 2 ** (32 - prefix);
  const start = address - (address % size);
  return { text: text.trim(), start, end: start + size - 1, prefix };
}

const toDotted = (n: number): string => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');

export const contains = (outer: Cidr, inner: Cidr): boolean => outer.start <= inner.start && inner.end <= outer.end;

/** The address space of the internet as seen from a VPC: everything but RFC 1918 and link-local. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'].map((c) => parseCidr(c)!);

/** True when the range contains at least one address outside the private ranges (i.e. internet addresses). */
export function reachesPublicAddresses(cidr: Cidr): boolean {
  let covered = 0;
  for (const range of PRIVATE_RANGES) {
    const start = Math.max(range.start, cidr.start);
    const end = Math.min(range.end, cidr.end);
    if (start <= end) covered += end - start + 1;
  }
  return covered < cidr.end - cidr.start + 1;
}

/** Fn::Cidr: the first `count` subnets of `cidrBits` host bits each inside `block`. */
export function fnCidr(block: string, count: number, cidrBits: number): string[] | undefined {
  const parent = parseCidr(block);
  if (!parent || !Number.isInteger(count) || !Number.isInteger(cidrBits) || cidrBits < 0 || cidrBits > 32 - parent.prefix) return undefined;
  const size = 2 ** cidrBits;
  const available = (parent.end - parent.start + 1) / size;
  if (count < 1 || count > available) return undefined;
  return Array.from({ length: count }, (_, i) => `${toDotted(parent.start + i * size)}/${32 - cidrBits}`);
}
