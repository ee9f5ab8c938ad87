import { AppError, type Cradle } from '@conductor/core';
import type { InstallRepository } from './install-repository.js';
import { isServerKind, type ServerKind } from './loaders.js';

export interface Game {
  loader: ServerKind;
  /** Null for a proxy (its plugins do not follow the game's version). */
  minecraftVersion: string | null;
}

/** A server's loader and Minecraft version: set by hand for the server, else what its template declares. */
export class ServerGames {
  constructor(private readonly deps: Pick<Cradle, 'serverService' | 'templateService'> & { installRepository: InstallRepository }) {}

  /** What is known, with where it came from; nulls where nothing says. */
  async describe(
    serverId: string,
  ): Promise<{ loader: string | null; minecraftVersion: string | null; source: 'server' | 'template' | null }> {
    const override = await this.deps.installRepository.gameOverride(serverId);
    if (override) return { ...override, source: 'server' };
    const server = await this.deps.serverService.get(serverId);
    const game = await this.deps.templateService.game(server.templateId, server.variables);
    return game ? { ...game, source: 'template' } : { loader: null, minecraftVersion: null, source: null };
  }

  /** What installs are checked against; refuses when the loader, or a game server's version, is unknown. */
  async resolve(serverId: string): Promise<Game> {
    const { loader, minecraftVersion } = await this.describe(serverId);
    if (!loader || !isServerKind(loader))
      throw new AppError(
        409,
        'server_game_unknown',
        "This server's template does not say which loader it runs; set it for the server first (PUT /api/marketplace/servers/:serverId/game)",
      );
    const proxy = loader === 'velocity' || loader === 'bungeecord';
    if (!minecraftVersion && !proxy)
      throw new AppError(
        409,
        'minecraft_version_unknown',
        'This server\'s Minecraft version is not known (its template says "latest"); set the version for the server first (PUT /api/marketplace/servers/:serverId/game)',
      );
    return { loader, minecraftVersion: proxy ? null : minecraftVersion };
  }
}
