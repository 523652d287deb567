import { describe, expect, it } from 'vitest';

import { natsContext } from '../../src/signer/nats-context.ts';

describe('natsContext', () => {
  it('gives the CLI context fields with the URLs comma separated and a creds path', () => {
    const context = natsContext({
      description: 'orders on prod',
      urls: ['nats://a:4222', 'nats://b:4222'],
      credsPath: '/home/me/.config/tower/orders.creds',
    });

    expect(context).toEqual({
      description: 'orders on prod',
      url: 'nats://a:4222,nats://b:4222',
      creds: '/home/me/.config/tower/orders.creds',
    });
  });
});
