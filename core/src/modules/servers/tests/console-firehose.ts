import { testImage, type TestPanel } from '@conductor/test';

/**
 * A template whose "game" prints `linesPerSecond` console lines of about 100 bytes, in 100 batches
 * a second, in the test image's own node: real container output through the real agent. Each line
 * reads `line <n> <ms since the epoch> xxx…`, so a reader on the same host can time its trip.
 */
export async function firehoseTemplate(panel: TestPanel, id: string, linesPerSecond: number): Promise<void> {
  const base = (await panel.request('GET', '/api/templates/conductor-test')).body.template;
  const perTick = Math.max(1, Math.round(linesPerSecond / 100));
  const script =
    `const pad='x'.repeat(80);let n=0;console.log('Done (0s)');` +
    `setInterval(()=>{const t=Date.now();let b='';for(let i=0;i<${perTick};i++)b+='line '+(n++)+' '+t+' '+pad+String.fromCharCode(10);process.stdout.write(b)},10)`;
  const template = {
    ...base,
    id,
    name: 'Console firehose',
    images: [{ name: 'Test image', image: await testImage() }],
    startup: `/usr/bin/node -e "${script}"`,
  };
  const created = await panel.request('POST', '/api/templates', { body: template });
  if (created.status !== 201) throw new Error(`could not add the template: ${JSON.stringify(created.body)}`);
}
