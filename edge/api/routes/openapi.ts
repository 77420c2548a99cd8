import { Hono } from 'hono';
import { openApiDocument } from '../openapi-document.ts';

/** GET /openapi.json; built once, since the schemas do not change while running. */
export function openApiRoutes(extraPaths?: Record<string, Record<string, unknown>>): Hono {
  const document = openApiDocument(extraPaths);
  return new Hono().get('/openapi.json', (c) => c.json(document));
}
