import type { Database, Executor } from '../../kernel/database.js';
import { templateSchema, type StoredTemplate, type Template, type TemplateSource } from './schema.js';

export type { StoredTemplate, TemplateSource } from './schema.js';

interface Row {
  id: string;
  source: TemplateSource;
  data: string;
}

/** Lower-cased name, description and tags: what the search box matches. */
function searchText(t: Template): string {
  return [t.name, t.description, t.category, ...t.tags].join(' ').toLowerCase();
}

export interface TemplateQuery {
  category?: string;
  q?: string;
  sort: 'popular' | 'name';
  limit: number;
}

export class TemplateRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async find(query: TemplateQuery): Promise<StoredTemplate[]> {
    const rows = (await this.db('templates')
      .modify((b) => {
        if (query.category) b.where('category', query.category);
        if (query.q)
          for (const word of query.q.toLowerCase().split(/\s+/).filter(Boolean))
            b.where('search', 'like', `%${word.replace(/[%_\\]/g, '')}%`);
      })
      .orderBy(query.sort === 'popular' ? [{ column: 'popularity', order: 'desc' }, { column: 'name' }] : [{ column: 'name' }])
      .limit(query.limit)
      .select('id', 'source', 'data')) as Row[];
    return rows.map(fromRow);
  }

  async get(id: string, executor: Executor = this.db): Promise<StoredTemplate | null> {
    const row = (await executor('templates').where({ id }).first('id', 'source', 'data')) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  async categories(): Promise<Array<{ category: string; count: number }>> {
    const rows = (await this.db('templates').groupBy('category').orderBy('category').select('category').count({ count: '*' })) as Array<{
      category: string;
      count: number | string;
    }>;
    return rows.map((r) => ({ category: r.category, count: Number(r.count) }));
  }

  async insert(template: Template, source: TemplateSource, executor: Executor = this.db): Promise<void> {
    const now = new Date().toISOString();
    await executor('templates').insert({
      id: template.id,
      name: template.name,
      category: template.category,
      popularity: template.popularity,
      source,
      search: searchText(template),
      data: JSON.stringify(template),
      created_at: now,
      updated_at: now,
    });
  }

  async update(template: Template, executor: Executor = this.db): Promise<void> {
    await executor('templates')
      .where({ id: template.id })
      .update({
        name: template.name,
        category: template.category,
        popularity: template.popularity,
        search: searchText(template),
        data: JSON.stringify(template),
        updated_at: new Date().toISOString(),
      });
  }

  async remove(id: string, executor: Executor = this.db): Promise<number> {
    return executor('templates').where({ id }).delete();
  }
}

function fromRow(row: Row): StoredTemplate {
  return { template: templateSchema.parse(JSON.parse(row.data)), source: row.source };
}
