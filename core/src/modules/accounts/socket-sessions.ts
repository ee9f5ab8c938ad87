import type { Server as SocketServer } from 'socket.io';
import type { Principal } from '../../kernel/auth.js';
import type { SocketData } from '../../kernel/sockets.js';

/**
 * Closes the sockets a sign-out, password change, deletion or key revocation leaves behind: a
 * socket is authenticated once, at its handshake, so it would otherwise outlive its credential.
 * Covers this panel's sockets; another panel's close when their client reconnects.
 */
export class SocketSessions {
  private readonly io: SocketServer;

  constructor({ io }: { io: SocketServer }) {
    this.io = io;
  }

  disconnect(matches: (principal: Principal) => boolean): number {
    let closed = 0;
    for (const namespace of this.io._nsps.values()) {
      for (const socket of namespace.sockets.values()) {
        const principal = (socket.data as Partial<SocketData>).principal;
        if (principal && matches(principal)) {
          socket.disconnect(true);
          closed += 1;
        }
      }
    }
    return closed;
  }

  disconnectSession(sessionHash: string): number {
    return this.disconnect((p) => p.attributes?.sessionHash === sessionHash);
  }

  /** Every session socket of a user but one; API-key sockets stay (the keys are still valid). */
  disconnectUserSessions(userId: string, exceptSessionHash?: string): number {
    return this.disconnect(
      (p) => p.id === userId && typeof p.attributes?.sessionHash === 'string' && p.attributes.sessionHash !== exceptSessionHash,
    );
  }

  disconnectUser(userId: string): number {
    return this.disconnect((p) => p.id === userId && p.kind !== 'operator');
  }

  disconnectApiKey(keyId: string): number {
    return this.disconnect((p) => p.attributes?.apiKeyId === keyId);
  }
}
