import type { Actor } from '../commands/index.ts';
import type { TowerUserState } from '../commands/domain-reader.ts';
import type { QueryViewer } from '../projections/queries/index.ts';

/** Who made a request and how they proved it. */
export interface RequestAuth {
  actor: Actor;
  /** The user as the read model knows them now: never disabled here. */
  user: TowerUserState;
  method: 'session' | 'token';
  /** Set for session requests: what the pages need to know of the session. */
  session: SessionInfo | null;
  /** Set for token requests. */
  tokenId: string | null;
}

export interface SessionInfo {
  /** SHA-256 of the session id; the id itself lives only in the cookie. */
  idHash: string;
  userId: string;
  /** The value every state-changing request of this session must carry (`_csrf`). */
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  /** When the session ends however busy it is (ms since the epoch). */
  expiresAt: number;
}

/**
 * Whether a route needs a signed-in user. Every route needs one unless it says `optional`,
 * so a route that forgets to say is closed rather than open.
 */
export type RouteAuth = 'required' | 'optional';

declare module 'fastify' {
  interface FastifyRequest {
    /** Null for anonymous requests (only possible on `auth: 'optional'` routes). */
    auth: RequestAuth | null;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** False only for the login form, which has no session token yet; origins still count. */
    csrf?: boolean;
  }
}

/** The viewer the queries take, for a signed-in request. */
export function viewerOf(auth: RequestAuth): QueryViewer {
  return { userId: auth.actor.userId, admin: auth.actor.role === 'admin' };
}
