import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const AGENT_MODULE = fileURLToPath(new URL('../agent.ts', import.meta.url));

/**
 * Runs in a fresh Node process (the test process has dockerode loaded already): import the agent,
 * list the heavy optional modules loaded, then ask an ssh:// Docker host for a ping.
 */
const PROBE = `
import { createRequire } from 'node:module';
await import(${JSON.stringify(AGENT_MODULE)});
const require = createRequire(${JSON.stringify(AGENT_MODULE)});
const heavy = () => Object.keys(require.cache).filter((k) => /node_modules\\/(ssh2|@grpc|protobufjs)\\//.test(k)).length;
const atStart = heavy();
const Docker = require('dockerode');
let sshError;
try {
  await new Docker({ protocol: 'ssh', host: '127.0.0.1', port: 1, username: 'nobody' }).ping();
} catch (err) {
  sshError = err.code ?? err.message;
}
console.log(JSON.stringify({ atStart, sshError, afterSsh: heavy() }));
`;

describe('agent: dockerode optional parts load on use', function () {
  this.timeout(30_000);

  it('does not load ssh2, gRPC or protobufjs at start, and an ssh:// Docker host still dials over ssh', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE], { encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { atStart: number; sshError: string; afterSsh: number };
    expect(result.atStart).to.equal(0);
    // ssh2's client reached the (closed) port: the real transport ran behind the stand-in.
    expect(result.sshError).to.equal('ECONNREFUSED');
    expect(result.afterSsh).to.be.greaterThan(0);
  });
});
