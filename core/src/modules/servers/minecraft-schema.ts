import { z } from 'zod';
import { bannedIpEntry, bannedPlayerEntry, opEntry, whitelistEntry } from '../../minecraft/player-lists.js';

/** Answers of the Minecraft routes of a server (players, worlds, server.properties), as the panel UI reads them. */

/** Whitelist, operators and bans as the server keeps them in its JSON lists. */
export const playerListsView = z.object({
  whitelist: z.array(whitelistEntry),
  ops: z.array(opEntry),
  bannedPlayers: z.array(bannedPlayerEntry),
  bannedIps: z.array(bannedIpEntry),
});
export type PlayerListsView = z.output<typeof playerListsView>;

export const playerActionAnswer = z.object({
  applied: z.enum(['command', 'file']),
  answer: z.string().optional().describe("The game's answer, when a running server was told"),
});
export type PlayerActionAnswer = z.output<typeof playerActionAnswer>;

export const worldsView = z.object({ active: z.string(), worlds: z.array(z.object({ name: z.string(), active: z.boolean() })) });
export type WorldsView = z.output<typeof worldsView>;

/** The JSON Schema keywords a form reads from one typed field; whatever else the schema says is kept. */
const fieldKeywords = {
  type: z.enum(['string', 'integer', 'number', 'boolean']).optional(),
  enum: z.array(z.string()).optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  maxLength: z.number().optional(),
};
export const propertyFieldSchema = z.looseObject({ ...fieldKeywords, anyOf: z.array(z.looseObject(fieldKeywords)).optional() });
export type PropertyFieldSchema = z.output<typeof propertyFieldSchema>;

export const propertiesView = z.object({
  typed: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  all: z.record(z.string(), z.string()),
  schema: z
    .looseObject({ properties: z.record(z.string(), propertyFieldSchema) })
    .describe('JSON Schema of the typed fields (the PATCH body)'),
});
export type PropertiesView = z.output<typeof propertiesView>;
