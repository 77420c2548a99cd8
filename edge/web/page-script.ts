/**
 * The page's behaviour: plain browser JavaScript that calls the public API. Every value from
 * the server reaches the document through textContent, never as HTML.
 */
export const PAGE_SCRIPT = `
const $ = (id) => document.getElementById(id);
const VERDICTS = ['deliverable', 'risky', 'undeliverable', 'unknown'];
$('key').value = localStorage.getItem('bz-key') || '';
$('key').addEventListener('change', () => localStorage.setItem('bz-key', $('key').value.trim()));

function api(path, init = {}) {
  const key = $('key').value.trim();
  const headers = new Headers(init.headers || {});
  if (key) headers.set('authorization', 'Bearer ' + key);
  return fetch(path, { ...init, headers });
}
async function failure(res) {
  let text = res.status + ' ' + res.statusText;
  try { const body = await res.json(); text += ': ' + ((body.error && body.error.message) || JSON.stringify(body)); } catch {}
  return text;
}
function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }

$('single').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const out = $('single-out');
  out.replaceChildren(el('p', 'Checking…', 'meta'));
  $('check').disabled = true;
  try {
    const res = await api('/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: $('email').value }) });
    if (!res.ok) return out.replaceChildren(el('p', await failure(res), 'error'));
    const r = await res.json();
    const head = el('p');
    head.append(el('span', r.verdict, 'verdict ' + r.verdict), ' ', el('strong', r.reason), ' · score ' + r.score.toFixed(2) + (r.cached ? ' · cached' : ''));
    const reasons = el('ul');
    for (const line of r.reasons || []) reasons.append(el('li', line));
    const smtp = r.checks.smtp;
    const pre = el('pre');
    for (const t of (smtp && smtp.transcript) || []) pre.append(el('span', (t.dir === 'c' ? 'C: ' : t.dir === 's' ? 'S: ' : '   ') + t.text, 'line-' + t.dir), '\\n');
    if (!pre.childNodes.length) pre.textContent = '(no SMTP session: ' + r.reason + ')';
    out.replaceChildren(head, el('p', 'normalized: ' + (r.normalized || '—'), 'meta'), reasons, el('h3', 'SMTP transcript'), pre);
    // The decisive replies (RCPT, catch-all probes) come last: show them first.
    pre.scrollTop = pre.scrollHeight;
    out.dataset.verdict = r.verdict;
  } catch (e) {
    out.replaceChildren(el('p', String(e), 'error'));
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

$('bulk').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const file = $('file').files[0];
  if (!file) return;
  $('upload').disabled = true;
  $('bulk-status').textContent = 'Uploading…';
  $('download').classList.add('hidden');
  $('bar').classList.remove('hidden');
  $('progress').style.width = '0%';
  try {
    const res = await api('/v1/jobs', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: file });
    if (!res.ok) { $('bulk-status').textContent = await failure(res); return; }
    const { id } = await res.json();
    $('job').dataset.id = id;
    for (;;) {
      const polled = await api('/v1/jobs/' + id);
      if (!polled.ok) { $('bulk-status').textContent = await failure(polled); return; }
      const s = await polled.json();
      $('progress').style.width = Math.round(100 * (s.progress || 0)) + '%';
      const eta = s.eta_s != null ? ' · ETA ' + Math.ceil(s.eta_s) + ' s' : '';
      const retry = s.waiting_retry ? ' · ' + s.waiting_retry + ' waiting on a retry' : '';
      $('bulk-status').textContent = s.status + ': ' + s.done + ' / ' + s.total + eta + retry;
      drawChart(s.counts || {});
      if (s.status === 'completed' || s.status === 'cancelled') break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    $('download').classList.remove('hidden');
  } catch (e) {
    $('bulk-status').textContent = String(e);
  } finally {
    $('upload').disabled = false;
  }
});

$('download').addEventListener('click', async () => {
  const id = $('job').dataset.id;
  const res = await api('/v1/jobs/' + id + '/results?format=csv');
  if (!res.ok) { $('bulk-status').textContent = await failure(res); return; }
  const a = el('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = 'bouncezero-' + id + '.csv';
  a.click();
});

async function health() {
  try {
    const h = await (await fetch('/v1/health')).json();
    $('agents').textContent = h.agents + ' prober' + (h.agents === 1 ? '' : 's') + ' connected';
    $('agents').className = 'pill ' + (h.agents > 0 ? 'up' : 'down');
    const rows = (h.agent_list || []).flatMap((a) => (a.doctor || []).map((c) => [a.name, c.name, c.ok ? 'ok' : 'problem', c.detail]));
    $('doctor').replaceChildren(...rows.map((cells) => { const tr = el('tr'); for (const c of cells) tr.append(el('td', c, c === 'ok' || c === 'problem' ? 'check-' + c : undefined)); return tr; }));
  } catch {}
}
health();
setInterval(health, 10000);
`;
