import { describe, expect, it } from 'vitest';
import { jobsHarness, plan, probeAnswer } from './jobs-harness.ts';

const plans = { 'a.test': plan('a.test') };

describe('CSV exports that spreadsheets cannot execute', () => {
  it('neutralises every cell starting with =, +, -, @, tab or CR (input cells, header and our own columns), and leaves the JSON as given', async () => {
    const h = await jobsHarness({ plans });
    const upload = [
      'name,email,=note',
      '"=HYPERLINK(""http://evil.test"",""click"")",ann@a.test,+SUM(1;2)',
      '@cmd,=1+1@a.test,-2+3',
      '"\tTab","bo@a.test","\rCR"',
      'plain,cy@a.test,a=b',
    ].join('\r\n');
    const id = await h.create(upload);
    await h.run();
    const lines = (await h.results(id, 'csv')).split('\r\n');
    expect(lines[0]).toMatch(/^name,email,"'=note",normalized,/);
    expect(lines[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil\.test"",""click""\)",ann@a\.test,"'\+SUM\(1;2\)",ann@a\.test,deliverable,/);
    expect(lines[2]).toMatch(/^"'@cmd","'=1\+1@a\.test","'-2\+3","'=1\+1@a\.test",deliverable,/);
    expect(lines[3]).toMatch(/^"'\tTab",bo@a\.test,"'\rCR",bo@a\.test,deliverable,/);
    expect(lines[4]).toMatch(/^plain,cy@a\.test,a=b,cy@a\.test,deliverable,/);
    const json = JSON.parse(await h.results(id, 'json')) as { email: string; normalized: string; input: Record<string, string> }[];
    expect(json.map((r) => [r.email, r.normalized, r.input.name, r.input['=note']])).toEqual([
      ['ann@a.test', 'ann@a.test', '=HYPERLINK("http://evil.test","click")', '+SUM(1;2)'],
      ['=1+1@a.test', '=1+1@a.test', '@cmd', '-2+3'],
      ['bo@a.test', 'bo@a.test', '\tTab', '\rCR'],
      ['cy@a.test', 'cy@a.test', 'plain', 'a=b'],
    ]);
  });

  it("neutralises a mail server's reply that reads as a formula: its words are the server's, not ours", async () => {
    const h = await jobsHarness({ plans, answer: probeAnswer({ outcome: 'rejected', reason: 'mailbox_not_found', reply: { code: 550, lines: ['=HYPERLINK("http://evil.test")'] } }) });
    const id = await h.create('email\nann@a.test\n');
    await h.run();
    expect((await h.results(id, 'csv')).split('\r\n')[1]).toMatch(/,550,,done,,,"'=HYPERLINK\(""http:\/\/evil\.test""\)"$/);
  });
});
