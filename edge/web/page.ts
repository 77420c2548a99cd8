import { PAGE_SCRIPT } from './page-script.ts';
import { PAGE_STYLE } from './page-style.ts';

/** The one page a person uses without reading docs: a single check and a list upload. */
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
  <div><h1>BounceZero</h1><p>Will this address hard-bounce? Checked without sending mail.</p></div>
  <div class="side"><span id="agents" class="pill">…</span><label>API key <input id="key" type="password" placeholder="printed at first start" autocomplete="off"></label></div>
</header>
<main>
  <section>
    <h2>Check one address</h2>
    <form id="single"><input id="email" type="text" name="email" placeholder="someone@example.com" autocomplete="off" required><button id="check">Check</button></form>
    <div id="single-out"></div>
  </section>
  <section id="job">
    <h2>Clean a list</h2>
    <form id="bulk"><input id="file" type="file" accept=".csv,text/csv" required><button id="upload">Upload CSV</button></form>
    <p class="meta">A CSV with an <code>email</code> column; the other columns are kept in the results.</p>
    <div id="bar" class="bar hidden"><div id="progress"></div></div>
    <p id="bulk-status" class="meta"></p>
    <div id="chart" class="chart"></div>
    <p><button id="download" class="hidden" type="button">Download results (CSV)</button></p>
  </section>
  <section>
    <h2>Probers</h2>
    <p class="meta">Each prober checks itself: can it reach port 25, does its name resolve back to it, is it on a blocklist.</p>
    <table><thead><tr><th>prober</th><th>check</th><th>result</th><th>detail</th></tr></thead><tbody id="doctor"></tbody></table>
  </section>
</main>
<script type="module">${PAGE_SCRIPT}</script>
</body>
</html>`;
}
