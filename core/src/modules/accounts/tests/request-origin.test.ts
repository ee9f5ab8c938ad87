import { expect } from 'chai';
import { addressBucket, normalizeIp } from '../request-origin.js';

describe('accounts: per-address limit buckets', () => {
  it('counts an IPv6 /64 as one address, and IPv4 addresses (also mapped ones) one by one', () => {
    expect(addressBucket('2001:db8:0:1:aaaa::1')).to.equal(addressBucket('2001:DB8:0:1:bbbb:cccc:dddd:eeee'));
    expect(addressBucket('2001:db8:0:1::1')).to.not.equal(addressBucket('2001:db8:0:2::1'));
    expect(addressBucket('2001:db8::1')).to.equal('2001:db8:0:0::/64');
    expect(addressBucket(normalizeIp('::ffff:10.0.0.1'))).to.equal('10.0.0.1');
    expect(addressBucket('10.0.0.2')).to.not.equal(addressBucket('10.0.0.1'));
  });
});
