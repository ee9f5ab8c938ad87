/**
 * A stand-in for a Paper server's start, run by node in the test game image: it loads the jars in
 * plugins/ the way Paper reports them (name and version from the uncompressed plugin.yml), fails
 * to enable any whose version says "broken", answers the save commands a backup sends, logs to logs/latest.log afresh at each start as
 * Paper does, prints Paper's "Done" line and stops on `stop`.
 */
export const PAPER_EMULATOR = `
import fs from 'node:fs';
fs.mkdirSync('logs', { recursive: true });
const log = fs.openSync('logs/latest.log', 'w');
const say = (l) => { const line = '[12:00:00 INFO]: ' + l; console.log(line); fs.writeSync(log, line + '\\n'); };
say('Starting minecraft server version 1.21.4');
const jars = fs.existsSync('plugins') ? fs.readdirSync('plugins').filter((f) => f.endsWith('.jar')).sort() : [];
for (const jar of jars) {
  const text = fs.readFileSync('plugins/' + jar, 'latin1');
  const name = /name: (\\S+)/.exec(text)?.[1] ?? jar;
  const version = /version: (\\S+)/.exec(text)?.[1] ?? '?';
  if (version.includes('broken')) say('[ERROR]: Error occurred while enabling ' + name + ' v' + version + ' (Is it up to date?)');
  else say('[' + name + '] Enabling ' + name + ' v' + version);
}
say('Done (0.4s)! For help, type "help"');
const answers = { 'save-all': 'Saved the game', 'save-all flush': 'Saved the game', 'save-off': 'Automatic saving is now disabled', 'save-on': 'Automatic saving is now enabled' };
process.stdin.on('data', (d) => {
  for (const command of String(d).split('\\n').map((l) => l.trim())) {
    if (command === 'stop') { say('Stopping server'); fs.closeSync(log); process.exit(0); }
    if (answers[command]) say(answers[command]);
  }
});
process.stdin.resume();
`;

export const paperEmulatorTemplate = {
  id: 'paper-emulator',
  name: 'Paper (emulated for tests)',
  category: 'testing',
  images: [{ name: 'Local test image', image: 'conductor-test-mc:latest' }],
  startup: '/usr/bin/node paper-emulator.mjs',
  donePattern: 'Done \\(',
  stopCommand: 'stop',
  recommendedMemory: [{ players: 10, memoryMb: 256 }],
  game: { loader: 'paper', minecraftVersion: '1.21.4' },
};
