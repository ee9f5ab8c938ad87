import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { expect } from 'chai';
import mc from 'minecraft-protocol';
import { readHandshake } from './handshake.js';
import { normaliseHandshakeAddress } from './hostname.js';

/** The bytes a real minecraft-protocol client opens with, its handshake address set to `fakeHost`. */
async function clientOpening(fakeHost: string): Promise<Buffer> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const received = new Promise<Buffer>((resolve) => {
    server.once('connection', (socket) => {
      let bytes = Buffer.alloc(0);
      socket.on('data', (d: Buffer) => {
        bytes = Buffer.concat([bytes, d]);
        // The handshake and Login Start arrive together; wait for both before closing.
        setTimeout(() => {
          socket.destroy();
          resolve(bytes);
        }, 50);
      });
    });
  });
  const client = mc.createClient({
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    username: 'Capture',
    auth: 'offline',
    version: '1.21.4',
    fakeHost,
  });
  client.on('error', () => undefined);
  const bytes = await received;
  client.end();
  server.close();
  return bytes;
}

describe('edge proxy: handshake parser', () => {
  const table: Array<[string, string]> = [
    ['play.example.com', 'play.example.com'],
    ['Play.Example.COM.', 'play.example.com'],
    ['forge.example.com\0FML\0', 'forge.example.com'],
    ['forge.example.com\0FML2\0', 'forge.example.com'],
    ['Forge.Example.com.\0FML3\0', 'forge.example.com'],
    ['mc.example.com///203.0.113.9:53122///1733170000///c2lnbmF0dXJlLWJ5LXRjcHNoaWVsZA==', 'mc.example.com'],
    ['mc.example.com\\extra-data', 'mc.example.com'],
  ];

  for (const [sent, hostname] of table) {
    it(`reads a real client's login handshake to ${JSON.stringify(sent)} as ${hostname}`, async () => {
      const bytes = await clientOpening(sent);
      const read = readHandshake(bytes);
      if (read.kind !== 'handshake') throw new Error(`expected a handshake, got ${read.kind}`);
      expect(read.handshake).to.deep.equal({ protocolVersion: 769, address: sent, hostname, port: read.handshake.port, nextState: 2 });
      // The Login Start after it stays unread, for the backend.
      expect(read.size).to.be.lessThan(bytes.length);
      // Every cut-short prefix is "wait for more", never a wrong answer.
      for (let i = 0; i < read.size; i++) expect(readHandshake(bytes.subarray(0, i)).kind).to.equal('incomplete');
    });
  }

  it('recognises a legacy ping by its 0xFE byte', () => {
    expect(readHandshake(Buffer.from([0xfe, 0x01, 0xfa])).kind).to.equal('legacy');
  });

  it('refuses oversized length prefixes, over-long VarInts, other packets and bad next states', async () => {
    const good = await clientOpening('ok.example.com');
    const handshake = readHandshake(good);
    if (handshake.kind !== 'handshake') throw new Error('no handshake');
    const cases: Array<[string, Buffer]> = [
      ['a six-byte VarInt', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])],
      ['a length over the limit', Buffer.from([0xff, 0xff, 0x03, 0x00])],
      ['a zero length', Buffer.from([0x00, 0x00])],
      ['packet 0x01', Buffer.from([0x02, 0x01, 0x00])],
      ['next state 4', Buffer.concat([good.subarray(0, handshake.size - 1), Buffer.from([0x04])])],
      ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\nHost: play.example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n\r\n')],
    ];
    for (const [what, bytes] of cases) expect(readHandshake(bytes).kind, what).to.equal('invalid');
    // A length that claims more than the handshake holds: trailing bytes inside the packet.
    const padded = Buffer.concat([Buffer.from([handshake.size]), good.subarray(1, handshake.size), Buffer.from([0x00])]);
    expect(readHandshake(padded).kind).to.equal('invalid');
  });

  it('normalises addresses the way players and their mods send them', () => {
    expect(normaliseHandshakeAddress('A.B.\0FML2\0')).to.equal('a.b');
    expect(normaliseHandshakeAddress('')).to.equal('');
    expect(normaliseHandshakeAddress('x.example.com.///1.1.1.1:1///1///s')).to.equal('x.example.com');
  });
});
