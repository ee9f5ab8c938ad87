import { expect } from 'chai';
import { isPublicAddress, literalAddress } from '../src/shared.js';

/**
 * The one policy for outbound targets (the agent's pulls, the panel's webhooks). Every row is a
 * spelling of an address; the ones embedding IPv4 are judged the way the kernel would connect.
 */
describe('address policy (pulls and webhooks)', () => {
  const table: [string, boolean, string][] = [
    ['8.8.8.8', true, 'public IPv4'],
    ['93.184.215.14', true, 'public IPv4'],
    ['2606:4700:4700::1111', true, 'public IPv6'],
    ['2001:4860:4860::8888', true, 'public IPv6 inside 2001::/16 but outside Teredo'],
    ['127.0.0.1', false, 'loopback'],
    ['127.255.255.254', false, 'loopback'],
    ['10.0.0.1', false, 'private'],
    ['172.16.5.4', false, 'private'],
    ['192.168.1.1', false, 'private'],
    ['169.254.169.254', false, 'link-local, cloud metadata'],
    ['100.64.0.1', false, 'carrier-grade NAT'],
    ['0.0.0.0', false, 'unspecified'],
    ['255.255.255.255', false, 'broadcast'],
    ['224.0.0.1', false, 'multicast'],
    ['192.88.99.1', false, '6to4 relay anycast'],
    ['240.0.0.1', false, 'reserved'],
    ['::1', false, 'IPv6 loopback'],
    ['::', false, 'IPv6 unspecified'],
    ['fe80::1', false, 'IPv6 link-local'],
    ['fec0::1', false, 'IPv6 site-local'],
    ['fc00::1', false, 'IPv6 unique local'],
    ['ff02::1', false, 'IPv6 multicast'],
    ['2001:db8::1', false, 'documentation'],
    ['100::1', false, 'discard'],
    ['::1:0:0', false, 'outside 2000::/3'],
    // IPv4-mapped: judged as the IPv4 address it is sent to, in every spelling.
    ['::ffff:127.0.0.1', false, 'mapped loopback'],
    ['::ffff:7f00:1', false, 'mapped loopback, hex'],
    ['0:0:0:0:0:ffff:7f00:1', false, 'mapped loopback, long'],
    ['::FFFF:7F00:1', false, 'mapped loopback, upper case'],
    ['::ffff:169.254.169.254', false, 'mapped metadata'],
    ['::ffff:a9fe:a9fe', false, 'mapped metadata, hex'],
    ['::ffff:10.0.0.1', false, 'mapped private'],
    ['::ffff:8.8.8.8', true, 'mapped public'],
    ['::ffff:808:808', true, 'mapped public, hex'],
    // IPv4-compatible (deprecated, ::/96): never a public target.
    ['::127.0.0.1', false, 'compatible loopback'],
    ['::7f00:1', false, 'compatible loopback, hex'],
    ['0:0:0:0:0:0:127.0.0.1', false, 'compatible loopback, long'],
    ['::169.254.169.254', false, 'compatible metadata'],
    ['::8.8.8.8', false, 'compatible public (deprecated, not routed)'],
    // Translation and tunnel prefixes.
    ['::ffff:0:127.0.0.1', false, 'SIIT ::ffff:0:0:0/96'],
    ['64:ff9b::127.0.0.1', false, 'NAT64 well-known prefix'],
    ['64:ff9b::7f00:1', false, 'NAT64 well-known prefix, hex'],
    ['64:ff9b::8.8.8.8', false, 'NAT64 of a public address'],
    ['64:ff9b:1::a00:1', false, 'NAT64 local-use prefix'],
    ['2002:7f00:1::', false, '6to4 of loopback'],
    ['2002:808:808::1', false, '6to4 of a public address'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', false, 'Teredo'],
    ['2001::7f00:1', false, 'Teredo, short'],
    // Not addresses at all.
    ['not an address', false, 'garbage'],
    ['fe80::1%eth0', false, 'zone id'],
    ['010.0.0.1', false, 'leading zeros'],
    ['', false, 'empty'],
  ];
  for (const [address, allowed, what] of table) {
    it(`${address || '(empty)'} (${what}) is ${allowed ? 'allowed' : 'refused'}`, () => expect(isPublicAddress(address)).to.equal(allowed));
  }

  it('reads literal addresses out of URL host names, and nothing out of names', () => {
    const host = (url: string) => literalAddress(new URL(url).hostname);
    expect(host('http://[::127.0.0.1]/')).to.equal('::7f00:1');
    expect(host('http://[::ffff:127.0.0.1]:8080/')).to.equal('::ffff:7f00:1');
    expect(host('http://2130706433/')).to.equal('127.0.0.1');
    expect(host('http://0x7f.1/')).to.equal('127.0.0.1');
    expect(host('http://example.org/')).to.equal(null);
    expect(host('http://1.2.3.4.example/')).to.equal(null);
  });
});
