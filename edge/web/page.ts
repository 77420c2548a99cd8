import { reasonWordTable } from '../../protocol/index.ts';
import { pageScript } from './page-script.ts';
import { PAGE_STYLE } from './page-style.ts';

/**
 * The one page a person uses without reading docs: a single check, a list upload they can come
 * back to (the job id is in the URL), their recent jobs. No inline handlers or style attributes:
 * the page's CSP allows exactly its one script and one style block (edge/api/security-headers.ts).
 */
export function renderPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>BounceZero — will this address bounce?</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
  <div class="brand"><h1>BounceZero</h1><p>Will this address hard-bounce? Checked without sending mail.</p></div>
  <div class="side">
    <span id="agents" class="pill">…</span>
    <span id="dns" class="pill" hidden></span>
    <label class="key">API key <input id="key" type="password" placeholder="printed at first start" autocomplete="off"></label>
    <label class="remember"><input id="remember" type="checkbox"> remember on this device</label>
  </div>
</header>
<main>
  <section>
    <h2>Check one address</h2>
    <form id="single"><input id="email" type="text" name="email" placeholder="someone@example.com" autocomplete="off" required><button id="check">Check</button></form>
    <div id="single-out"></div>
  </section>
  <section id="job">
    <h2>Clean a list</h2>
    <form id="bulk"><input id="file" type="file" accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values" required><label class="meta">wait for retries at most <input id="max-wait" type="number" min="0" max="86400" step="1" placeholder="900" inputmode="numeric"> s</label><button id="upload">Upload list</button></form>
    <p class="meta">A CSV (separated by <code>,</code> <code>;</code> or tabs) with an address column; the other columns are kept in the results.</p>
    <div id="bulk-error" class="error-box hidden" role="alert"></div>
    <div id="column-pick" class="picker hidden">
      <label>Which column holds the addresses? <select id="column"></select></label>
      <button id="column-use" type="button">Use this column</button>
    </div>
    <div id="bar" class="bar hidden"><div id="progress"></div></div>
    <p id="bulk-status" class="meta"></p>
    <div id="chart" class="chart"></div>
    <div class="actions">
      <button id="cancel" class="hidden secondary" type="button">Cancel job</button>
      <span id="download-box" class="hidden"><select id="download-verdict" aria-label="Which rows to download">
        <option value="">all rows</option><option value="deliverable">deliverable only</option><option value="deliverable,risky">deliverable and risky</option><option value="undeliverable">undeliverable only</option>
      </select> <button id="download" type="button">Download results (CSV)</button></span>
    </div>
  </section>
  <section id="recent">
    <h2>Your recent jobs</h2>
    <p id="recent-empty" class="meta">Jobs you upload with this key are listed here; open one to see it again.</p>
    <ul id="recent-list"></ul>
  </section>
  <section>
    <h2>Probers</h2>
    <p class="meta">Each prober checks itself: can it reach port 25, does its name resolve back to it, is it on a blocklist.</p>
    <div class="scroll"><table><thead><tr><th>prober</th><th>check</th><th>result</th><th>detail</th></tr></thead><tbody id="doctor"></tbody></table></div>
  </section>
</main>
<script type="module">${pageScript(reasonWordTable())}</script>
</body>
</html>`;
}
