import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initSync, MSTL } from '@bsull/augurs/mstl';

let ready = false;

/** augurs ships MSTL as WebAssembly; in Node its bytes are read from the package and compiled once. */
export function loadMstl(): typeof MSTL {
  if (!ready) {
    const entry = createRequire(import.meta.url).resolve('@bsull/augurs/mstl');
    initSync({ module: readFileSync(entry.replace(/mstl\.js$/, 'mstl_bg.wasm')) });
    ready = true;
  }
  return MSTL;
}
