import { z } from 'zod';

/**
 * A fenced server's files, kept aside on a node (`fenced/<server id>-<time>` in the agent's data
 * folder) after the panel moved the server elsewhere while the node was lost. The panel lists them
 * (`GET /api/fenced`) and removes them after its retention period (`DELETE /api/fenced/:name`).
 */
export const FENCED_NAME = /^([a-z0-9][a-z0-9-]{2,62})-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)$/;

/** The folder name for a server fenced at `at`. */
export const fencedName = (serverId: string, at: Date) => `${serverId}-${at.toISOString().replace(/[:.]/g, '-')}`;

/** When a folder named by fencedName was made; null for a name it did not make. */
export function fencedAt(name: string): { serverId: string; fencedAt: string } | null {
  const match = FENCED_NAME.exec(name);
  if (!match) return null;
  const [date, h, m, s, ms] = [match[2]!.slice(0, 10), ...match[2]!.slice(11, -1).split('-')];
  const at = new Date(`${date}T${h}:${m}:${s}.${ms}Z`);
  return Number.isNaN(at.getTime()) ? null : { serverId: match[1]!, fencedAt: at.toISOString() };
}

export const fencedList = z.object({
  entries: z.array(z.object({ name: z.string(), serverId: z.string(), fencedAt: z.string() })),
});
export type FencedList = z.output<typeof fencedList>;
/** `GET /api/orphan-volumes`: server folders on the node that no server of its agent owns. */
export const orphanVolumes = z.object({ volumes: z.array(z.string()) });

export const fencedParams = z.object({ name: z.string().regex(FENCED_NAME, { error: 'expected a fenced folder name' }) });
