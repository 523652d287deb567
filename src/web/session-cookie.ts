import type { CookieSerializeOptions } from '@fastify/cookie';

/**
 * The session cookie's name. Over https it carries the `__Host-` prefix, which browsers accept
 * only with Secure, Path=/ and no Domain, so no sibling host can plant or read it.
 */
export function sessionCookieName(https: boolean): string {
  return https ? '__Host-tower_session' : 'tower_session';
}

/** HttpOnly (no script reads it), SameSite=Lax, Secure over https; it lasts the browser session. */
export function sessionCookieOptions(https: boolean): CookieSerializeOptions {
  return { httpOnly: true, sameSite: 'lax', secure: https, path: '/' };
}
