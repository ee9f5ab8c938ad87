// Builds dist/: the JavaScript (each name re-exported from the panel's @conductor/core) and one
// self-contained index.d.ts with core's declarations inlined (dts-bundle-generator), so a plugin
// type-checks against the package alone.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
const run = (cmd, args) => execFileSync(cmd, args, { cwd: here, stdio: 'inherit' });

rmSync(`${here}dist`, { recursive: true, force: true });
run(bin('tsc'), ['-p', 'tsconfig.json']);
// tsconfig.dts.json maps @conductor/core to its sources, so they are inlined rather than kept as an import.
for (const entry of ['index', 'testing']) {
  run(bin('dts-bundle-generator'), ['--project', 'tsconfig.dts.json', '--no-banner', '-o', `dist/${entry}.d.ts`, `src/${entry}.ts`]);
}
