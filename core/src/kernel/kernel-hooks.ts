import type { AuthorizeDecision, AuthorizeRequest, Principal } from './auth.js';
import type { BailHook } from './hooks.js';
import type { KernelContext } from './http/state.js';
import type { SocketAuthRequest } from './sockets.js';

/** Hooks the kernel owns. */
declare module './hooks.js' {
  interface HookTypes {
    /** Who is making this HTTP request? The first tap that knows answers. */
    'auth.resolve': BailHook<[KernelContext], Principal>;
    /** Who is opening this socket.io connection? No answer means the connection is refused. */
    'socket.authenticate': BailHook<[SocketAuthRequest], Principal>;
    /**
     * May this principal use a per-server permission key? Asked for every route with a
     * `permission` and every socket event listed in a plugin's `socketPermissions`. With no
     * answer the kernel allows admins only, so a missing accounts module fails closed.
     */
    'auth.authorize': BailHook<[AuthorizeRequest], AuthorizeDecision>;
  }
}

export {};
