import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../src/logger.ts';
import { startPublisher, type Publisher } from '../../src/publisher/index.ts';
import { buildServer } from '../../src/web/build-server.ts';
import { pages, renderErrorPage } from '../../src/web/pages/index.ts';
import { TEST_PUBLISHER_OPTIONS } from '../publisher/publisher-fixture.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';
import { testWebConfig } from '../helpers/web.ts';

/** A Tower as `tower serve` runs it: pages, API and publisher, listening on a loopback port. */
export interface TowerServer {
  tower: TempTower;
  app: FastifyInstance;
  publisher: Publisher;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** What the server logged, for failure messages. */
  logText(): string;
  stop(): Promise<void>;
}

/**
 * Starts Tower in a temporary data folder with the default admin and user, on a port the
 * system picks; the publisher retries quickly so a test need not wait long for a server.
 */
export async function startTowerServer(): Promise<TowerServer> {
  const tower = await tempTower();
  let raw = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  const publisher = startPublisher(tower, { ...TEST_PUBLISHER_OPTIONS, logger });
  const app = await buildServer({
    tower,
    config: testWebConfig(),
    logger,
    publisher,
    pages,
    renderErrorPage,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return {
    tower,
    app,
    publisher,
    baseUrl: `http://127.0.0.1:${port}`,
    logText: () => raw,
    stop: async () => {
      await app.close();
      await publisher.stop();
      tower.destroy();
    },
  };
}
