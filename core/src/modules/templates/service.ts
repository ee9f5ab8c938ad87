import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { conflict, notFound } from '../../kernel/errors.js';
import type { Database } from '../../kernel/database.js';
import type { EventLog } from '../../kernel/events.js';
import { importEgg, type ImportResult } from './egg-import.js';
import type { TemplateQuery, TemplateRepository, StoredTemplate } from './repository.js';
import { serverGame, type ServerGame } from './game.js';
import { templateSchema, type Template } from './schema.js';

const BUILTIN_DIR = fileURLToPath(new URL('./builtin/', import.meta.url));

export class TemplateService {
  private readonly db: Database;
  private readonly repository: TemplateRepository;
  private readonly events: EventLog;

  constructor(deps: { db: Database; templateRepository: TemplateRepository; events: EventLog }) {
    this.db = deps.db;
    this.repository = deps.templateRepository;
    this.events = deps.events;
  }

  /** The templates that ship with Conductor, kept current at every start; a broken one fails the module. */
  async syncBuiltins(): Promise<number> {
    const files = (await readdir(BUILTIN_DIR)).filter((f) => f.endsWith('.json')).sort();
    for (const file of files) {
      const raw: unknown = JSON.parse(await readFile(path.join(BUILTIN_DIR, file), 'utf8'));
      const parsed = templateSchema.safeParse(raw);
      if (!parsed.success)
        throw new Error(
          `built-in template ${file} is invalid: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`,
        );
      await this.db.transaction(async (trx) => {
        const existing = await this.repository.get(parsed.data.id, trx);
        if (!existing) await this.repository.insert(parsed.data, 'builtin', trx);
        else if (existing.source === 'builtin') await this.repository.update(parsed.data, trx);
      });
    }
    return files.length;
  }

  list(query: TemplateQuery): Promise<StoredTemplate[]> {
    return this.repository.find(query);
  }

  categories(): Promise<Array<{ category: string; count: number }>> {
    return this.repository.categories();
  }

  find(id: string): Promise<StoredTemplate | null> {
    return this.repository.get(id);
  }

  async get(id: string): Promise<StoredTemplate> {
    const found = await this.repository.get(id);
    if (!found) throw notFound(`No template ${id}`, 'template_not_found');
    return found;
  }

  /** What a server made from this template runs (loader and Minecraft version), for the marketplace. */
  async game(id: string, variables: Record<string, string>): Promise<ServerGame | null> {
    return serverGame((await this.get(id)).template, variables);
  }

  /** Memory for an expected player count: the first row that covers it, else the largest. */
  async recommend(id: string, players: number): Promise<{ players: number; memoryMb: number }> {
    const { template } = await this.get(id);
    const rows = [...template.recommendedMemory].sort((a, b) => a.players - b.players);
    const row = rows.find((r) => players <= r.players) ?? rows[rows.length - 1]!;
    return { players, memoryMb: row.memoryMb };
  }

  async create(template: Template, source: 'custom' | 'imported', actorId: string): Promise<StoredTemplate> {
    await this.db.transaction(async (trx) => {
      if (await this.repository.get(template.id, trx)) throw conflict('template_exists', `A template with id ${template.id} exists`);
      await this.repository.insert(template, source, trx);
      await this.events.append(trx, { type: 'template.created', actorId, data: { templateId: template.id, source } });
    });
    return { template, source };
  }

  async update(template: Template, actorId: string): Promise<StoredTemplate> {
    return this.db.transaction(async (trx) => {
      const existing = await this.repository.get(template.id, trx);
      if (!existing) throw notFound(`No template ${template.id}`, 'template_not_found');
      if (existing.source === 'builtin') throw conflict('builtin_template', 'Built-in templates cannot be changed; copy it under a new id');
      await this.repository.update(template, trx);
      await this.events.append(trx, { type: 'template.updated', actorId, data: { templateId: template.id } });
      return { template, source: existing.source };
    });
  }

  async remove(id: string, actorId: string): Promise<void> {
    const existing = await this.get(id);
    if (existing.source === 'builtin') throw conflict('builtin_template', 'Built-in templates cannot be deleted');
    await this.db.transaction(async (trx) => {
      await this.repository.remove(id, trx);
      await this.events.append(trx, { type: 'template.deleted', actorId, data: { templateId: id } });
    });
  }

  /**
   * Imports an egg as a new template. An id that is taken is refused with what to do instead:
   * the details name a free id to import it as new, and say whether the existing template may be
   * updated from the egg (`updateFromEgg`; built-in ones may not).
   */
  async importEgg(egg: unknown, overrides: { id?: string; category?: Template['category'] }, actorId: string): Promise<ImportResult> {
    const result = importEgg(egg, overrides);
    const id = result.template.id;
    const existing = await this.repository.get(id);
    if (existing) {
      const suggestedId = await this.freeId(id);
      const updatable = existing.source !== 'builtin';
      throw conflict(
        'template_exists',
        `A template with id ${id} exists. ${updatable ? `Update it from this egg, or import` : 'It is built in and cannot be replaced; import'} this egg as new, under the id ${suggestedId}.`,
        { id, suggestedId, updatable },
      );
    }
    await this.create(result.template, 'imported', actorId);
    return result;
  }

  /**
   * Replaces an imported or custom template with what a newer egg says (Pterodactyl's "update
   * from file"). What an egg does not carry is kept: the category (unless given), popularity,
   * game port and memory recommendations.
   */
  async updateFromEgg(id: string, egg: unknown, overrides: { category?: Template['category'] }, actorId: string): Promise<ImportResult> {
    const { template: current } = await this.get(id);
    const result = importEgg(egg, { id, category: overrides.category ?? current.category });
    const template: Template = {
      ...result.template,
      popularity: current.popularity,
      gamePort: current.gamePort,
      recommendedMemory: current.recommendedMemory,
    };
    await this.update(template, actorId);
    return { template, warnings: result.warnings };
  }

  /** The id with the lowest free number appended (`paper-2`, `paper-3`, …; `paper-2` goes on with `paper-3`). */
  private async freeId(id: string): Promise<string> {
    const base = id.replace(/-\d+$/, '').slice(0, 58);
    for (let n = 2; ; n++) {
      const candidate = `${base}-${n}`;
      if (!(await this.repository.get(candidate))) return candidate;
    }
  }
}
