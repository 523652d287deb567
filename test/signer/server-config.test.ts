import { describe, expect, it } from 'vitest';

import { renderOperatorConf, renderServerConfig } from '../../src/signer/server-config.ts';

const options = {
  serverName: 'n2',
  resolverDir: '/var/lib/nats/jwt',
  jetstreamDir: '/var/lib/nats/js',
};

/** The config's lines without comments or blanks: what nats-server reads. */
function activeLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

describe('renderOperatorConf', () => {
  it('sets operator, system account and preloads the system account JWT', () => {
    const text = renderOperatorConf({
      operatorJwt: 'eyJop.x.y',
      systemAccountId: 'ASYS',
      systemAccountJwt: 'eyJsys.x.y',
    });

    expect(activeLines(text)).toEqual([
      'operator = eyJop.x.y',
      'system_account = ASYS',
      'resolver_preload = {',
      'ASYS: eyJsys.x.y',
      '}',
    ]);
  });
});

describe('renderServerConfig', () => {
  it('names the server, listens on 4222, monitors on 8222 and includes operator.conf', () => {
    const lines = activeLines(renderServerConfig(options));

    expect(lines.slice(0, 4)).toEqual([
      'server_name: "n2"',
      'port: 4222',
      'http_port: 8222',
      'include "operator.conf"',
    ]);
  });

  it('keeps account JWTs in a full resolver that allows deletion and sets no limit', () => {
    const text = renderServerConfig(options);
    const lines = activeLines(text);

    expect(lines).toEqual(
      expect.arrayContaining([
        'resolver: {',
        'type: full',
        'dir: "/var/lib/nats/jwt"',
        'allow_delete: true',
        'interval: "2m"',
      ]),
    );
    expect(lines.some((line) => line.startsWith('limit'))).toBe(false);
  });

  it('turns JetStream on with its store, or leaves it off', () => {
    expect(activeLines(renderServerConfig(options))).toContain('store_dir: "/var/lib/nats/js"');
    const off = activeLines(renderServerConfig({ ...options, jetstreamDir: null }));
    expect(off.some((line) => line.startsWith('jetstream'))).toBe(false);
  });

  it('shows cluster and gateway blocks commented out', () => {
    const text = renderServerConfig(options);

    expect(text).toContain('# cluster: {');
    expect(text).toContain('# gateway: {');
    expect(activeLines(text).some((line) => /^(cluster|gateway)\b/.test(line))).toBe(false);
  });

  it('renders test values: system-picked ports, a host, no monitoring, an active cluster', () => {
    const text = renderServerConfig({
      ...options,
      host: '127.0.0.1',
      port: -1,
      httpPort: null,
      operatorConfPath: '/etc/nats/operator.conf',
      cluster: { name: 'c1', port: 6222, routes: ['nats-route://127.0.0.1:6222'] },
    });
    const lines = activeLines(text);

    expect(lines).toEqual(expect.arrayContaining(['host: "127.0.0.1"', 'port: -1']));
    expect(lines).toContain('include "/etc/nats/operator.conf"');
    expect(lines.some((line) => line.startsWith('http_port'))).toBe(false);
    expect(lines).toEqual(
      expect.arrayContaining(['cluster: {', 'name: "c1"', '"nats-route://127.0.0.1:6222"']),
    );
  });

  it('escapes quotes and backslashes in paths', () => {
    const text = renderServerConfig({ ...options, resolverDir: 'C:\\nats "jwt"' });

    expect(text).toContain('dir: "C:\\\\nats \\"jwt\\""');
  });
});
