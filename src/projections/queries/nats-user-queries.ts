import type { Database } from 'better-sqlite3';
import type { NatsUserLimits } from '../../domain/limits.ts';
import type { Permissions } from '../../domain/subjects.ts';
import type { AccountQueries } from './account-queries.ts';
import { notFound } from './not-found.ts';
import { pageJson, pageParams, toPage, type Page, type PageRequest } from './page.ts';
import { accountVisibleSql, viewerParams, type QueryViewer } from './viewer.ts';
import { limitSql } from '../../store/database.ts';
import { KeptValues } from './kept-values.ts';

/** A NATS user as the API and the pages show it; its seed appears only in the creds file. */
export interface NatsUserView {
  id: string;
  accountId: string;
  installationId: string;
  name: string;
  description: string;
  permissions: Permissions;
  limits: NatsUserLimits;
  bearer: boolean;
  expiresAt: string | null;
  publicKey: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

interface Row {
  id: string;
  account_id: string;
  installation_id: string;
  name: string;
  description: string;
  permissions: string;
  limits: string;
  bearer: number;
  expires_at: string | null;
  public_key: string;
  created_at: string;
  updated_at: string;
  version: number;
}

const SELECT = `SELECT u.id, u.account_id, a.installation_id, u.name, u.description,
    u.permissions, u.limits, u.bearer, u.expires_at, u.public_key, u.created_at, u.updated_at,
    u.version
  FROM nats_users u JOIN accounts a ON a.id = u.account_id`;

/** A NATS user as a list of names shows it. */
export interface NatsUserSummary {
  id: string;
  name: string;
}

interface JsonRow {
  name: string;
  id: string;
  version: number;
  json: string;
}

/** A NATS user's JSON with the position it takes in a list. */
type KeptJson = Pick<JsonRow, 'name' | 'id' | 'json'>;

/**
 * How many NATS users' JSON texts are kept, by id and version: about 80 pages of the API list,
 * some 4 MB. Making a JS string of every column of every row cost several times choosing them.
 */
const KEPT_NATS_USERS = 4096;

/**
 * A NATS user as JSON, built by SQLite in the key order of `toView`: an API page of them is
 * sent as it comes, where rows turned into objects and back cost more than the query.
 */
const JSON_SELECT = `SELECT u.name, u.id, u.version, json_object('id', u.id, 'accountId', u.account_id,
    'installationId', a.installation_id, 'name', u.name, 'description', u.description,
    'permissions', json(u.permissions), 'limits', json(u.limits),
    'bearer', json(CASE u.bearer WHEN 1 THEN 'true' ELSE 'false' END),
    'expiresAt', u.expires_at, 'publicKey', u.public_key, 'createdAt', u.created_at,
    'updatedAt', u.updated_at, 'version', u.version) AS json
  FROM nats_users u JOIN accounts a ON a.id = u.account_id`;

const PAGE_WHERE = `WHERE u.account_id = @accountId
    AND (u.name, u.id) > (@afterKey, @afterId)
    AND (@search IS NULL OR u.name LIKE @search ESCAPE '\\')
  ORDER BY u.name, u.id ${limitSql('@limit')}`;

/** The keyset position of a row: lists go by name, then id. */
const keyOf = (row: { name: string; id: string }): [string, string] => [row.name, row.id];

function toView(row: Row): NatsUserView {
  return {
    id: row.id,
    accountId: row.account_id,
    installationId: row.installation_id,
    name: row.name,
    description: row.description,
    permissions: JSON.parse(row.permissions) as Permissions,
    limits: JSON.parse(row.limits) as NatsUserLimits,
    bearer: row.bearer === 1,
    expiresAt: row.expires_at,
    publicKey: row.public_key,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

export type NatsUserQueries = ReturnType<typeof natsUserQueries>;

/** NATS users: visible exactly when their account is. */
export function natsUserQueries(db: Database, accounts: AccountQueries) {
  const one = db.prepare(
    `${SELECT} WHERE u.id = @id AND ${accountVisibleSql('a.id', 'a.installation_id')}`,
  );
  const page = db.prepare(`${SELECT} ${PAGE_WHERE}`);
  // A page's NATS users as one short text each; their JSON comes from `keptJson` if kept.
  const keyPage = db
    .prepare(`SELECT u.id || ' ' || u.version FROM nats_users u ${PAGE_WHERE}`)
    .pluck();
  const jsonOf = db.prepare(`${JSON_SELECT} WHERE u.id IN (SELECT value FROM json_each(@ids))`);
  const keptJson = new KeptValues<string, KeptJson>(KEPT_NATS_USERS);
  /** One snapshot for both statements, so that no commit between them moves a version. */
  const readJsonPage = db.transaction((accountId: string, request: PageRequest) => {
    const keys = keyPage.all({ accountId, ...pageParams(request) }) as string[];
    return keptJson.of(keys, (missing) => {
      const ids = missing.map((key) => key.slice(0, key.indexOf(' ')));
      const rows = jsonOf.all({ ids: JSON.stringify(ids) }) as JsonRow[];
      return rows.map(({ name, id, version, json }) => [`${id} ${version}`, { name, id, json }]);
    });
  });
  // Two short columns rather than whole rows with their JSON: a page of names needs no more.
  const summaryPage = db.prepare(`SELECT u.id, u.name FROM nats_users u ${PAGE_WHERE}`);

  return {
    /** The NATS user, or not_found when it is missing or its account is hidden. */
    get(viewer: QueryViewer, id: string): NatsUserView {
      const row = one.get({ id, ...viewerParams(viewer) }) as Row | undefined;
      if (!row) throw notFound('NATS user', id);
      return toView(row);
    },

    /** The NATS users of an account; not_found when the account is hidden. */
    list(viewer: QueryViewer, accountId: string, request: PageRequest = {}): Page<NatsUserView> {
      accounts.requireVisible(viewer, accountId);
      const rows = page.all({ accountId, ...pageParams(request) }) as Row[];
      return toPage(rows, request, keyOf, toView);
    },

    /** The same page as `list`, with the id and name of each NATS user only. */
    summaries(
      viewer: QueryViewer,
      accountId: string,
      request: PageRequest = {},
    ): Page<NatsUserSummary> {
      accounts.requireVisible(viewer, accountId);
      const rows = summaryPage.all({ accountId, ...pageParams(request) }) as NatsUserSummary[];
      return toPage(rows, request, keyOf, (row) => row);
    },

    /** The same page as `list`, as the JSON text of `JSON.stringify(list(...))`. */
    listJson(viewer: QueryViewer, accountId: string, request: PageRequest = {}): string {
      accounts.requireVisible(viewer, accountId);
      const rows = readJsonPage(accountId, request);
      return pageJson(toPage(rows, request, keyOf, (row) => row.json));
    },
  };
}
