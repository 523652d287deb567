import type { RegisteredRoute } from './route-census.ts';

/** The entities a page address may name. */
export interface PageIds {
  installation: string;
  account: string;
  natsUser: string;
  team: string;
  profile: string;
  user: string;
  token: string;
}

/** The entity an `:id` names, by the collection before it (pages and API alike). */
const BY_PREFIX: [RegExp, keyof PageIds][] = [
  [/\/installations\/:id/u, 'installation'],
  [/\/accounts\/:id/u, 'account'],
  [/\/nats-users\/:id/u, 'natsUser'],
  [/\/teams\/:id/u, 'team'],
  [/\/limit-profiles\/:id/u, 'profile'],
  [/\/users\/:id/u, 'user'],
  [/\/tokens\/:id/u, 'token'],
];

/** A route's address with its parameters filled in; throws for a parameter it does not know. */
export function concretePath(path: string, ids: PageIds): string {
  let concrete = path.replace('/assets/:name', '/assets/tower.css').replace(':userId', ids.user);
  for (const [pattern, key] of BY_PREFIX) {
    concrete = concrete.replace(pattern, (match) => match.replace(':id', ids[key]));
  }
  if (concrete.includes(':')) throw new Error(`no id for the parameters of ${path}`);
  return concrete;
}

/** The page routes (not the JSON API) of a method. */
export function pageRoutes(routes: readonly RegisteredRoute[], method: string): RegisteredRoute[] {
  return routes.filter((route) => route.method === method && !route.path.startsWith('/api/'));
}
