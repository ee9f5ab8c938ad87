import { expect } from 'chai';
import { cut, DISCORD_LIMITS, discordPayload } from '../discord.js';
import { sign, verify, TOLERANCE_SECONDS } from '../generic.js';
import { retryAfterMs } from '../sender.js';
import { checkTarget } from '../ssrf.js';

async function refusal(url: string, allowHosts: string[] = []): Promise<string> {
  try {
    await checkTarget(url, allowHosts);
    return 'allowed';
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe('webhooks: SSRF guard', () => {
  it('refuses loopback, private, link-local, metadata, unspecified, multicast and mapped targets, and other schemes', async () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://127.1.2.3:8080/x',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[fe80::1]/',
      'http://[fd00::1]/',
      'http://10.0.0.1/',
      'http://192.168.1.1/',
      'http://172.16.0.1/',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[::]/',
      'http://224.0.0.1/',
      'http://255.255.255.255/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://localhost:8080/',
    ]) {
      expect(await refusal(url), url).to.equal('webhook_target_refused');
    }
    for (const url of ['ftp://example.org/', 'file:///etc/passwd', 'gopher://x/', 'not a url', 'http://user:pw@example.org/']) {
      expect(await refusal(url), url).to.equal('webhook_url_scheme');
    }
  });

  it('lets public addresses through and internal ones only for hosts the operator named', async () => {
    expect(await refusal('https://93.184.215.14/hook')).to.equal('allowed');
    expect(await refusal('https://[2606:4700::1111]/hook')).to.equal('allowed');
    expect(await refusal('http://127.0.0.1:9/', ['127.0.0.1'])).to.equal('allowed');
    expect(await refusal('http://localhost:9/', ['127.0.0.1']), 'allowance is by the name in the URL').to.equal('webhook_target_refused');
    const checked = await checkTarget('http://localhost:9/', ['localhost']);
    expect(['127.0.0.1', '::1']).to.include(checked.address);
  });
});

describe('webhooks: payloads', () => {
  it('keeps a Discord embed inside every limit, whatever the event holds', () => {
    const data: Record<string, unknown> = { name: 'x'.repeat(5000), exitCode: 137 };
    for (let i = 0; i < 60; i++) data[`k${i}`.repeat(100)] = 'v'.repeat(2000);
    const payload = discordPayload({
      deliveryId: 1,
      webhookId: 'w',
      event: { id: 9, type: 'player.joined', serverId: 's', nodeId: 'n', data, occurredAt: new Date().toISOString() },
      serverName: 'S'.repeat(400),
      nodeName: 'node',
    });
    expect(payload.embeds).to.have.length.at.most(DISCORD_LIMITS.embeds);
    const [embed] = payload.embeds;
    expect(embed!.title.length).to.be.at.most(256);
    expect(embed!.fields.length).to.be.at.most(25);
    for (const f of embed!.fields) {
      expect(f.name.length).to.be.at.most(256);
      expect(f.value.length).to.be.at.most(1024);
    }
    const total =
      embed!.title.length +
      (embed!.description?.length ?? 0) +
      embed!.footer.text.length +
      embed!.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).to.be.at.most(6000);
    expect(embed!.color).to.equal(0x3498db);
    expect(cut('abcdef', 4)).to.equal('abc…');
  });

  it('signs timestamp.body so a receiver can verify it and refuse replays', () => {
    const now = 1_800_000_000;
    const body = '{"a":1}';
    const signature = sign('whsec_x', now, body);
    expect(signature).to.match(/^v1=[0-9a-f]{64}$/);
    expect(verify('whsec_x', { timestamp: String(now), signature }, body, now)).to.equal(true);
    expect(verify('whsec_x', { timestamp: String(now), signature }, '{"a":2}', now), 'tampered body').to.equal(false);
    expect(verify('whsec_y', { timestamp: String(now), signature }, body, now), 'other secret').to.equal(false);
    expect(verify('whsec_x', { timestamp: String(now), signature }, body, now + TOLERANCE_SECONDS + 1), 'replayed later').to.equal(false);
  });

  it("reads Discord's fractional retry_after and the Retry-After header", () => {
    expect(retryAfterMs({}, '{"message":"You are being rate limited.","retry_after":0.25,"global":false}')).to.equal(250);
    expect(retryAfterMs({ 'retry-after': '2' }, '')).to.equal(2000);
    expect(retryAfterMs({}, 'nope')).to.equal(null);
  });
});
