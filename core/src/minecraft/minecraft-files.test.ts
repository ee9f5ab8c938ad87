import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { ServerProperties } from './properties.js';
import {
  formatBanDate,
  parsePlayerList,
  playerLists,
  removeEntry,
  serializePlayerList,
  upsert,
  type PlayerListFile,
} from './player-lists.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('minecraft files: server.properties', () => {
  const text = fixture('server.properties');

  it('parses the file a 1.21 server writes, unescaping values', () => {
    const props = ServerProperties.parse(text);
    expect(props.get('motd')).to.equal('A Minecraft Server');
    expect(props.get('level-type')).to.equal('minecraft:normal');
    expect(props.get('generator-settings')).to.equal('{}');
    expect(props.get('level-seed')).to.equal('');
    expect(props.get('server-port')).to.equal('25565');
    expect(props.keys()).to.have.length(61);
  });

  it('round-trips byte for byte when nothing changes', () => {
    expect(ServerProperties.parse(text).toString()).to.equal(text);
  });

  it('changes one line in place, keeping comments and order, escaping like Properties.store', () => {
    const props = ServerProperties.parse(text).set('motd', 'Hello: world = #1 \\o/').set('max-players', 50).set('new-key', 'x');
    const out = props.toString();
    expect(out.startsWith('#Minecraft server properties\n#Tue Nov 25')).to.equal(true);
    expect(out).to.include('motd=Hello\\: world \\= \\#1 \\\\o/\n');
    expect(out).to.include('max-players=50\n');
    expect(out.trimEnd().endsWith('new-key=x')).to.equal(true);
    const lines = out.split('\n');
    expect(lines.indexOf('motd=Hello\\: world \\= \\#1 \\\\o/')).to.equal(text.split('\n').indexOf('motd=A Minecraft Server'));
    expect(ServerProperties.parse(out).get('motd')).to.equal('Hello: world = #1 \\o/');
    expect(
      out
        .replace(/motd=.*\n/, '')
        .replace('max-players=50', 'max-players=20')
        .replace('new-key=x\n', ''),
    ).to.equal(text.replace('motd=A Minecraft Server\n', ''));
  });

  it('reads Java properties syntax: separators, continuations, unicode escapes, ! comments', () => {
    const props = ServerProperties.parse(
      '! comment\nkey1 = value one\nkey2:value2\nkey3 value3\nmulti=first \\\n    second\nuni=caf\\u00e9\nspaced\\ key=v\n  indented=yes\nempty\n',
    );
    expect(props.toObject()).to.deep.equal({
      key1: 'value one',
      key2: 'value2',
      key3: 'value3',
      multi: 'first second',
      uni: 'café',
      'spaced key': 'v',
      indented: 'yes',
      empty: '',
    });
    expect(ServerProperties.parse('a=1\r\nb=2\r\n').set('a', 3).toString()).to.equal('a=3\r\nb=2\r\n');
  });

  it('escapes leading spaces and control characters in values, and deletes keys', () => {
    const props = ServerProperties.parse('a=1\nb=2\n').set('a', '  padded\tvalue').delete('b');
    expect(props.toString()).to.equal('a=\\  padded\\tvalue\n');
    expect(ServerProperties.parse(props.toString()).get('a')).to.equal('  padded\tvalue');
  });
});

describe('minecraft files: player lists', () => {
  const files: PlayerListFile[] = ['whitelist.json', 'ops.json', 'banned-players.json', 'banned-ips.json'];
  for (const file of files) {
    it(`${file}: parses the real format and writes it back identically`, () => {
      const text = fixture(file);
      const entries = parsePlayerList(file, text);
      expect(entries.length).to.be.greaterThan(0);
      expect(serializePlayerList(file, entries as never)).to.equal(text);
    });
  }

  it('keeps the fields the server writes', () => {
    const ops = parsePlayerList('ops.json', fixture('ops.json'));
    expect(ops[0]).to.deep.equal({ uuid: '069a79f4-44e9-4726-a5be-fca90e38aaf5', name: 'Notch', level: 4, bypassesPlayerLimit: false });
    const bans = parsePlayerList('banned-players.json', fixture('banned-players.json'));
    expect(bans[1]).to.include({ source: 'Notch', expires: '2025-12-21 09:00:00 +0100', reason: 'Griefing spawn' });
    expect(parsePlayerList('banned-ips.json', fixture('banned-ips.json'))[0]?.ip).to.equal('203.0.113.7');
  });

  it('treats an empty file as an empty list and refuses malformed entries', () => {
    expect(parsePlayerList('whitelist.json', '')).to.deep.equal([]);
    expect(() => parsePlayerList('ops.json', '[{"uuid":"x","name":"Notch","level":4,"bypassesPlayerLimit":false}]')).to.throw();
    expect(() =>
      parsePlayerList('ops.json', '[{"uuid":"069a79f4-44e9-4726-a5be-fca90e38aaf5","name":"Notch","level":9,"bypassesPlayerLimit":false}]'),
    ).to.throw();
    expect(() =>
      playerLists['banned-players.json'].parse([
        { uuid: '069a79f4-44e9-4726-a5be-fca90e38aaf5', name: 'x', created: 'yesterday', source: 's', expires: 'forever', reason: 'r' },
      ]),
    ).to.throw();
  });

  it('adds, replaces and removes entries, and formats ban dates like the server', () => {
    let list = parsePlayerList('whitelist.json', fixture('whitelist.json'));
    list = upsert(list, { uuid: '61699b2e-d327-4a01-9f1e-0ea8c3f06bc6', name: 'Dinnerbone' });
    list = upsert(list, { uuid: '069A79F4-44E9-4726-A5BE-FCA90E38AAF5', name: 'Notch2' });
    expect(list.map((e) => e.name)).to.deep.equal(['Notch2', 'jeb_', 'Dinnerbone']);
    expect(removeEntry(list, 'JEB_').map((e) => e.name)).to.deep.equal(['Notch2', 'Dinnerbone']);
    expect(formatBanDate(new Date(Date.UTC(2025, 0, 2, 3, 4, 5)))).to.equal('2025-01-02 03:04:05 +0000');
  });

  it('keeps unknown fields a mod may add', () => {
    const text = '[\n  {\n    "uuid": "069a79f4-44e9-4726-a5be-fca90e38aaf5",\n    "name": "Notch",\n    "note": "vip"\n  }\n]\n';
    expect(serializePlayerList('whitelist.json', parsePlayerList('whitelist.json', text))).to.equal(text);
  });
});
