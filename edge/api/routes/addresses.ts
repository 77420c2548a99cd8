import { Hono } from 'hono';
import type { SyntaxCheck } from '../../../protocol/index.ts';
import type { AccessEnv } from '../../access/authenticate.ts';
import type { ErasedCounts } from '../../retention/erase-address.ts';

export interface AddressRoutesDeps {
  checkSyntax: (input: string) => SyntaxCheck;
  /** Erases the job key (the normalized address, or `invalid:<input>`) from every table and the memo. */
  erase: (key: string) => Promise<ErasedCounts>;
}

/**
 * DELETE /v1/addresses/{email}: the right to erasure. Needs the `admin` scope, because it
 * reaches every owner's jobs; answers what was removed (all zero when nothing was held).
 */
export function addressRoutes(deps: AddressRoutesDeps): Hono<AccessEnv> {
  const app = new Hono<AccessEnv>();
  app.delete('/v1/addresses/:email', async (c) => {
    const email = c.req.param('email');
    const syntax = deps.checkSyntax(email);
    const key = syntax.valid && syntax.normalized !== null ? syntax.normalized : `invalid:${email}`;
    return c.json({ erased: key, ...(await deps.erase(key)) }, 200);
  });
  return app;
}
