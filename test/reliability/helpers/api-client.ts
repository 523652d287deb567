/** One answer of the JSON API: its status and parsed body (text when it is not JSON). */
export interface ApiAnswer {
  status: number;
  body: unknown;
  ms: number;
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  idempotencyKey?: string;
}

/** A bearer-token client of Tower's `/api/v1`; network failures reject, HTTP errors do not. */
export class ApiClient {
  constructor(
    private readonly base: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(request: ApiRequest): Promise<ApiAnswer> {
    const started = Date.now();
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
    const response = await fetch(`${this.base}/api/v1${request.path}`, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (operator.conf, server.conf): the text itself is the body.
    }
    return { status: response.status, body, ms: Date.now() - started };
  }

  /** Sends and insists on a 2xx answer, naming the request and the answer when not. */
  async ok<T = unknown>(request: ApiRequest): Promise<T> {
    const answer = await this.send(request);
    if (answer.status < 200 || answer.status >= 300) {
      const body = JSON.stringify(answer.body);
      throw new Error(`${request.method} ${request.path} answered ${answer.status}: ${body}`);
    }
    return answer.body as T;
  }
}
