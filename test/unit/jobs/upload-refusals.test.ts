import { describe, expect, it } from 'vitest';
import { jobsHarness, plan } from './jobs-harness.ts';

const plans = { 'a.test': plan('a.test') };

async function refusal(h: Awaited<ReturnType<typeof jobsHarness>>, body: string, type = 'text/csv', query = '') {
  const res = await h.post(body, type, query);
  return { status: res.status, error: ((await res.json()) as { error: { code: string; message: string; columns?: string[] } }).error };
}

describe('uploads refused with a reason, leaving nothing behind', () => {
  it.each([
    ['an empty file', '', 'text/csv'],
    ['a header alone', 'email,name\r\n', 'text/csv'],
    ['an empty JSON list', '[]', 'application/json'],
  ])('refuses %s: 400 empty_upload', async (_name, body, type) => {
    const h = await jobsHarness({ plans });
    const { status, error } = await refusal(h, body, type);
    expect([status, error.code]).toEqual([400, 'empty_upload']);
    expect(error.message).toMatch(/^nothing to check: the upload has no rows/);
    expect(await h.store.selectFrom('jobs').selectAll().execute()).toEqual([]);
  });

  it('names the columns when no header says which holds the addresses, and takes the one picked', async () => {
    const h = await jobsHarness({ plans });
    const csv = 'name,work email,private email\r\nAnn,ann@a.test,ann@home.test\r\n';
    const { status, error } = await refusal(h, csv);
    expect([status, error.code, error.columns]).toEqual([400, 'ambiguous_column', ['name', 'work email', 'private email']]);
    expect(error.message).toContain('pass ?column=NAME with one of: name, work email, private email');
    const id = await h.create(csv, 'text/csv', `?column=${encodeURIComponent('private email')}`);
    await h.run();
    expect(JSON.parse(await h.results(id)).map((r: { email: string }) => r.email)).toEqual(['ann@home.test']);
  });

  it('takes the one header that says "mail" (E-Mail-Adresse), and columnN of a file without a header', async () => {
    const h = await jobsHarness({ plans });
    const named = await h.create('Name;E-Mail-Adresse\r\nAnn;x\r\n'.replaceAll(';', ','));
    expect(JSON.parse(await h.results(named)).map((r: { email: string }) => r.email)).toEqual(['x']);
    const headerless = 'ann@a.test,bo@a.test\r\n';
    expect((await refusal(h, headerless)).error).toMatchObject({ code: 'ambiguous_column', columns: ['column1', 'column2'] });
    const id = await h.create(headerless, 'text/csv', '?column=column2');
    expect(JSON.parse(await h.results(id)).map((r: { email: string }) => r.email)).toEqual(['bo@a.test']);
  });

  it('says which names exist when ?column= names none of them', async () => {
    const h = await jobsHarness({ plans });
    expect(await refusal(h, 'who,contact\r\nA,a@a.test\r\n', 'text/csv', '?column=mail')).toEqual({
      status: 400,
      error: { code: 'no_such_column', message: 'no column named "mail" in the upload (its columns: who, contact)', columns: ['who', 'contact'] },
    });
  });
});
