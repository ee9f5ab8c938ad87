import { z } from 'zod';

/** The parts of Modrinth's v2 objects the marketplace reads; other fields are ignored. */
export const modrinthFile = z.object({
  hashes: z.object({ sha512: z.string().regex(/^[a-f0-9]{128}$/), sha1: z.string().optional() }),
  url: z.string(),
  filename: z.string(),
  primary: z.boolean(),
  size: z.number().int().nonnegative(),
});

export const modrinthDependency = z.object({
  version_id: z.string().nullable().optional(),
  project_id: z.string().nullable().optional(),
  dependency_type: z.enum(['required', 'optional', 'incompatible', 'embedded']),
});

export const modrinthVersion = z.object({
  id: z.string(),
  project_id: z.string(),
  name: z.string().nullable().optional(),
  version_number: z.string(),
  version_type: z.enum(['release', 'beta', 'alpha']),
  loaders: z.array(z.string()),
  game_versions: z.array(z.string()),
  dependencies: z.array(modrinthDependency).default([]),
  date_published: z.string(),
  files: z.array(modrinthFile),
});
export type ModrinthVersion = z.output<typeof modrinthVersion>;

export const modrinthProject = z.object({
  id: z.string(),
  slug: z.string(),
  project_type: z.string(),
  title: z.string(),
  description: z.string(),
  body: z.string().default(''),
  categories: z.array(z.string()),
  client_side: z.string(),
  server_side: z.string(),
  downloads: z.number(),
  updated: z.string(),
  published: z.string(),
  versions: z.array(z.string()),
  game_versions: z.array(z.string()),
  loaders: z.array(z.string()),
  icon_url: z.string().nullable().optional(),
});
export type ModrinthProject = z.output<typeof modrinthProject>;

export const modrinthSearch = z.object({
  hits: z.array(
    z.object({
      project_id: z.string(),
      slug: z.string(),
      date_modified: z.string(),
      categories: z.array(z.string()),
      server_side: z.string(),
      client_side: z.string(),
    }),
  ),
  offset: z.number(),
  limit: z.number(),
  total_hits: z.number(),
});
export type ModrinthSearch = z.output<typeof modrinthSearch>;
