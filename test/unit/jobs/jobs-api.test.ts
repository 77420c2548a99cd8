import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AccessEnv } from '../../../edge/access/authenticate.ts';
import type { VerificationResult } from '../../../protocol/index.ts';
import { portablePacking } from '../../../edge/store/deflate-portable.ts';
import { csvOf, jobsHarness, plan, probeAnswer, TEST_KEY } from './jobs-harness.ts';

/** The export's columns past score, for an address without flags, suggestion or SMTP reply. */
function fieldsOf(reasonText: string, catchAll: string | null, mxHost: string | null) {
  return { reason_text: reasonText, suggestion: null, role: false, disposable: false, free_provider: false, catch_all: catchAll, mx_host: mxHost, smtp_code: null, smtp_enhanced_code: null, state: 'done', next_retry_at: null, cause: null, smtp_reply: null };
}

const plans = { 'a.test': plan('a.test'), 'b.test': plan('b.test'), 'null.test': { ...plan('null.test', 'null_mx'), reason: 'null_mx' as const } };

describe('POST /v1/jobs', () => {
  it('takes a CSV, keeps every row, folds duplicates, resolves invalid rows without DNS and answers 202', async () => {
    const h = await jobsHarness({ plans, answer: probeAnswer({ outcome: 'accepted', reason: 'accepted', mx_host: 'mx.a.test', reply: { code: 250, enhanced: '2.1.5', lines: ['Ok'] } }) });
    const csv = csvOf([['Name', 'E-Mail', 'city'], ['Ann', 'ann@a.test', 'Oslo'], ['Ann again', 'ann@A.Test', 'Bergen'], ['Bad', 'not-an-address', ''], ['Bo', 'bo@b.test', '"Rome, IT"']]);
    const res = await h.post(csv, 'text/csv');
    expect(res.status).toBe(202);
    const { id, rows } = (await res.json()) as { id: string; rows: number };
    expect(rows).toBe(4);
    const before = await h.status(id);
    expect(before).toMatchObject({ status: 'queued', rows: 4, total: 3, done: 1, pending: 2, counts: { undeliverable: 1 } });
    expect(h.resolver.calls).toEqual([]);
    await h.run();
    const after = await h.status(id);
    expect(after).toMatchObject({ status: 'completed', total: 3, done: 3, pending: 0, progress: 1, counts: { deliverable: 2, undeliverable: 1 } });
    expect(h.dispatcher.tasks.map((t) => t.addresses.map((a) => a.address))).toEqual(expect.arrayContaining([['ann@a.test'], ['bo@b.test']]));
    expect(h.dispatcher.tasks).toHaveLength(2);
    const csvOut = await h.results(id, 'csv');
    const accepted = 'The mail server accepted the recipient.,,false,false,false,no';
    expect(csvOut.split('\r\n')).toEqual([
      'Name,E-Mail,city,normalized,verdict,reason,score,reason_text,suggestion,role,disposable,free_provider,catch_all,mx_host,smtp_code,smtp_enhanced_code,state,next_retry_at,cause,smtp_reply',
      expect.stringMatching(new RegExp(`^Ann,ann@a\\.test,Oslo,ann@a\\.test,deliverable,accepted,0\\.\\d+,${accepted},mx\\.a\\.test,250,2\\.1\\.5,done,,,Ok$`)),
      expect.stringMatching(new RegExp(`^Ann again,ann@A\\.Test,Bergen,ann@a\\.test,deliverable,accepted,0\\.\\d+,${accepted},mx\\.a\\.test,250,2\\.1\\.5,done,,,Ok$`)),
      'Bad,not-an-address,,,undeliverable,invalid_syntax,0,The address is not a valid RFC 5321 mailbox.,,false,false,false,,,,,done,,,',
      expect.stringMatching(/^Bo,bo@b\.test,"Rome, IT",bo@b\.test,deliverable,accepted,0\.\d+,/),
      '',
    ]);
  });

  it('takes a JSON list of strings and objects, and streams JSON and NDJSON results in input order', async () => {
    const h = await jobsHarness({ plans });
    const id = await h.create(JSON.stringify(['x@a.test', { email: 'y@null.test', crm_id: 7 }]), 'application/json');
    await h.run();
    const json = JSON.parse(await h.results(id, 'json'));
    expect(json).toEqual([
      { row: 1, email: 'x@a.test', normalized: 'x@a.test', verdict: 'deliverable', reason: 'accepted', score: expect.any(Number), ...fieldsOf('The mail server accepted the recipient.', 'no', 'mx.a.test') },
      { row: 2, email: 'y@null.test', normalized: 'y@null.test', verdict: 'undeliverable', reason: 'null_mx', score: expect.any(Number), ...fieldsOf('The domain publishes a null MX (RFC 7505): it accepts no mail.', null, null), input: { crm_id: 7 } },
    ]);
    const lines = (await h.results(id, 'ndjson')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual(json);
    expect(h.dispatcher.tasks).toHaveLength(1);
  });

  it('takes a multipart upload and finds a headerless address column', async () => {
    const h = await jobsHarness({ plans });
    const form = new FormData();
    form.append('note', 'ignored');
    form.append('file', new Blob(['1,one@a.test\n2,two@a.test\n'], { type: 'text/csv' }), 'list.csv');
    const request = new Request('http://x/', { method: 'POST', body: form });
    const id = await h.create(await request.arrayBuffer(), request.headers.get('content-type') ?? '');
    await h.run();
    expect(await h.results(id, 'csv')).toMatch(/^column1,email,normalized,verdict,reason,score,reason_text,.*\r\n1,one@a\.test,one@a\.test,deliverable,accepted,/);
  });

  it('uses ?column= and rejects a name the header lacks', async () => {
    const h = await jobsHarness({ plans });
    const id = await h.create('who,contact\nA,a@a.test\n', 'text/csv', '?column=Contact');
    expect(await h.status(id)).toMatchObject({ total: 1, rows: 1 });
    const bad = await h.post('who,contact\nA,a@a.test\n', 'text/csv', '?column=mail');
    expect(bad.status).toBe(400);
  });

  it('rejects a malformed file with the line number and leaves no half job behind', async () => {
    const h = await jobsHarness({ plans, runner: {} });
    const good = Array.from({ length: 1200 }, (_, i) => `u${i}@a.test`).join('\n');
    const res = await h.post(`email\n${good}\nbro"ken@a.test\n`, 'text/csv');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'invalid_upload', message: expect.stringMatching(/^line 1202: a quote inside an unquoted field/) } });
    for (const table of ['jobs', 'job_items', 'job_rows'] as const) {
      expect(await h.store.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst()).toEqual({ n: 0 });
    }
    expect((await h.post('[1, 2]', 'application/json')).status).toBe(400);
    expect((await h.post('<xml/>', 'application/xml')).status).toBe(415);
  });

  it('drops everything written when the body breaks off mid-upload', async () => {
    const h = await jobsHarness({ plans });
    const rows = Array.from({ length: 2000 }, (_, i) => `u${i}@a.test\n`).join('');
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new Error('connection reset'));
        sent = true;
        controller.enqueue(new TextEncoder().encode(`email\n${rows}`));
      },
    });
    const res = await h.app.request('/v1/jobs', { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'text/csv' }, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'invalid_upload', message: 'the upload broke off: connection reset' } });
    expect(await h.store.selectFrom('job_rows').selectAll().execute()).toEqual([]);
    expect(await h.store.selectFrom('jobs').selectAll().execute()).toEqual([]);
  });

  it('refuses more rows than the limit', async () => {
    const h = await jobsHarness({ plans });
    const { createJobRoutes } = await import('../../../edge/jobs/job-routes.ts');
    const routes = createJobRoutes({ db: h.store, clock: h.clock, random: { next: () => 0.5, bytes: (n) => new Uint8Array(n).fill(7) }, checkSyntax: (await import('../../../edge/syntax/index.ts')).checkSyntax, maxRows: 3, packing: portablePacking });
    // Mounted alone, so the principal the API key would have set is set here.
    const app = new Hono<AccessEnv>().use((c, next) => (c.set('principal', { id: 'k_t', name: 't', scopes: ['jobs'] }), next())).route('/', routes);
    const res = await app.request('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '["a@a.test","b@a.test","c@a.test","d@a.test"]' });
    expect(res.status).toBe(413);
    expect(await h.store.selectFrom('jobs').selectAll().execute()).toEqual([]);
  });
});

describe('GET /v1/jobs/:id/results', () => {
  it('pages through the store: well-formed output in input order across page boundaries, unresolved rows without a verdict', async () => {
    const h = await jobsHarness({ plans, healthy: 0 });
    const list = Array.from({ length: 2500 }, (_, i) => (i % 2 ? `p${i}@a.test` : `bad ${i}`));
    const id = await h.create(JSON.stringify(list), 'application/json');
    const json = JSON.parse(await h.results(id, 'json')) as { row: number; verdict: string | null }[];
    expect(json.map((r) => r.row)).toEqual(list.map((_, i) => i + 1));
    expect(json.filter((r) => r.verdict === null)).toHaveLength(1250);
    expect((await h.results(id, 'ndjson')).trim().split('\n')).toHaveLength(2500);
    expect((await h.results(id, 'csv')).split('\r\n')).toHaveLength(2502);
    const res = await h.app.request(`/v1/jobs/${id}/results?format=xml`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(res.status).toBe(400);
  });

  it("gives the server's own words in smtp_reply, and with ?detail=full each row's whole result", async () => {
    const rejected = { code: 550, enhanced: '5.1.1', lines: ['5.1.1 <gone@a.test>: Recipient address rejected: User unknown in local recipient table'] };
    const transcript = [{ at_ms: 40, dir: 'c' as const, text: 'RCPT TO:<gone@a.test>' }, { at_ms: 90, dir: 's' as const, text: `550 ${rejected.lines[0]}` }];
    const h = await jobsHarness({ plans, answer: probeAnswer({ outcome: 'rejected', reason: 'mailbox_not_found', mx_host: 'mx.a.test', reply: rejected, transcript }) });
    const id = await h.create(JSON.stringify(['gone@a.test', 'bad address', 'later@b.test']), 'application/json');
    await h.run();
    const get = (query: string) => h.app.request(`/v1/jobs/${id}/results?${query}`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    const plain = (await (await get('format=json')).json()) as Record<string, unknown>[];
    expect(plain[0]).toMatchObject({ email: 'gone@a.test', verdict: 'undeliverable', smtp_code: 550, smtp_reply: rejected.lines[0] });
    expect(plain.every((row) => !('result' in row))).toBe(true);
    for (const format of ['json', 'ndjson']) {
      const text = await (await get(`format=${format}&detail=full`)).text();
      const rows = (format === 'json' ? JSON.parse(text) : text.trim().split('\n').map((l) => JSON.parse(l))) as { email: string; result: VerificationResult | null }[];
      expect(rows.map((r) => [r.email, r.result?.verdict])).toEqual([['gone@a.test', 'undeliverable'], ['bad address', 'undeliverable'], ['later@b.test', 'undeliverable']]);
      expect(rows[0]!.result?.checks.smtp?.transcript).toEqual(transcript);
      expect(rows[1]!.result?.checks.syntax.valid).toBe(false);
    }
    for (const query of ['format=csv&detail=full', 'format=json&detail=everything']) {
      const refused = await get(query);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: 'invalid_request', message: expect.stringContaining('detail') } });
    }
  });
});

describe('GET and DELETE /v1/jobs/:id', () => {
  it('deletes the job with its addresses, then answers 404', async () => {
    const h = await jobsHarness({ plans });
    const id = await h.create('email\na@a.test\nb@a.test\n');
    expect((await h.remove(id)).status).toBe(204);
    expect(await h.status(id)).toEqual({ http: 404 });
    expect((await h.remove(id)).status).toBe(404);
    expect(await h.store.selectFrom('job_items').selectAll().execute()).toEqual([]);
    expect(await h.store.selectFrom('job_rows').selectAll().execute()).toEqual([]);
  });

  it("takes its addresses' cached answers with it, from the store and from the edge's memory", async () => {
    const h = await jobsHarness({ plans });
    const id = await h.create('email\na@a.test\nbad address\n');
    await h.run();
    const verify = async () => {
      const res = await h.app.request('/v1/verify', { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@a.test' }) });
      return ((await res.json()) as { cached: boolean }).cached;
    };
    expect(await verify()).toBe(true);
    expect((await h.remove(id)).status).toBe(204);
    expect(await h.store.selectFrom('result_cache').select('normalized').execute()).toEqual([]);
    expect(await verify()).toBe(false);
  });

  it('cancels: nothing more is claimed, the results so far stay readable', async () => {
    const h = await jobsHarness({ plans, healthy: 0 });
    const id = await h.create('email\na@a.test\nbad address\n');
    const res = await h.app.request(`/v1/jobs/${id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(await res.json()).toMatchObject({ status: 'cancelled', done: 1, pending: 1 });
    h.dispatcher.healthy = 1;
    await h.run();
    await h.advance(5_000);
    expect(h.dispatcher.tasks).toHaveLength(0);
    // The row the job never reached says so, in JSON and CSV alike.
    expect(JSON.parse(await h.results(id)).map((r: { verdict: string | null; reason: string | null }) => [r.verdict, r.reason])).toEqual([['cancelled', 'cancelled'], ['undeliverable', 'invalid_syntax']]);
    expect((await h.results(id, 'csv')).split('\r\n')[1]).toBe('a@a.test,a@a.test,cancelled,cancelled,,The job was cancelled before this address was checked.,,,,,,,,,cancelled,,,');
  });

  it('filters the results by ?verdict= (comma-separated or repeated) and names the download', async () => {
    const h = await jobsHarness({ plans });
    const id = await h.create('email\na@a.test\nbad address\nn@null.test\nb@b.test\n');
    await h.run();
    const verdictsOf = async (query: string) => {
      const res = await h.app.request(`/v1/jobs/${id}/results?format=json&${query}`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
      return (await res.json()).map((r: { email: string; verdict: string }) => `${r.email} ${r.verdict}`);
    };
    expect(await verdictsOf('verdict=undeliverable')).toEqual(['bad address undeliverable', 'n@null.test undeliverable']);
    expect(await verdictsOf('verdict=deliverable,undeliverable')).toHaveLength(4);
    expect(await verdictsOf('verdict=deliverable&verdict=risky')).toEqual(['a@a.test deliverable', 'b@b.test deliverable']);
    const bad = await h.app.request(`/v1/jobs/${id}/results?verdict=good`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request', message: expect.stringContaining('got good') } });
    const csv = await h.app.request(`/v1/jobs/${id}/results?format=csv&verdict=deliverable`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="bouncezero-${id}.csv"`);
    expect((await csv.text()).trim().split('\r\n')).toHaveLength(3);
  });

  it('needs the API key', async () => {
    const h = await jobsHarness({ plans });
    expect((await h.app.request('/v1/jobs/whatever')).status).toBe(401);
  });
});
