import type { FastifyInstance } from 'fastify';
import type { WebTower } from '../helpers/web.ts';

/** One registered route: the method and Fastify's path syntax (`/accounts/:id`). */
export interface RegisteredRoute {
  method: string;
  path: string;
}

/**
 * Every route the app serves, read from `printRoutes`, so that a route added later shows up in
 * the tests that must cover it. HEAD routes (Fastify's automatic twins of GET) are left out.
 */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^(.*?)[└├]── (\S+)(?: \(([^)]*)\))?$/u.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const segment = match[2]!;
    const parent = depth === 0 ? '' : stack[depth - 1]!;
    const path =
      depth === 0 ? segment : `${parent.replace(/\/$/u, '')}/${segment.replace(/^\//u, '')}`;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) {
      if (method !== 'HEAD') routes.push({ method, path });
    }
  }
  return routes;
}

/** True for the JSON API's routes. */
export const isApiPath = (path: string) => path.startsWith('/api/');

/** The route shape with every parameter named `:id`, for comparing lists of routes. */
export const routeShape = (method: string, path: string) =>
  `${method} ${path.replace(/:[A-Za-z]+/gu, ':id')}`;

/** What a change would leave behind: the log head, the ledger and the keystore's size. */
export function storeHead(web: WebTower): string {
  const { db } = web.tower;
  const one = (sql: string) => JSON.stringify(db.prepare(sql).get());
  return [
    one('SELECT max(seq) AS seq, count(*) AS n FROM events'),
    one('SELECT count(*) AS n FROM commands'),
    one('SELECT count(*) AS n FROM secrets'),
  ].join(' ');
}
