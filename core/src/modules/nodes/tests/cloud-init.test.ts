import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { load } from 'js-yaml';
import { ZodError } from 'zod';
import { renderNodeCloudInit } from '../cloud-init.js';

const token = 'cdn_Abcdefghijklmnopqrstuvwxyz0123456789-_ABCDEFG';
const installer = readFileSync(new URL('../../../../../installer/install.sh', import.meta.url));

type CloudConfig = {
  packages: string[];
  write_files: { path: string; encoding: string; content: string; permissions: string }[];
  runcmd: string[][];
};

function parse(text: string): CloudConfig {
  expect(text.split('\n')[0], 'cloud-init reads user data as cloud-config only after this first line').to.equal('#cloud-config');
  return load(text) as CloudConfig;
}

describe('node cloud-init (renderNodeCloudInit)', () => {
  it('renders cloud-config that writes install.sh byte for byte and runs it as a node for the panel', () => {
    const config = parse(
      renderNodeCloudInit({
        panelUrl: 'https://panel.example.com',
        token,
        sourceUrl: 'https://downloads.example.com/conductor.tar.gz',
        agentPort: 9443,
      }),
    );
    const script = config.write_files[0]!;
    expect(script.encoding).to.equal('b64');
    expect(Buffer.from(script.content, 'base64').equals(installer)).to.equal(true);
    expect(config.runcmd[0]).to.deep.equal([
      'bash',
      script.path,
      'node',
      '--panel',
      'https://panel.example.com',
      '--token',
      token,
      '--port',
      '9443',
      '--source',
      'https://downloads.example.com/conductor.tar.gz',
    ]);
    expect(config.packages).to.include('curl');
  });

  it('keeps YAML and shell syntax in a value as part of that value', () => {
    // Quotes, a comment sign, ": " (a mapping), flow brackets, a backslash, a newline escape, non-ASCII and an emoji.
    const panelUrl = `https://panel.example.com/a?q="x"&y='z'\\n#frag:ü[b],{c}%0A\u{1F600}`;
    const config = parse(renderNodeCloudInit({ panelUrl, token, sourceUrl: 'http://10.0.0.5:8000/c.tgz' }));
    expect(config.runcmd[0]![4]).to.equal(panelUrl);
    expect(config.runcmd[0]![8]).to.equal('8443');
    expect(config.runcmd[0]![10]).to.equal('http://10.0.0.5:8000/c.tgz');
  });

  it('refuses values the installer would refuse, naming the field', () => {
    const bad = [
      { panelUrl: 'ftp://panel.example.com', token, sourceUrl: 'https://x.example/c.tgz' },
      { panelUrl: 'https://panel.example.com', token: 'short', sourceUrl: 'https://x.example/c.tgz' },
      { panelUrl: 'https://panel.example.com', token: `${token}"; rm -rf /`, sourceUrl: 'https://x.example/c.tgz' },
      { panelUrl: 'https://panel.example.com', token, sourceUrl: 'https://x.example/c.tgz', extra: 1 },
    ];
    const fields = bad.map((input) => {
      try {
        renderNodeCloudInit(input as never);
        return 'rendered';
      } catch (err) {
        expect(err).to.be.instanceOf(ZodError);
        return (err as ZodError).issues[0]!.path.join('.') || (err as ZodError).issues[0]!.code;
      }
    });
    expect(fields).to.deep.equal(['panelUrl', 'token', 'token', 'unrecognized_keys']);
  });
});
