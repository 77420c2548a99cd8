/**
 * The page's behaviour: plain browser JavaScript that calls the public API. Every value from
 * the server reaches the document through textContent, never as HTML. `words` is the reason →
 * words table (protocol/reason-words.ts), so the page says what the exports and CLI say.
 */
export function pageScript(words: Record<string, string>): string {
  return `
const WORDS = ${JSON.stringify(words)};
const $ = (id) => document.getElementById(id);
const VERDICTS = ['deliverable', 'risky', 'undeliverable', 'unknown'];
const KEY = 'bz-key';

// The key lives for this tab only (sessionStorage) unless the person asks to be remembered.
$('key').value = sessionStorage.getItem(KEY) || localStorage.getItem(KEY) || '';
$('remember').checked = localStorage.getItem(KEY) !== null;
function storeKey() {
  const key = $('key').value.trim();
  sessionStorage.setItem(KEY, key);
  if ($('remember').checked && key) localStorage.setItem(KEY, key);
  else localStorage.removeItem(KEY);
}
$('key').addEventListener('change', () => { storeKey(); recent(); });
$('remember').addEventListener('change', storeKey);

function api(path, init = {}) {
  const key = $('key').value.trim();
  const headers = new Headers(init.headers || {});
  if (key) headers.set('authorization', 'Bearer ' + key);
  return fetch(path, { ...init, headers });
}
function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
function words(code) { return WORDS[code] || code; }

/** What to do about each refusal, in words. */
const FIXES = {
  missing_api_key: 'Paste the API key printed when BounceZero first started into the "API key" field at the top (or create one with: bouncezero key add NAME).',
  invalid_api_key: 'The key in the "API key" field is unknown or revoked: paste a current one.',
  too_many_failed_attempts: 'Too many wrong keys from this address: wait a minute, then paste the right key.',
  insufficient_scope: 'This key may not do that: use a key created with the needed scope (bouncezero key add NAME --scope …).',
  rate_limited: 'Too many requests at once: wait a moment and try again.',
  empty_upload: 'The file has no addresses: choose a file with at least one row under its header.',
  ambiguous_column: 'Pick the column that holds the addresses below; the upload starts again with it.',
  no_such_column: 'Pick one of the file\\'s own columns below.',
  invalid_upload: 'Save the file again as CSV (comma, semicolon or tab separated, UTF-8) and upload it again.',
  body_too_large: 'The file is too large for this edge: split it into smaller files.',
  too_many_rows: 'The file has too many rows for one job: split it into smaller files.',
  unsupported_media_type: 'Upload a CSV file.',
  not_found: 'This job does not exist any more, or belongs to another key: upload the list again.',
  invalid_request: 'Check the address and try again.',
};
async function failure(res) {
  let body = null;
  try { body = await res.json(); } catch {}
  const e = (body && body.error) || {};
  return { status: res.status, code: e.code || '', message: res.status + ' ' + res.statusText + ': ' + (e.message || 'the request failed'), columns: e.columns || null };
}
function errorBox(f) {
  const box = el('div', undefined, 'error-box');
  box.setAttribute('role', 'alert');
  box.append(el('strong', f.message));
  const fix = FIXES[f.code] || (f.status >= 500 ? 'BounceZero failed on its side: try again in a moment.' : '');
  if (fix) box.append(el('p', fix));
  return box;
}
function showBulkError(f) {
  $('bulk-error').replaceChildren(...errorBox(f).childNodes);
  $('bulk-error').classList.remove('hidden');
}
function clearBulkError() { $('bulk-error').classList.add('hidden'); $('column-pick').classList.add('hidden'); }

$('single').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const out = $('single-out');
  out.replaceChildren(el('p', 'Checking…', 'meta'));
  $('check').disabled = true;
  try {
    const res = await api('/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: $('email').value }) });
    if (!res.ok) return out.replaceChildren(errorBox(await failure(res)));
    const r = await res.json();
    const head = el('p', undefined, 'headline');
    head.append(el('span', r.verdict, 'verdict ' + r.verdict), ' ', el('strong', words(r.reason)), ' ', el('span', r.reason, 'code'));
    const meta = el('p', 'normalized: ' + (r.normalized || '—') + ' · score ' + r.score.toFixed(2) + (r.cached ? ' · cached' : ''), 'meta');
    const suggestion = r.checks.syntax.suggestion ? el('p', 'Did you mean ' + r.checks.syntax.suggestion + '?', 'meta') : '';
    const reasons = el('ul');
    for (const line of r.reasons || []) reasons.append(el('li', line));
    const smtp = r.checks.smtp;
    const pre = el('pre');
    for (const t of (smtp && smtp.transcript) || []) pre.append(el('span', (t.dir === 'c' ? 'C: ' : t.dir === 's' ? 'S: ' : '   ') + t.text, 'line-' + t.dir), '\\n');
    if (!pre.childNodes.length) pre.textContent = '(no SMTP session: ' + words(r.reason) + ')';
    out.replaceChildren(head, meta, suggestion, reasons, el('h3', 'SMTP transcript'), pre);
    // The decisive replies (RCPT, catch-all probes) come last: show them first.
    pre.scrollTop = pre.scrollHeight;
    out.dataset.verdict = r.verdict;
  } catch (e) {
    out.replaceChildren(errorBox({ status: 0, code: '', message: String(e) }));
  } finally {
    $('check').disabled = false;
  }
});

function drawChart(counts) {
  const total = Math.max(1, VERDICTS.reduce((s, v) => s + (counts[v] || 0), 0));
  $('chart').replaceChildren(...VERDICTS.map((v) => {
    const row = el('div', undefined, 'row');
    const fill = el('div', undefined, 'fill ' + v);
    fill.style.width = (100 * (counts[v] || 0) / total) + '%';
    const track = el('div'); track.append(fill);
    row.append(el('span', v), track, el('span', String(counts[v] || 0) + ' · ' + Math.round(100 * (counts[v] || 0) / total) + '%', 'num'));
    row.dataset.verdict = v;
    return row;
  }));
}

async function upload(column) {
  const file = $('file').files[0];
  if (!file) return;
  clearBulkError();
  $('upload').disabled = true;
  $('bulk-status').textContent = 'Uploading…';
  $('download-box').classList.add('hidden');
  try {
    const query = new URLSearchParams({ name: file.name });
    if (column) query.set('column', column);
    // How long an address may wait for retries (greylisting) before it resolves unknown; empty: the edge's default.
    const maxWait = $('max-wait').value.trim();
    if (maxWait) query.set('max_wait', maxWait);
    const res = await api('/v1/jobs?' + query, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: file });
    if (!res.ok) {
      const f = await failure(res);
      $('bulk-status').textContent = '';
      showBulkError(f);
      if (f.columns && f.columns.length) offerColumns(f.columns);
      return;
    }
    const { id } = await res.json();
    location.hash = 'job=' + encodeURIComponent(id);
  } catch (e) {
    showBulkError({ status: 0, code: '', message: String(e) });
  } finally {
    $('upload').disabled = false;
  }
}
$('bulk').addEventListener('submit', (ev) => { ev.preventDefault(); upload(); });

function offerColumns(columns) {
  $('column').replaceChildren(...columns.map((c) => { const o = el('option', c); o.value = c; return o; }));
  $('column-pick').classList.remove('hidden');
}
$('column-use').addEventListener('click', () => upload($('column').value));

/** The job the URL names (#job=ID): followed until it ends, so a reload finds it again. */
function jobInUrl() {
  const m = /^#job=(.+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}
let following = null;
async function follow(id) {
  const run = {};
  following = run;
  $('job').dataset.id = id;
  $('bar').classList.remove('hidden');
  $('progress').style.width = '0%';
  $('download-box').classList.add('hidden');
  markCurrent();
  let first = true;
  for (;;) {
    const polled = await api('/v1/jobs/' + encodeURIComponent(id));
    if (following !== run) return;
    if (!polled.ok) {
      $('cancel').classList.add('hidden');
      $('bulk-status').textContent = '';
      return showBulkError(await failure(polled));
    }
    const s = await polled.json();
    $('progress').style.width = Math.round(100 * (s.progress || 0)) + '%';
    const over = s.status === 'completed' || s.status === 'cancelled';
    const eta = !over && s.eta_s != null ? ' · ETA ' + Math.ceil(s.eta_s) + ' s' : '';
    const retry = !over && s.waiting_retry ? ' · ' + s.waiting_retry + ' waiting on a retry' : '';
    $('bulk-status').textContent = s.status + ': ' + s.done + ' / ' + s.total + eta + retry;
    drawChart(s.counts || {});
    if (first) { first = false; recent(); }
    $('cancel').classList.toggle('hidden', over);
    $('download-box').classList.toggle('hidden', !over);
    if (over) { recent(); return; }
    // A status reads the job's tally, not its items: as cheap for a million addresses as for ten.
    await new Promise((r) => setTimeout(r, 1000));
    if (following !== run) return;
  }
}
addEventListener('hashchange', () => { const id = jobInUrl(); if (id) { clearBulkError(); follow(id); } });

$('cancel').addEventListener('click', async () => {
  const id = $('job').dataset.id;
  $('cancel').disabled = true;
  const res = await api('/v1/jobs/' + encodeURIComponent(id) + '/cancel', { method: 'POST' });
  $('cancel').disabled = false;
  if (!res.ok) showBulkError(await failure(res));
});

$('download').addEventListener('click', async () => {
  const id = $('job').dataset.id;
  const verdict = $('download-verdict').value;
  const res = await api('/v1/jobs/' + encodeURIComponent(id) + '/results?format=csv' + (verdict ? '&verdict=' + verdict : ''));
  if (!res.ok) return showBulkError(await failure(res));
  const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '');
  const a = el('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = named ? named[1] : 'bouncezero-' + id + '.csv';
  a.click();
});

function markCurrent() {
  for (const li of $('recent-list').children) li.classList.toggle('current', li.dataset.id === $('job').dataset.id);
}
async function recent() {
  if (!$('key').value.trim()) return;
  const res = await api('/v1/jobs?limit=10');
  if (!res.ok) return;
  const { jobs } = await res.json();
  $('recent-empty').classList.toggle('hidden', jobs.length > 0);
  $('recent-list').replaceChildren(...jobs.map((j) => {
    const li = el('li');
    li.dataset.id = j.id;
    const a = el('a', j.name || j.id);
    a.href = '#job=' + encodeURIComponent(j.id);
    const when = new Date(j.created_at).toLocaleString();
    li.append(a, el('span', j.status, 'state ' + j.status), el('span', j.done + ' / ' + j.total + ' checked · ' + when, 'meta'));
    return li;
  }));
  markCurrent();
}

async function health() {
  try {
    const h = await (await fetch('/v1/health')).json();
    $('agents').textContent = h.agents + ' prober' + (h.agents === 1 ? '' : 's') + ' connected';
    $('agents').className = 'pill ' + (h.agents > 0 ? 'up' : 'down');
    if (h.dns) {
      $('dns').hidden = false;
      $('dns').textContent = h.dns.ok ? 'DNS answering' : 'DNS failing';
      $('dns').className = 'pill ' + (h.dns.ok ? 'up' : 'down');
      $('dns').title = h.dns.endpoints.map((e) => e.endpoint + ': ' + (e.ok ? 'answering' : e.last_failure ? e.last_failure.detail : 'circuit ' + e.circuit)).join('\\n');
    }
    const rows = (h.agent_list || []).flatMap((a) => (a.doctor || []).map((c) => [a.name, c.name, c.ok ? 'ok' : 'problem', c.detail]));
    $('doctor').replaceChildren(...rows.map((cells) => { const tr = el('tr'); for (const c of cells) tr.append(el('td', c, c === 'ok' || c === 'problem' ? 'check-' + c : undefined)); return tr; }));
  } catch {}
}
health();
setInterval(health, 10000);
recent();
if (jobInUrl()) follow(jobInUrl());
`;
}
