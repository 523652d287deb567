import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import {
  freePorts,
  startNatsServer,
  type NatsServer,
  type ServerPaths,
} from '../helpers/nats-server.ts';
import { startTowerServer, type TowerServer } from './tower-server.ts';

const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');
const STEP_TIMEOUT_MS = 30_000;

/**
 * The server configuration from the Key dialog, with only what a test machine needs changed:
 * the client port picked for the installation's URL, no fixed monitoring port, and folders
 * inside the server's temporary directory.
 */
function adaptServerConf(text: string, port: number, paths: ServerPaths): string {
  return text
    .replace(/^port: \d+$/mu, `host: "127.0.0.1"\nport: ${port}`)
    .replace(/^http_port: \d+$/mu, 'http_port: -1')
    .replace(/^(\s*dir: ).*$/mu, `$1${JSON.stringify(paths.jwtDir)}`)
    .replace(/^(\s*store_dir: ).*$/mu, `$1${JSON.stringify(paths.storeDir)}`);
}

/** Polls until the check holds; the publisher works in the background. */
async function eventually(check: () => boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe('the seed story in a browser', () => {
  let tower: TowerServer;
  let browser: Browser;
  let natsServer: NatsServer | undefined;
  let client: NatsConnection | undefined;
  const contexts: BrowserContext[] = [];
  let admin: Page;
  let alice: Page;
  let bob: Page;
  let natsPort: number;
  let installationId: string;
  let accountId: string;
  let natsUserId: string;

  async function signedIn(email: string): Promise<Page> {
    const context = await browser.newContext({ baseURL: tower.baseUrl, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto('/login');
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await Promise.all([page.waitForURL('**/installations'), page.click('button[type="submit"]')]);
    return page;
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  const idIn = (page: Page, pattern: RegExp) => pattern.exec(new URL(page.url()).pathname)![1]!;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    [natsPort] = (await freePorts(1)) as [number];
    tower = await startTowerServer();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-gpu',
      ],
    });
  });

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    for (const context of contexts) await context.close();
    await browser?.close();
    await natsServer?.stop();
    await tower?.stop();
  });

  it('lets the admin sign in and create teams A and B', async () => {
    admin = await signedIn('admin@example.test');
    await shot(admin, 'installations-empty');

    for (const name of ['team-a', 'team-b']) {
      await admin.goto('/admin/teams');
      await admin.fill('input[name="name"]', name);
      await admin.click('button:has-text("Create team")');
      await admin.waitForURL(/\/admin\/teams\/[^/?]+$/u);
      await expect(admin.locator('h1').textContent()).resolves.toBe(`Team ${name}`);
    }
    await admin.goto('/admin/teams');
    await shot(admin, 'admin-teams');
  });

  it('lets the admin create a user in each team', async () => {
    for (const [email, name, team] of [
      ['alice@example.test', 'Alice', 'team-a'],
      ['bob@example.test', 'Bob', 'team-b'],
    ] as const) {
      await admin.goto('/admin/users');
      await admin.click('summary:has-text("Create an admin or a user")');
      await admin.fill('#create-user input[name="email"]', email);
      await admin.fill('#create-user input[name="displayName"]', name);
      await admin.selectOption('#create-user select[name="role"]', 'user');
      await admin.fill('#create-user input[name="password"]', TEST_PASSWORD);
      await admin.click('#create-user button[type="submit"]');
      await admin.locator('.notice:has-text("User created.")').waitFor();

      await admin.goto('/admin/teams');
      await admin.click(`a:text-is("${team}")`);
      await admin.fill('input[name="email"]', email);
      await admin.click('button:has-text("Add member")');
      await admin.locator(`td:text-is("${email}")`).waitFor();
    }
    await shot(admin, 'admin-team');
    await admin.goto('/admin/users');
    await expect(
      admin.locator('tr:has-text("alice@example.test")').textContent(),
    ).resolves.toContain('team-a');
    await shot(admin, 'admin-users');
    await admin.goto('/admin/limit-profiles');
    await shot(admin, 'admin-limit-profiles');
  });

  it('lets the admin create an installation for every team and shows its Key dialog', async () => {
    await admin.goto('/installations/new');
    await admin.fill('textarea[name="urls"]', `nats://127.0.0.1:${natsPort}`);
    await admin.fill('textarea[name="description"]', 'shared by every team');
    await admin.fill('input[name="name"]', 'global');
    await admin.click('button:has-text("Create installation")');
    await admin.waitForURL(/^http:\/\/[^/]+\/installations\/(?!new$)[^/?]+$/u);
    installationId = idIn(admin, /^\/installations\/([^/]+)$/u);

    await admin.click('#key');
    await admin.locator('#server-settings').waitFor({ state: 'visible' });
    await shot(admin, 'installation-key-dialog');
    const operatorConf = (await admin.locator('#operator-conf').textContent())!;
    const serverConf = (await admin.locator('#server-conf').textContent())!;

    expect(operatorConf).toMatch(/^operator = eyJ/mu);
    natsServer = await startNatsServer({
      files: { 'operator.conf': operatorConf },
      config: (paths) => adaptServerConf(serverConf, natsPort, paths),
    });
  });

  it('lets the admin create an account for team A, which Tower publishes', async () => {
    await admin.goto(`/installations/${installationId}/accounts/new`);
    await admin.fill('#account-form input[name="name"]', 'orders');
    await admin.selectOption('#account-form select[name="teams"]', { label: 'team-a' });
    await admin.click('button:has-text("Create account")');
    await admin.waitForURL(/^http:\/\/[^/]+\/accounts\/[^/?]+$/u);
    accountId = idIn(admin, /^\/accounts\/([^/]+)$/u);

    const viewer = { userId: tower.tower.admin.userId, admin: true };
    await eventually(
      () => tower.app.web.queries.accounts.get(viewer, accountId).publication.state === 'published',
      `the account to be published:\n${natsServer?.logs()}`,
    );
    await admin.reload();
    await shot(admin, 'account');
  });

  it('lets a user of team A create a NATS user whose creds reach NATS', async () => {
    alice = await signedIn('alice@example.test');
    await alice.click('a:text-is("global")');
    await alice.click('a:text-is("orders")');
    await alice.waitForURL(`**/accounts/${accountId}`);
    await alice.goto(`/accounts/${accountId}/nats-users`);
    await alice.click('a:has-text("New NATS user")');
    await alice.fill('input[name="name"]', 'svc');
    await alice.fill('textarea[name="permissions.pub.allow"]', 'orders.>');
    await alice.fill('textarea[name="permissions.sub.allow"]', 'orders.>\n_INBOX.>');
    await shot(alice, 'nats-user-new');
    await alice.click('button:has-text("Create NATS user")');
    await alice.waitForURL(/\/nats-users\/[^/?]+\?done=created$/u);
    natsUserId = idIn(alice, /^\/nats-users\/([^/]+)$/u);
    await shot(alice, 'nats-user');

    const [download] = await Promise.all([
      alice.waitForEvent('download'),
      alice.click('#download-creds'),
    ]);
    const creds = readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toBe('svc.creds');

    client = await connect({
      servers: `nats://127.0.0.1:${natsPort}`,
      authenticator: credsAuthenticator(new TextEncoder().encode(creds)),
      reconnect: false,
      timeout: 5_000,
    });
    const subscription = client.subscribe('orders.created', { max: 1 });
    client.publish('orders.created', 'order 1');
    for await (const message of subscription) expect(message.string()).toBe('order 1');

    await alice.goto(`/accounts/${accountId}/nats-users`);
    await shot(alice, 'nats-users');
    await alice.goto('/audit');
    await shot(alice, 'audit-user');
    await alice.goto('/profile');
    await shot(alice, 'profile');
  });

  it('shows a user of team B the shared installation but nothing of the account', async () => {
    bob = await signedIn('bob@example.test');
    await expect(bob.locator('main').textContent()).resolves.toContain('global');
    await bob.click('a:text-is("global")');
    await bob.waitForURL(`**/installations/${installationId}`);
    await expect(bob.locator('main').textContent()).resolves.not.toContain('orders');
    await shot(bob, 'installation-team-b');

    for (const path of [
      `/accounts/${accountId}`,
      `/accounts/${accountId}/nats-users`,
      `/nats-users/${natsUserId}`,
    ]) {
      const response = await bob.goto(path);
      expect(response?.status()).toBe(404);
      await expect(bob.locator('main').textContent()).resolves.not.toMatch(/orders|svc/u);
    }
    const creds = await bob.request.get(`/nats-users/${natsUserId}/creds`);
    expect(creds.status()).toBe(404);
    await bob.goto(`/accounts/${accountId}`);
    await shot(bob, 'account-hidden-from-team-b');
  });

  it('closes the NATS client as revoked when the user deletes the NATS user', async () => {
    await alice.goto(`/nats-users/${natsUserId}`);
    await alice.click('button:has-text("Delete NATS user")');
    await alice.waitForURL(`**/accounts/${accountId}/nats-users`);

    const closed = await Promise.race([
      client!.closed(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('still connected')), 15_000)),
    ]);
    expect(closed).toMatchObject({ message: 'User Authentication Revoked' });

    await admin.goto('/audit');
    await expect(admin.locator('main').textContent()).resolves.toContain('Deleted NATS user');
    await shot(admin, 'audit-admin');
  });
});
