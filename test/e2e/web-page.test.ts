import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXPECTATIONS } from '../world/world.ts';
import { startBounceZero, type BounceZeroProcess } from './bouncezero-process.ts';
import { describeWorld } from '../support/world-tier.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A small mixed list: a greylisted mailbox keeps the job running long enough to watch it move. */
const LIST = ['alice@world.test', 'nobody@world.test', 'full@world.test', 'alice@catchall.test', 'alice@grey.test', 'policy@world.test', 'alice@nullmx.test', 'not an address'];

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** RFC 4180 enough for our own output: quoted cells with doubled quotes, no embedded newlines. */
function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split(/\r?\n/)
    .map((line) => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => (m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!)));
}

/**
 * Issue 6 item 6: the web page, driven in Debian's Chromium against `bouncezero start` and the
 * local test world, as a person would: paste the printed API key, check one address, upload a
 * CSV, watch it finish, download the results.
 */
describeWorld('the web page in Chromium', () => {
  let bz: BounceZeroProcess;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    bz = await startBounceZero();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } })).newPage();
    await page.goto(bz.url);
  });
  afterAll(async () => {
    await browser?.close();
    await bz?.stop();
  });

  async function check(email: string): Promise<{ verdict: string; head: string; transcript: string }> {
    await page.fill('#email', email);
    await page.evaluate(() => delete document.getElementById('single-out')!.dataset.verdict);
    await page.click('#check');
    await page.waitForSelector('#single-out[data-verdict]');
    return {
      verdict: (await page.getAttribute('#single-out', 'data-verdict'))!,
      head: await page.innerText('#single-out p:first-child'),
      transcript: await page.innerText('#single-out pre'),
    };
  }

  it('shows the embedded prober and its self-check', async () => {
    await page.waitForFunction(() => document.querySelectorAll('#doctor tr').length > 0);
    expect(await page.innerText('#agents')).toBe('1 prober connected');
    expect(await page.innerText('#dns')).toBe('DNS answering');
    expect(await page.innerText('#doctor')).toMatch(/embedded\s+port25\s+ok\s+connected to 127\.0\.0\.20:25/);
  });

  it('says what is wrong when the API key is missing, and works once the printed key is pasted', async () => {
    await page.fill('#email', 'alice@world.test');
    await page.click('#check');
    await page.waitForSelector('#single-out .error-box');
    // The error says what is wrong and, in words, what to do about it.
    expect(await page.innerText('#single-out .error-box strong')).toMatch(/^401 Unauthorized: Send an API key as "Authorization: Bearer <key>"/);
    expect(await page.innerText('#single-out .error-box p')).toContain('Paste the API key printed when BounceZero first started');
    await page.fill('#key', bz.key);
  });

  it('checks alice@world.test: deliverable, the reason and the raw SMTP transcript', async () => {
    const out = await check('alice@world.test');
    expect(out.verdict).toBe('deliverable');
    // The reason in words, its code beside it.
    expect(out.head).toBe('deliverable The mail server accepted the recipient. accepted');
    expect(await page.innerText('#single-out p.meta')).toMatch(/score 0\.95/);
    expect(await page.innerText('#single-out ul')).toContain('The mail server accepted the recipient.');
    expect(out.transcript).toMatch(/^S: 220 mx1\.world\.test ESMTP$/m);
    expect(out.transcript).toMatch(/^C: RCPT TO:<alice@world\.test>$/m);
    expect(out.transcript).toMatch(/^S: 250 2\.1\.5 Ok$/m);
    await page.screenshot({ path: join(ARTIFACTS, 'web-page-single.png'), fullPage: true });
  });

  it('checks nobody@world.test: undeliverable, with the server\'s 550', async () => {
    const out = await check('nobody@world.test');
    expect(out.verdict).toBe('undeliverable');
    expect(out.head).toBe('undeliverable The mail server says the mailbox does not exist. mailbox_not_found');
    expect(out.transcript).toMatch(/^S: 550 5\.1\.1 <nobody@world\.test>: Recipient address rejected/m);
  });

  it('cleans a CSV: live progress to 100 %, counts per verdict, a results CSV to download', async () => {
    const csv = ['email,name', ...LIST.map((email, i) => `${csvCell(email)},person ${i}`)].join('\n') + '\n';
    await page.setInputFiles('#file', { name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    // Every width the page gives the bar and every status line, recorded as they happen.
    await page.evaluate(() => {
      const w = window as unknown as { bzWidths: string[]; bzStatus: string[] };
      const bar = document.getElementById('progress')!;
      const status = document.getElementById('bulk-status')!;
      w.bzWidths = [];
      w.bzStatus = [];
      new MutationObserver(() => w.bzWidths.push(bar.style.width)).observe(bar, { attributes: true, attributeFilter: ['style'] });
      new MutationObserver(() => w.bzStatus.push(status.textContent ?? '')).observe(status, { childList: true, characterData: true, subtree: true });
    });
    await page.click('#upload');
    await page.waitForFunction(() => document.getElementById('bulk-status')!.textContent!.includes('waiting on a retry'), undefined, { timeout: 30_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'web-page-running.png'), fullPage: true });
    await page.waitForSelector('#download-box:not(.hidden)', { timeout: 60_000 });

    const { bzWidths: widths, bzStatus: statuses } = await page.evaluate(() => {
      const w = window as unknown as { bzWidths: string[]; bzStatus: string[] };
      return { bzWidths: w.bzWidths, bzStatus: w.bzStatus };
    });
    expect(widths.at(-1)).toBe('100%');
    // The bar moved while the greylisted address waited: it was live, not drawn once at the end.
    expect(widths.some((w) => w !== '100%' && w !== '0%')).toBe(true);
    expect(await page.innerText('#bulk-status')).toBe(`completed: ${LIST.length} / ${LIST.length}`);
    // The person was told why it was not done yet: alice@grey.test waiting on postgrey.
    expect(statuses.some((t) => /^running: \d+ \/ 8.* · 1 waiting on a retry$/.test(t)), statuses.join('\n')).toBe(true);

    const expected = new Map(EXPECTATIONS.map((e) => [e.email, e]));
    const chart = await page.$$eval('#chart .row', (rows) => rows.map((r) => [(r as HTMLElement).dataset.verdict, /^\d+/.exec(r.querySelector('.num')!.textContent!)?.[0]]));
    expect(Object.fromEntries(chart)).toEqual(
      Object.fromEntries(['deliverable', 'risky', 'undeliverable', 'unknown'].map((v) => [v, String(LIST.filter((e) => expected.get(e)?.verdict === v).length)])),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'web-page-job.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toMatch(/^bouncezero-.+\.csv$/);
    const [header, ...rows] = parseCsv(readFileSync(await download.path(), 'utf8'));
    expect(header!.slice(0, 6)).toEqual(['email', 'name', 'normalized', 'verdict', 'reason', 'score']);
    expect(rows.map((r) => [r[0], r[1], r[3], r[4]])).toEqual(LIST.map((email, i) => [email, `person ${i}`, expected.get(email)!.verdict, expected.get(email)!.reason]));
    for (const r of rows) expect(Number.isFinite(Number(r[5])) && r[5] !== '', `score of ${r[0]}`).toBe(true);
  }, 90_000);
});

/**
 * Issue 18: the page on a phone (390 px) and on a desktop, as a list cleaner meets it: a
 * `;`-separated file (Excel in much of Europe), a reload in the middle of the job that finds the
 * job again from the URL, a cancel, and the results with the new columns. The page is never wider
 * than the screen, with or without a key typed in. Greylisting is made to wait 30 s, so the job
 * is still running when the page is reloaded and cancelled.
 */
describeWorld('the web page on every screen', () => {
  const SCREENS = [
    { name: 'phone', width: 390, height: 844 },
    { name: 'desktop', width: 1280, height: 900 },
  ];
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function fitsTheScreen(page: Page): Promise<void> {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    expect(scrollWidth, `page ${scrollWidth}px wide on a ${innerWidth}px screen`).toBeLessThanOrEqual(innerWidth);
  }

  for (const screen of SCREENS) {
    it(`${screen.name} (${screen.width} px): upload a ';' file, reload mid-job, cancel, download the new columns`, async () => {
      // A fresh MAIL FROM per run, so postgrey greylists alice@grey.test afresh.
      const bz = await startBounceZero({ BZ_JOB_RETRY_MIN_MS: '30000', BZ_JOB_RETRY_MAX_MS: '60000', BZ_JOB_RETRY_DELAY_MS: '30000' });
      try {
        const context = await browser.newContext({ acceptDownloads: true, viewport: { width: screen.width, height: screen.height } });
        const page = await context.newPage();
        await page.goto(bz.url);
        await page.waitForFunction(() => document.getElementById('agents')!.textContent!.includes('connected'));
        await fitsTheScreen(page);
        await page.fill('#key', bz.key);
        await page.dispatchEvent('#key', 'change');
        await fitsTheScreen(page);
        // The key stays in this tab only unless "remember" is ticked.
        expect(await page.evaluate(() => [sessionStorage.getItem('bz-key') !== null, localStorage.getItem('bz-key')])).toEqual([true, null]);

        const list = ['alice@world.test', 'nobody@world.test', 'alice@grey.test', 'not an address'];
        const csv = ['email;name', ...list.map((email, i) => `${email};person ${i}`)].join('\r\n') + '\r\n';
        await page.setInputFiles('#file', { name: 'liste-europe.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
        await page.click('#upload');
        await page.waitForFunction(() => document.getElementById('bulk-status')!.textContent!.includes('waiting on a retry'), undefined, { timeout: 30_000 });
        const id = new URL(page.url()).hash.replace(/^#job=/, '');
        expect(id).toMatch(/^job_/);
        await page.screenshot({ path: join(ARTIFACTS, `web-page-${screen.name}-running.png`), fullPage: true });

        // A reload mid-job: the URL still names the job, and the page follows it again.
        await page.reload();
        await page.waitForFunction(() => /^running: \d+ \/ 4/.test(document.getElementById('bulk-status')!.textContent!), undefined, { timeout: 15_000 });
        expect(new URL(page.url()).hash).toBe(`#job=${id}`);
        await page.waitForSelector(`#recent-list li.current[data-id="${id}"]`);
        expect(await page.innerText(`#recent-list li[data-id="${id}"]`)).toMatch(/liste-europe\.csv\s+running/);
        await fitsTheScreen(page);

        await page.click('#cancel');
        await page.waitForFunction(() => document.getElementById('bulk-status')!.textContent!.startsWith('cancelled:'));
        await page.waitForSelector('#download-box:not(.hidden)');
        await page.waitForSelector(`#recent-list li[data-id="${id}"] .state.cancelled`);
        await fitsTheScreen(page);
        await page.screenshot({ path: join(ARTIFACTS, `web-page-${screen.name}-cancelled.png`), fullPage: true });

        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
        expect(download.suggestedFilename()).toBe(`bouncezero-${id}.csv`);
        const [header, ...rows] = parseCsv(readFileSync(await download.path(), 'utf8'));
        expect(header).toEqual(expect.arrayContaining(['email', 'name', 'verdict', 'reason', 'reason_text', 'suggestion', 'role', 'disposable', 'free_provider', 'catch_all', 'mx_host', 'smtp_code', 'smtp_enhanced_code']));
        const at = (row: string[], column: string) => row[header!.indexOf(column)];
        const byEmail = new Map(rows.map((r) => [r[0], r]));
        expect(rows.map((r) => [r[0], r[1]])).toEqual(list.map((email, i) => [email, `person ${i}`]));
        expect([at(byEmail.get('nobody@world.test')!, 'verdict'), at(byEmail.get('nobody@world.test')!, 'smtp_code'), at(byEmail.get('nobody@world.test')!, 'smtp_enhanced_code')]).toEqual(['undeliverable', '550', '5.1.1']);
        expect(at(byEmail.get('nobody@world.test')!, 'reason_text')).toBe('The mail server says the mailbox does not exist.');
        expect(at(byEmail.get('alice@world.test')!, 'mx_host')).toBe('mx1.world.test');
        expect([at(byEmail.get('alice@grey.test')!, 'verdict'), at(byEmail.get('alice@grey.test')!, 'reason_text')]).toEqual(['cancelled', 'The job was cancelled before this address was checked.']);
        await context.close();
      } finally {
        await bz.stop();
      }
    }, 90_000);
  }
});
