import { describe, expect, it } from 'vitest';
import { addressRange, isAddressAllowed } from '../../../net/address-guard.ts';
import { parseCidrList, type Cidr } from '../../../net/cidr.ts';
import { parseIp } from '../../../net/ip-address.ts';

const REFUSED: [string, string][] = [
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.0.0.5', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  ['169.254.169.254', 'link_local'],
  ['0.0.0.0', 'this_network'],
  ['0.1.2.3', 'this_network'],
  ['224.0.0.251', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'reserved'],
  ['192.0.2.10', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.99', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['192.0.0.8', 'ietf_protocol'],
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['fc00::1', 'special_v6'],
  ['fd12:3456:789a::1', 'special_v6'],
  ['fe80::1', 'special_v6'],
  ['febf::1', 'special_v6'],
  ['fec0::1', 'special_v6'],
  ['ff02::1', 'special_v6'],
  ['::127.0.0.1', 'special_v6'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:10.1.2.3', 'private'],
  ['::FFFF:192.168.0.1', 'private'],
  ['::ffff:7f00:1', 'loopback'],
  ['64:ff9b::10.0.0.1', 'private'],
  ['64:ff9b:1::1', 'special_v6'],
  ['2002:0a00:0001::1', 'private'],
  ['2002:7f00:0001::1', 'loopback'],
  ['2001::1', 'teredo'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
  ['2001:2::1', 'benchmarking'],
  ['2001:db8::25', 'documentation'],
  ['2001:DB8:0:0:8:800:200C:417A', 'documentation'],
  ['3fff:1::1', 'documentation'],
  ['2001:10::1', 'orchid'],
];

const PUBLIC = [
  '1.2.3.4',
  '9.9.9.10',
  '9.9.9.9',
  '100.63.255.255',
  '100.128.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.169.0.1',
  '198.17.255.255',
  '198.20.0.0',
  '223.255.255.255',
  '142.250.74.46',
  '2606:4700:4700::1111',
  '2001:4860:4860::8888',
  '2a00:1450:4001:80b::200e',
  '::ffff:9.9.9.10',
  '64:ff9b::9.9.9.10',
  '2002:0808:0808::1',
];

const INVALID = ['', 'localhost', '127.1', '0x7f.0.0.1', '0177.0.0.1', '127.0.0.01', '1.2.3.256', '1.2.3', '1.2.3.4.5', ' 1.2.3.4', '1.2.3.4 ', '::1%lo', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9', '1::2::3', ':::', '12345::', 'g::1', '::ffff:1.2.3', '1:2:3:4:5:6:7:1.2.3.4', '[::1]'];

describe('private-address guard', () => {
  it.each(REFUSED)('refuses %s (%s)', (address, range) => {
    expect(addressRange(address)).toBe(range);
    expect(isAddressAllowed(address, [])).toBe(false);
  });

  it.each(PUBLIC)('allows public %s', (address) => {
    expect(addressRange(address)).toBeNull();
    expect(isAddressAllowed(address, [])).toBe(true);
  });

  it.each(INVALID)('refuses what is not a canonical address: %j', (address) => {
    expect(parseIp(address)).toBeNull();
    expect(isAddressAllowed(address, [])).toBe(false);
    expect(isAddressAllowed(address, nets('0.0.0.0/0, ::/0'))).toBe(false);
  });

  it('lets the allow-list open exactly its networks', () => {
    const allow = nets('127.0.0.0/8, fd00:b2::/32');
    expect(isAddressAllowed('127.0.0.24', allow)).toBe(true);
    expect(isAddressAllowed('::ffff:127.0.0.1', allow)).toBe(true);
    expect(isAddressAllowed('fd00:b2:1::5', allow)).toBe(true);
    expect(isAddressAllowed('fd00:b3::5', allow)).toBe(false);
    expect(isAddressAllowed('10.0.0.5', allow)).toBe(false);
    expect(isAddressAllowed('192.168.1.1', allow)).toBe(false);
    expect(isAddressAllowed('::1', allow)).toBe(false);
  });

  it('honours prefix boundaries and clears host bits', () => {
    const allow = nets('10.1.2.3/24');
    expect(isAddressAllowed('10.1.2.0', allow)).toBe(true);
    expect(isAddressAllowed('10.1.2.255', allow)).toBe(true);
    expect(isAddressAllowed('10.1.3.0', allow)).toBe(false);
    expect(isAddressAllowed('10.1.1.255', allow)).toBe(false);
    expect(isAddressAllowed('192.168.7.7', nets('192.168.7.7/32'))).toBe(true);
    expect(isAddressAllowed('192.168.7.8', nets('192.168.7.7/32'))).toBe(false);
  });

  it('parses IPv6 spellings to the same number', () => {
    const a = parseIp('2001:db8:0:0:0:0:0:1');
    expect(parseIp('2001:db8::1')).toEqual(a);
    expect(parseIp('2001:DB8::0:1')).toEqual(a);
    expect(parseIp('::ffff:1.2.3.4')).toEqual(parseIp('::ffff:102:304'));
    expect(parseIp('1:2:3:4:5:6:1.2.3.4')).toEqual(parseIp('1:2:3:4:5:6:102:304'));
    expect(parseIp('1::1.2.3.4')).toEqual(parseIp('1::102:304'));
  });
});

describe('parseCidrList', () => {
  it('reads commas and white space, and empty text as none', () => {
    expect(parseCidrList('')).toEqual({ ok: true, nets: [] });
    const parsed = parseCidrList(' 127.0.0.0/8,\n10.0.0.0/8  ::1/128 ');
    expect(parsed.ok && parsed.nets.length).toBe(3);
  });

  it.each(['127.0.0.1', '127.0.0.0/33', '10.0.0.0/8/9', '10.0.0/8', 'localhost/8', '::1/129', '10.0.0.0/-1', '10.0.0.0/x', '::ffff:1.2.3.4/95'])(
    'names the bad item in %j',
    (text) => {
      const parsed = parseCidrList(`127.0.0.0/8, ${text}`);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toContain(text);
    },
  );

  it('treats an IPv4-mapped network as the IPv4 network', () => {
    expect(isAddressAllowed('127.0.0.9', nets('::ffff:127.0.0.0/104'))).toBe(true);
  });
});

function nets(text: string): Cidr[] {
  const parsed = parseCidrList(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.nets;
}
