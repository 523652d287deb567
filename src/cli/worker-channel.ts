import type { Worker } from 'node:cluster';
import { TowerError, isTowerError } from '../errors/index.ts';
import type { Logger } from '../logger.ts';
import type { LiveMonitoring } from '../web/live-monitoring.ts';
import type { LoginGuard } from '../web/login-limiter.ts';

/**
 * The messages between `tower serve` and its web workers, over Node's IPC channel. A worker
 * says when it committed, so that the publisher and the mirror wake at once, and asks for
 * what only one process may hold: the login limits and the publisher's NATS connections.
 * Nothing secret crosses: emails, addresses, ids, public keys and server statistics.
 */
type Question =
  | { op: 'installation'; args: [installationId: string] }
  | { op: 'account'; args: [installationId: string, publicKey: string, servers: number] }
  | { op: 'loginCheck'; args: [ip: string, email: string, now: number] };

type Notice =
  | { op: 'committed'; args: [] }
  | { op: 'loginFailed'; args: [ip: string, email: string, now: number] }
  | { op: 'loginSucceeded'; args: [email: string] };

type ToPrimary =
  { tower: 'ask'; id: number; question: Question } | { tower: 'tell'; notice: Notice };

interface ErrorShape {
  code: TowerError['code'];
  message: string;
  field: string | undefined;
  context: Record<string, unknown>;
}

type ToWorker =
  | { tower: 'answer'; id: number; value: unknown }
  | { tower: 'answer'; id: number; error: ErrorShape };

/** Longer than any monitoring request waits for the servers. */
const ANSWER_TIMEOUT_MS = 15_000;

/** What the primary process answers with. */
export interface PrimaryServices {
  monitoring: LiveMonitoring;
  loginGuard: LoginGuard;
  /** A worker committed: tell the publisher and the mirror. */
  committed(): void;
}

/** In the primary: answers one worker's message. */
export function answerWorker(worker: Worker, message: unknown, services: PrimaryServices): void {
  if (!isMessage<ToPrimary>(message)) return;
  if (message.tower === 'tell') {
    const { notice } = message;
    if (notice.op === 'committed') services.committed();
    else if (notice.op === 'loginFailed') services.loginGuard.failed(...notice.args);
    else services.loginGuard.succeeded(...notice.args);
    return;
  }
  const { id, question } = message;
  answer(question, services).then(
    (value) => send(worker, { tower: 'answer', id, value }),
    (error: unknown) => send(worker, { tower: 'answer', id, error: errorShape(error) }),
  );
}

async function answer(question: Question, services: PrimaryServices): Promise<unknown> {
  switch (question.op) {
    case 'installation':
      return services.monitoring.installation(...question.args);
    case 'account':
      return services.monitoring.account(...question.args);
    case 'loginCheck':
      return services.loginGuard.check(...question.args);
  }
}

function send(worker: Worker, message: ToWorker): void {
  if (worker.isConnected()) worker.send(message);
}

function errorShape(error: unknown): ErrorShape {
  if (isTowerError(error)) {
    const { code, message, field, context } = error;
    return { code, message, field, context };
  }
  return {
    code: 'internal',
    message: 'The primary process failed to answer.',
    field: undefined,
    context: {},
  };
}

/**
 * In a web worker: the primary's services as the web server uses them. A question the
 * primary does not answer in time is refused; monitoring then shows nothing, as it does when
 * an installation cannot be reached.
 */
export class PrimaryChannel {
  readonly #process: NodeJS.Process;
  readonly #log: Logger;
  readonly #waiting = new Map<number, (message: ToWorker) => void>();
  #next = 0;

  constructor(process: NodeJS.Process, log: Logger) {
    this.#process = process;
    this.#log = log;
    process.on('message', (message: unknown) => {
      if (!isMessage<ToWorker>(message) || message.tower !== 'answer') return;
      this.#waiting.get(message.id)?.(message);
    });
  }

  committed(): void {
    this.#tell({ op: 'committed', args: [] });
  }

  get monitoring(): LiveMonitoring {
    const ask = async <T>(question: Question): Promise<T | null> => {
      try {
        return (await this.#ask(question)) as T | null;
      } catch (error) {
        this.#log.warn({ err: error, op: question.op }, 'monitoring through the primary failed');
        return null;
      }
    };
    return {
      installation: (...args) => ask({ op: 'installation', args }),
      account: (...args) => ask({ op: 'account', args }),
    };
  }

  get loginGuard(): LoginGuard {
    return {
      check: async (...args) => {
        await this.#ask({ op: 'loginCheck', args });
      },
      failed: (...args) => this.#tell({ op: 'loginFailed', args }),
      succeeded: (...args) => this.#tell({ op: 'loginSucceeded', args }),
    };
  }

  #tell(notice: Notice): void {
    if (this.#process.connected)
      this.#process.send?.({ tower: 'tell', notice } satisfies ToPrimary);
  }

  #ask(question: Question): Promise<unknown> {
    const send = this.#process.connected ? this.#process.send?.bind(this.#process) : undefined;
    if (!send) return Promise.reject(new TowerError('internal', 'The primary process is gone.'));
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new TowerError('internal', 'The primary process did not answer in time.'));
      }, ANSWER_TIMEOUT_MS);
      this.#waiting.set(id, (message) => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        if ('error' in message) {
          const { code, message: text, field, context } = message.error;
          reject(new TowerError(code, text, { field, context }));
        } else resolve(message.value);
      });
      send({ tower: 'ask', id, question } satisfies ToPrimary);
    });
  }
}

function isMessage<T extends { tower: string }>(message: unknown): message is T {
  return typeof message === 'object' && message !== null && 'tower' in message;
}
