import type { LightMyRequestResponse } from 'fastify';
import type { Credentials, WebTower } from '../helpers/web.ts';

/** Markup that must come back escaped wherever a page shows free text. */
export const HOSTILE = '<script>alert(1)</script><b>x</b>';
export const HOSTILE_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;';

/** A browser's GET of a page. */
export function getPage(
  web: WebTower,
  credentials: Credentials,
  url: string,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return web.request(credentials, {
    method: 'GET',
    url,
    headers: { accept: 'text/html', ...headers },
  });
}

/**
 * A browser's form post, with the session's CSRF token as the `_csrf` field (the way a plain
 * form sends it) and no header alternative.
 */
export function postForm(
  web: WebTower,
  credentials: Credentials & { kind: 'session' },
  url: string,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const body = new URLSearchParams();
  body.append('_csrf', credentials.csrfToken);
  for (const [name, value] of Object.entries(fields)) {
    for (const item of [value].flat()) body.append(name, item);
  }
  return web.app.inject({
    method: 'POST',
    url,
    payload: body.toString(),
    headers: {
      cookie: credentials.cookie,
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
  });
}

/** HTMX's request headers, for a request that swaps part of the page. */
export const HTMX = { 'hx-request': 'true' };
