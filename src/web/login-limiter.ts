import { TowerError } from '../errors/index.ts';

export interface LoginLimits {
  /** Failed logins allowed from one client address within the window. */
  perIp: number;
  /** Failed logins allowed for one email within the window. */
  perEmail: number;
  windowMs: number;
}

interface Window {
  failures: number;
  startedAt: number;
}

/**
 * The login limits as the login route applies them. The web workers of `tower serve` share
 * the one LoginLimiter of the process that starts them, so that the limits hold across them.
 */
export interface LoginGuard {
  /** Throws rate_limited, with the seconds to wait, when the address or email is blocked. */
  check(ip: string, email: string, now: number): void | Promise<void>;
  failed(ip: string, email: string, now: number): void;
  succeeded(email: string): void;
}

/** Windows kept before expired ones are swept, so that a flood of addresses cannot grow memory. */
const SWEEP_AT = 10_000;

/**
 * Counts failed logins per client address and per email in fixed windows. Once either count
 * reaches its limit, further attempts are refused with 429 until the window ends, even with
 * the right password. A successful login clears the email's count.
 */
export class LoginLimiter implements LoginGuard {
  readonly #limits: LoginLimits;
  readonly #windows = new Map<string, Window>();

  constructor(limits: LoginLimits) {
    this.#limits = limits;
  }

  /** Throws rate_limited, with the seconds to wait, when the address or email is blocked. */
  check(ip: string, email: string, now: number): void {
    const wait = Math.max(
      this.#blockedFor(`ip:${ip}`, this.#limits.perIp, now),
      this.#blockedFor(`email:${email}`, this.#limits.perEmail, now),
    );
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new TowerError('rate_limited', `Too many failed logins; try again in ${seconds} s.`, {
        context: { retryAfterSeconds: seconds },
      });
    }
  }

  failed(ip: string, email: string, now: number): void {
    this.#count(`ip:${ip}`, now);
    this.#count(`email:${email}`, now);
  }

  succeeded(email: string): void {
    this.#windows.delete(`email:${email}`);
  }

  #blockedFor(key: string, limit: number, now: number): number {
    const window = this.#live(key, now);
    return window && window.failures >= limit ? window.startedAt + this.#limits.windowMs - now : 0;
  }

  #count(key: string, now: number): void {
    if (this.#windows.size >= SWEEP_AT) this.#sweep(now);
    const window = this.#live(key, now) ?? { failures: 0, startedAt: now };
    window.failures += 1;
    this.#windows.set(key, window);
  }

  #live(key: string, now: number): Window | undefined {
    const window = this.#windows.get(key);
    return window && now - window.startedAt < this.#limits.windowMs ? window : undefined;
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) {
      if (now - window.startedAt >= this.#limits.windowMs) this.#windows.delete(key);
    }
  }
}
