import { createHash } from 'node:crypto';

/**
 * The UUID an offline-mode server gives a player: Java's UUID.nameUUIDFromBytes of
 * "OfflinePlayer:<name>" (MD5, version 3). Online-mode UUIDs come from Mojang and cannot be derived.
 */
export function offlineUuid(name: string): string {
  const hash = createHash('md5').update(`OfflinePlayer:${name}`, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x30;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
