import { z } from 'zod';
import { defineEvents, type EventDataOf } from '../../kernel/event-types.js';

import { serverPhase } from '../../protocol/edge.js';
import { healingPolicy } from './lifecycle/healing-policy.js';
import { sleepPolicyPatch } from './lifecycle/policy.js';

/** The servers module's events (what agents report about servers is the nodes module's). */
export const serverEvents = defineEvents({
  'server.created': {
    description: 'A server was created and its install started',
    data: z.strictObject({
      templateId: z.string(),
      memoryMb: z.number().int(),
      ownerId: z.string().optional().describe('Set when an admin created it for someone'),
    }),
  },
  'server.create_failed': {
    description: 'Creating a server failed after it was booked; nothing of it is left',
    data: z.strictObject({ reason: z.string() }),
  },
  'server.suspended': { description: 'An admin suspended a server', data: z.strictObject({}) },
  'server.unsuspended': { description: 'An admin lifted a suspension', data: z.strictObject({}) },
  'server.limits_changed': {
    description: "An admin changed a server's memory, CPU or disk limit (the node applies memory and CPU to a running container at once)",
    data: z.strictObject({
      memoryMb: z.number().int(),
      cpuPercent: z.number().int(),
      diskMb: z.number().int(),
      previous: z.strictObject({ memoryMb: z.number().int(), cpuPercent: z.number().int(), diskMb: z.number().int() }),
    }),
  },
  'server.memory_changed': {
    description: "A server's memory limit changed (billing prices active time per GB-hour of it)",
    data: z.strictObject({ memoryMb: z.number().int(), from: z.number().int() }),
  },
  'server.owner_changed': {
    description: 'A server got another owner (an admin gave it to another account, or a team to one of its members)',
    data: z.strictObject({ from: z.string(), to: z.string() }),
  },
  'server.renamed': { description: 'A server got a new name', data: z.strictObject({ name: z.string() }) },
  'server.deleted': { description: 'A server was deleted with its files', data: z.strictObject({}) },
  'server.phase_changed': {
    description: 'A server moved between phases of its life (active, sleep, archived), for lifecycle and billing',
    data: z.strictObject({
      from: serverPhase,
      to: serverPhase,
      reason: z.string().min(1).describe('Why: empty, join, ping, api or asleep_long'),
      archiveMb: z
        .number()
        .int()
        .min(0)
        .optional()
        .describe('The size of the archive, when the server was archived (billing prices it per GB-month)'),
    }),
  },
  'server.sleep_policy_changed': { description: "A server's sleep policy was changed (the fields that changed)", data: sleepPolicyPatch },
  'server.moved': {
    description: 'A server was moved to another node',
    data: z.strictObject({
      from: z.string(),
      to: z.string(),
      reason: z.string().describe('Why, such as restore (an archived server came back on another node)'),
    }),
  },
  'server.transferred': {
    description:
      'An admin moved a server to another node with its files; the downtime is from its stop on the old node to its start on the new one',
    data: z.strictObject({
      from: z.string(),
      to: z.string(),
      port: z.number().int().describe('Its port on the new node (another when its own was taken there)'),
      bytes: z.number().int().describe('The size of the final archive streamed node to node'),
      wasRunning: z.boolean(),
      downtimeMs: z.number().int().nullable().describe('Null when the server was not running'),
    }),
  },
  'server.transfer_failed': {
    description: 'A transfer failed or was cancelled before the switch: the server stays (and runs again) on its old node',
    data: z.strictObject({ to: z.string(), step: z.string(), code: z.string(), reason: z.string(), cancelled: z.boolean() }),
  },
  'server.rescheduled': {
    description:
      'A server of a lost node was brought back on another node from its latest remote backup; what changed after the backup was taken is lost',
    data: z.strictObject({
      from: z.string(),
      to: z.string(),
      backupId: z.string(),
      backupTakenAt: z.string(),
      backupAgeSeconds: z.number().int().describe('How old the backup was: what was lost since'),
      started: z.boolean().describe('It was running on the lost node and was started again'),
    }),
  },
  'server.lost': {
    description:
      'A server of a lost node could not be brought back (no remote backup, or no node with room); it stays on the lost node, never recreated empty',
    data: z.strictObject({ nodeId: z.string(), code: z.string(), reason: z.string() }),
  },
  'server.fenced_files_removed': {
    description: "A fenced server's files kept aside on a node were removed after the retention period",
    data: z.strictObject({
      nodeId: z.string(),
      name: z.string().describe('The folder under fenced/ in the agent’s data folder'),
      fencedAt: z.string(),
    }),
  },
  'server.healing_policy_changed': {
    description: "An admin changed self-healing's policy (on or off, the wait before a node is lost, which servers)",
    data: healingPolicy,
  },
  'server.fenced': {
    description:
      'A lost node answered again still holding a server that had moved away; its container was removed and its files put aside on that node',
    data: z.strictObject({
      nodeId: z.string(),
      nowOn: z.string().nullable().describe('Where the server is now; null when the panel no longer has it'),
    }),
  },
  'server.domain_added': {
    description: 'A custom domain was added to a server (not yet verified)',
    data: z.strictObject({ hostname: z.string() }),
  },
  'server.domain_verified': {
    description: "A custom domain's TXT record was found: players can join by it",
    data: z.strictObject({ hostname: z.string() }),
  },
  'server.domain_removed': { description: 'A custom domain was removed from a server', data: z.strictObject({ hostname: z.string() }) },
});

declare module '../../kernel/event-types.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventTypes extends EventDataOf<typeof serverEvents> {}
}
