/**
 * A response body that is JSON text already (built by SQLite, say): the API sends it as it is,
 * as `application/json`, rather than parsing it into objects only to serialize them again.
 *
 * @example
 * handle: (ctx) => new JsonText(ctx.web.queries.natsUsers.listJson(ctx.viewer, id)),
 */
export class JsonText {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}
