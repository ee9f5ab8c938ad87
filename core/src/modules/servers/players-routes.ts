import { z } from 'zod';
import { AppError, badRequest, conflict } from '../../kernel/errors.js';
import type { RouteRegistrar } from '../../kernel/http/route.js';
import { offlineUuid } from '../../minecraft/offline-uuid.js';
import {
  formatBanDate,
  parsePlayerList,
  removeEntry,
  serializePlayerList,
  upsert,
  type PlayerListFile,
} from '../../minecraft/player-lists.js';
import { ServerProperties } from '../../minecraft/properties.js';
import { playerActionAnswer, playerListsView, type PlayerListsView } from './minecraft-schema.js';
import { applyByCommand, playerAction } from './player-commands.js';

const params = z.object({ serverId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/) });
const FILES: Record<string, PlayerListFile> = {
  whitelist: 'whitelist.json',
  ops: 'ops.json',
  bannedPlayers: 'banned-players.json',
  bannedIps: 'banned-ips.json',
};

/**
 * Whitelist, operators and bans. A running server is told by console command, so the game keeps
 * its own files right, and the answer says what the game made of it; a stopped one has its JSON
 * lists edited through the node's file API.
 */
export function playerRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/:serverId/players',
    summary: 'Whitelist, operators and bans as the server keeps them',
    tags: ['minecraft'],
    access: 'user',
    permission: 'players.read',
    params,
    response: { schema: playerListsView },
    handler: async ({ params: p, scope }) => {
      const files = await scope.cradle.nodeService.serverFiles(await scope.cradle.serverService.get(p.serverId));
      const out: Record<string, unknown[]> = {};
      for (const [key, file] of Object.entries(FILES)) {
        const text = await files.read(file);
        try {
          out[key] = text ? (parsePlayerList(file, text) as unknown[]) : [];
        } catch {
          throw new AppError(422, 'invalid_player_list', `${file} on the server is not valid; fix or delete it`);
        }
      }
      return out as PlayerListsView;
    },
  });
  router.route({
    method: 'post',
    path: '/:serverId/players',
    summary: 'Whitelist, op, ban, pardon or kick a player (or ban an address)',
    tags: ['minecraft'],
    access: 'user',
    permission: 'players.manage',
    params,
    body: playerAction,
    response: { schema: playerActionAnswer },
    errors: {
      409: 'Kick needs a running server (server_not_running), or the game refused the command (game_refused, its words in details.answer)',
      422: 'An online-mode server needs the player UUID',
      502: 'The game does not know the command (command_unsupported); stop the server to edit the list file',
      504: 'The game did not confirm the change (no_answer)',
      429: "rate_limited, command_queue_full: the server's console gate (a running server gets a command)",
    },
    handler: async ({ params: p, body, scope, principal }) => {
      const { serverService, nodeService } = scope.cradle;
      const server = await serverService.get(p.serverId);
      const logged = {
        serverId: server.id,
        actor: principal!,
        action: `server.players.${body.action}`,
        data: 'name' in body ? { name: body.name } : { ip: body.ip },
      };
      if (server.state === 'running') {
        const answer = await applyByCommand(scope.cradle, server, body);
        await scope.cradle.activityLog.record(logged);
        return answer;
      }
      if (body.action === 'kick') throw conflict('server_not_running', 'Only a running server can kick a player');
      const files = await nodeService.serverFiles(server);
      const props = ServerProperties.parse((await files.read('server.properties')) ?? '');
      const playerUuid = () => {
        if (!('name' in body)) return '';
        if (body.uuid) return body.uuid;
        if (props.get('online-mode') === 'false') return offlineUuid(body.name);
        throw new AppError(
          422,
          'uuid_required',
          'This server checks accounts with Mojang: give the player UUID, or start the server and try again',
        );
      };
      const edit = async <F extends PlayerListFile>(file: F, change: (entries: never[]) => unknown[]) => {
        const text = await files.read(file);
        const entries = text ? (parsePlayerList(file, text) as never[]) : [];
        await files.write(file, serializePlayerList(file, change(entries) as never));
      };
      const now = formatBanDate(new Date());
      const source = `Conductor (${principal!.id})`;
      switch (body.action) {
        case 'whitelist.add':
          await edit('whitelist.json', (e) => upsert(e as { uuid: string; name: string }[], { uuid: playerUuid(), name: body.name }));
          break;
        case 'whitelist.remove':
          await edit('whitelist.json', (e) => removeEntry(e as { name: string }[], body.name));
          break;
        case 'op':
          await edit('ops.json', (e) =>
            upsert(e as Array<{ uuid: string } & Record<string, unknown>>, {
              uuid: playerUuid(),
              name: body.name,
              level: 4,
              bypassesPlayerLimit: false,
            }),
          );
          break;
        case 'deop':
          await edit('ops.json', (e) => removeEntry(e as { name: string }[], body.name));
          break;
        case 'ban':
          await edit('banned-players.json', (e) =>
            upsert(e as Array<{ uuid: string } & Record<string, unknown>>, {
              uuid: playerUuid(),
              name: body.name,
              created: now,
              source,
              expires: 'forever',
              reason: body.reason,
            }),
          );
          break;
        case 'pardon':
          await edit('banned-players.json', (e) => removeEntry(e as { name: string }[], body.name));
          break;
        case 'ban-ip':
          await edit('banned-ips.json', (e) =>
            upsert(e as Array<{ ip: string } & Record<string, unknown>>, {
              ip: body.ip,
              created: now,
              source,
              expires: 'forever',
              reason: body.reason,
            }),
          );
          break;
        case 'pardon-ip':
          await edit('banned-ips.json', (e) => removeEntry(e as { ip: string }[], body.ip));
          break;
        default:
          throw badRequest('unknown_action', 'Unknown action');
      }
      // A sleeping server's whitelist and bans decide who may wake it: the edge proxy gets them now.
      if (server.phase === 'sleep') await scope.cradle.edgeRoutePublisher.pushAll();
      await scope.cradle.activityLog.record(logged);
      return { applied: 'file' as const };
    },
  });
}
