import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { APP_ROOT } from '../../kernel/kernel.js';

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL' })
  .regex(/^\S+$/, { error: 'expected a URL without spaces' });

export const nodeCloudInitInput = z.strictObject({
  /** The panel the node is installed for (install.sh node --panel). */
  panelUrl: httpUrl,
  /** The token the panel handed out when the node was added. */
  token: z.string().regex(/^[A-Za-z0-9_.~-]{32,}$/, { error: 'expected a node token (32 or more letters, digits, - _ . ~)' }),
  /** A .tar.gz of the Conductor release the node installs (install.sh --source). */
  sourceUrl: httpUrl,
  agentPort: z.number().int().min(1).max(65535).default(8443),
});
export type NodeCloudInitInput = z.input<typeof nodeCloudInitInput>;

const TEMPLATE = path.join(APP_ROOT, 'installer', 'cloud-init.yaml');
const INSTALLER = path.join(APP_ROOT, 'installer', 'install.sh');

/**
 * The cloud-config user data that makes a fresh machine a node of this panel, by running
 * installer/install.sh (embedded) with the given values. Each value goes in as a JSON string,
 * which is also a valid double-quoted YAML scalar, so no value can break out of its place.
 * Throws a ZodError for a bad value.
 */
export function renderNodeCloudInit(input: NodeCloudInitInput): string {
  const values = nodeCloudInitInput.parse(input);
  const fill: Record<string, string> = {
    installScript: readFileSync(INSTALLER).toString('base64'),
    panelUrl: values.panelUrl,
    token: values.token,
    sourceUrl: values.sourceUrl,
    agentPort: String(values.agentPort),
  };
  return readFileSync(TEMPLATE, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = fill[name];
    if (value === undefined) throw new Error(`installer/cloud-init.yaml: unknown placeholder {{${name}}}`);
    // JSON leaves non-ASCII characters raw, which YAML parsers do not all read alike: each is
    // written as a YAML escape of its code point (\U for those beyond 16 bits, never surrogates).
    return JSON.stringify(value).replace(/[^ -~\t\n\r]/gu, (c) => {
      const code = c.codePointAt(0)!;
      return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    });
  });
}
