import { parsePlayerList } from '../../../minecraft/player-lists.js';
import { ServerProperties } from '../../../minecraft/properties.js';
import type { AgentFiles } from '../../nodes/agent-files.js';

/**
 * Who may wake a sleeping server, from the files the game itself keeps: its whitelist when
 * server.properties turns it on, and its banned players. A file that cannot be read or parsed
 * counts as empty: the game would refuse those players itself once awake.
 */
export async function joinRules(files: AgentFiles): Promise<{ whitelist: string[] | null; banned: string[] }> {
  const read = (file: string) => files.read(file).catch(() => null);
  const names = async (file: 'whitelist.json' | 'banned-players.json') => {
    const text = await read(file);
    try {
      return text ? (parsePlayerList(file, text) as Array<{ name: string }>).map((e) => e.name) : [];
    } catch {
      return [];
    }
  };
  const properties = ServerProperties.parse((await read('server.properties')) ?? '');
  return {
    whitelist: properties.get('white-list') === 'true' ? await names('whitelist.json') : null,
    banned: await names('banned-players.json'),
  };
}
