/** The page's stylesheet: plain CSS, no build step. */
export const PAGE_STYLE = `
:root { --ink:#1d2430; --muted:#5b6472; --line:#d9dee5; --bg:#f6f7f9; --ok:#1f8a4c; --bad:#c0392b; --risky:#d68910; --unknown:#6c7a89; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui, sans-serif; color:var(--ink); background:var(--bg); }
header { padding:14px 28px; background:#fff; border-bottom:1px solid var(--line); display:flex; gap:16px; align-items:center; justify-content:space-between; flex-wrap:wrap; }
header h1 { margin:0; font-size:20px; } header p { margin:0; color:var(--muted); }
header .side { display:flex; gap:12px; align-items:center; flex-wrap:wrap; } header label { color:var(--muted); font-size:13.5px; }
header input[type=password] { margin-left:6px; min-width:260px; }
.pill { padding:2px 10px; border-radius:12px; font-size:13.5px; background:var(--line); } .pill.up { background:#e3f4ea; color:var(--ok); } .pill.down { background:#fbe9e7; color:var(--bad); }
main { max-width:980px; margin:0 auto; padding:20px 28px; display:grid; gap:20px; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:18px 20px; }
h2 { margin:0 0 12px; font-size:16px; }
form { display:flex; gap:8px; flex-wrap:wrap; align-items:center; }
input[type=file] { flex:1; min-width:240px; padding:6px; border:1px dashed var(--line); border-radius:6px; font:inherit; }
input[type=text] { flex:1; } input[type=text], input[type=password] { min-width:240px; padding:8px 10px; border:1px solid var(--line); border-radius:6px; font:inherit; }
button { padding:8px 16px; border:0; border-radius:6px; background:var(--ink); color:#fff; font:inherit; cursor:pointer; }
button:disabled { opacity:.5; cursor:default; }
.verdict { display:inline-block; padding:2px 10px; border-radius:12px; color:#fff; font-weight:600; }
.deliverable { background:var(--ok); } .undeliverable { background:var(--bad); } .risky { background:var(--risky); } .unknown { background:var(--unknown); }
.meta { color:var(--muted); margin:8px 0; }
pre { background:#0f1419; color:#d7dde5; padding:12px; border-radius:6px; overflow:auto; max-height:26em; font-size:12.5px; }
pre .line-c { color:#8cc8ff; } pre .line-i { color:#8a94a3; }
.bar { height:14px; background:var(--line); border-radius:7px; overflow:hidden; } .bar > div { height:100%; width:0; background:var(--ok); transition:width .3s; }
.chart { display:grid; gap:6px; margin-top:12px; } .chart .row { display:grid; grid-template-columns:110px 1fr 90px; gap:8px; align-items:center; }
.chart .fill { height:16px; border-radius:3px; min-width:2px; }
.chart .num { text-align:right; font-variant-numeric:tabular-nums; }
.check-ok { color:var(--ok); font-weight:600; } .check-problem { color:var(--bad); font-weight:600; }
.error { color:var(--bad); } .hidden { display:none; }
table { border-collapse:collapse; width:100%; } th { color:var(--muted); font-weight:600; } td, th { text-align:left; padding:4px 8px; border-bottom:1px solid var(--line); font-size:13.5px; }
`;
