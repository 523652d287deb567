import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webTower, type WebTower } from '../helpers/web.ts';

describe('errors the router raises itself', () => {
  let web: WebTower;
  beforeAll(async () => {
    web = await webTower();
  });
  afterAll(() => web.close());

  it('answers an over-long path parameter with problem+json', async () => {
    const response = await web.app.inject({
      method: 'GET',
      url: `/api/v1/accounts/${'a'.repeat(500)}`,
    });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/u);
    expect(response.json()).toMatchObject({ status: response.statusCode });
  });
});
