import type { RegisteredRoute } from './route-census.ts';

/** A POST form as a page renders it: where it posts and the names of its fields. */
export interface PageForm {
  action: string;
  fields: string[];
  /** The form's markup, between its tags. */
  inner: string;
}

/** Every `method="post"` form of a page, with its field names (the CSRF field left out). */
export function postForms(html: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const [, attributes, inner] of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gu)) {
    if (!/method="post"/iu.test(attributes!)) continue;
    const action = /action="([^"]*)"/u.exec(attributes!)?.[1] ?? '';
    const names = [...inner!.matchAll(/\bname="([^"]+)"/gu)].map((match) => match[1]!);
    const fields = [...new Set(names)].filter((name) => name !== '_csrf');
    forms.push({ action, fields, inner: inner! });
  }
  return forms;
}

/** The registered route a concrete URL is served by, if any. */
export function routeOf(
  routes: readonly RegisteredRoute[],
  method: string,
  url: string,
): RegisteredRoute | undefined {
  const path = url.split('?')[0]!;
  const candidates = routes.filter((route) => route.method === method);
  const exact = candidates.find((route) => route.path === path);
  if (exact) return exact;
  return candidates.find((route) => {
    const pattern = route.path.replace(/:[A-Za-z]+/gu, '[^/]+');
    return new RegExp(`^${pattern}$`, 'u').test(path);
  });
}
