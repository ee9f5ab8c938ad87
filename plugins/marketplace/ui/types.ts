/** The marketplace API's shapes, as the UI reads them (see the plugin's schema.ts). */
export interface Project {
  id: string;
  slug: string;
  title: string;
  description: string;
  downloads: number;
  updatedAt: string;
  categories: string[];
  loaders: string[];
  gameVersions: string[];
}

export interface Version {
  id: string;
  name: string;
  versionNumber: string;
  versionType: 'release' | 'beta' | 'alpha';
  publishedAt: string;
  loaders: string[];
  gameVersions: string[];
  dependencies: Array<{ projectId: string | null; versionId: string | null; type: string }>;
}

export interface Plan {
  steps: Array<{ projectId: string; title: string; versionId: string; versionNumber: string; reason: 'requested' | 'dependency'; folder: string; installed: boolean }>;
  optional: Array<{ projectId: string; title: string; requiredBy: string }>;
}

export interface Install {
  projectId: string;
  projectTitle: string;
  versionId: string;
  versionNumber: string;
  files: Array<{ path: string }>;
  reason: 'requested' | 'dependency' | 'linked';
  autoUpdate: boolean;
  update: { versionId: string; versionNumber: string; versionType: string } | null;
}

export interface Unmanaged {
  path: string;
  match: { projectId: string; title: string; versionNumber: string } | null;
}

export interface HistoryEntry {
  id: string;
  projectTitle: string;
  action: 'install' | 'update' | 'rollback' | 'uninstall';
  fromVersion: string | null;
  toVersion: string | null;
  actorLabel: string | null;
  ok: boolean;
  error: string | null;
  at: string;
}

export interface Progress {
  phase: 'resolving' | 'downloading' | 'placing' | 'restarting' | 'done';
  done: number;
  total: number;
  file?: string;
}
