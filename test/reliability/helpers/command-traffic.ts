import type { ApiClient, ApiRequest } from './api-client.ts';
import type { SeededRandom } from './seeded-random.ts';

export type CommandKind = 'createAccount' | 'setLimits' | 'createNatsUser' | 'deleteNatsUser';

/** A state-changing request and, once Tower answered it with a 2xx, what it answered. */
export interface SentCommand {
  key: string;
  kind: CommandKind;
  request: ApiRequest;
  /** The account a NATS user is created in or deleted from. */
  accountId?: string;
  /** The NATS user a deletion is for. */
  targetId?: string;
  /** The id the answer named (created accounts and NATS users). */
  answeredId?: string;
  status?: number;
}

/**
 * What the clients know of Tower's state, shared between them: they create accounts and NATS
 * users, change limits and delete NATS users, each request with its own Idempotency-Key.
 */
export class CommandTraffic {
  readonly acknowledged: SentCommand[] = [];
  /** Sent, but the connection died before an answer came: retried after the restart. */
  readonly unanswered: SentCommand[] = [];
  /** Answers outside 2xx: a correct Tower gives none for these requests. */
  readonly refused: { command: SentCommand; status: number; body: unknown }[] = [];
  readonly accounts: string[] = [];
  readonly natsUsers = new Map<string, string>();
  #count = 0;

  constructor(
    private readonly installationId: string,
    private readonly random: SeededRandom,
  ) {}

  /** Runs `clients` request loops until `running()` turns false or a request fails to connect. */
  async run(api: ApiClient, clients: number, running: () => boolean): Promise<void> {
    const loop = async (client: number) => {
      while (running()) {
        const command = this.#next(client);
        const settled = await this.send(api, command);
        if (!settled) return;
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, client) => loop(client)));
  }

  /** Sends again, with the same keys, every request that got no answer. */
  async resendUnanswered(api: ApiClient): Promise<number> {
    const again = this.unanswered.splice(0);
    for (const command of again) {
      if (!(await this.send(api, command))) throw new Error(`no answer to ${command.key} again`);
    }
    return again.length;
  }

  /** Sends one request; false when no answer came (the process died), true otherwise. */
  async send(api: ApiClient, command: SentCommand): Promise<boolean> {
    let answer;
    try {
      answer = await api.send(command.request);
    } catch {
      this.unanswered.push(command);
      return false;
    }
    if (answer.status < 200 || answer.status >= 300) {
      this.refused.push({ command, status: answer.status, body: answer.body });
      return true;
    }
    command.status = answer.status;
    command.answeredId = (answer.body as { id?: string } | undefined)?.id;
    this.acknowledged.push(command);
    this.#learn(command);
    return true;
  }

  #learn(command: SentCommand): void {
    if (command.kind === 'createAccount' && command.answeredId) {
      this.accounts.push(command.answeredId);
    }
    if (command.kind === 'createNatsUser' && command.answeredId) {
      this.natsUsers.set(command.answeredId, command.accountId!);
    }
  }

  /** The next request, chosen at random from what exists now. */
  #next(client: number): SentCommand {
    this.#count += 1;
    const key = `c${client}-${this.#count}`;
    const roll = this.random.next();
    if (this.accounts.length < 2 || roll < 0.15) {
      const body = { name: `acct-${key}`, description: 'crash test' };
      const path = `/installations/${this.installationId}/accounts`;
      return { key, kind: 'createAccount', request: this.#post(path, body, key) };
    }
    const accountId = this.random.pick(this.accounts);
    if (roll < 0.45) {
      const limits = {
        connections: this.random.int(50, 5_000),
        subscriptions: this.random.int(100, 50_000),
      };
      const request: ApiRequest = {
        method: 'PATCH',
        path: `/accounts/${accountId}`,
        body: { limits },
        idempotencyKey: key,
      };
      return { key, kind: 'setLimits', accountId, request };
    }
    if (roll < 0.8 || this.natsUsers.size === 0) {
      const body = { name: `user-${key}` };
      const request = this.#post(`/accounts/${accountId}/nats-users`, body, key);
      return { key, kind: 'createNatsUser', accountId, request };
    }
    const natsUserId = this.random.pick([...this.natsUsers.keys()]);
    const owner = this.natsUsers.get(natsUserId)!;
    // Forgotten before sending, so that no other client deletes it too.
    this.natsUsers.delete(natsUserId);
    const request: ApiRequest = {
      method: 'DELETE',
      path: `/nats-users/${natsUserId}`,
      idempotencyKey: key,
    };
    return { key, kind: 'deleteNatsUser', accountId: owner, targetId: natsUserId, request };
  }

  #post(path: string, body: unknown, key: string): ApiRequest {
    return { method: 'POST', path, body, idempotencyKey: key };
  }
}
