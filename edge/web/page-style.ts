/** The page's stylesheet: plain CSS, no build step. Every box may shrink to a 360 px screen. */
export const PAGE_STYLE = `
:root { --ink:#1d2430; --muted:#5b6472; --line:#d9dee5; --bg:#f6f7f9; --ok:#1f8a4c; --bad:#c0392b; --risky:#d68910; --unknown:#6c7a89; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui, sans-serif; color:var(--ink); background:var(--bg); overflow-wrap:break-word; }
#recent-list a, .error-box, #single-out { overflow-wrap:anywhere; }
header { padding:14px 28px; background:#fff; border-bottom:1px solid var(--line); display:flex; gap:12px 16px; align-items:center; justify-content:space-between; flex-wrap:wrap; }
header h1 { margin:0; font-size:20px; } header p { margin:0; color:var(--muted); }
header .side { display:flex; gap:8px 12px; align-items:center; flex-wrap:wrap; min-width:0; }
header label { color:var(--muted); font-size:13.5px; }
.key { display:flex; align-items:center; gap:6px; flex:1 1 260px; min-width:0; } .key input { flex:1; min-width:0; width:100%; }
.remember { display:flex; align-items:center; gap:4px; }
.pill { padding:2px 10px; border-radius:12px; font-size:13.5px; background:var(--line); white-space:nowrap; } .pill.up { background:#e3f4ea; color:var(--ok); } .pill.down { background:#fbe9e7; color:var(--bad); }
main { max-width:980px; margin:0 auto; padding:20px 28px; display:grid; grid-template-columns:minmax(0, 1fr); gap:20px; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:18px 20px; min-width:0; }
h2 { margin:0 0 12px; font-size:16px; } h3 { font-size:14px; margin:14px 0 6px; }
form { display:flex; gap:8px; flex-wrap:wrap; align-items:center; }
input[type=file] { flex:1 1 220px; min-width:0; width:100%; padding:6px; border:1px dashed var(--line); border-radius:6px; font:inherit; }
input[type=text], input[type=password], select { padding:8px 10px; border:1px solid var(--line); border-radius:6px; font:inherit; background:#fff; max-width:100%; }
input[type=text] { flex:1 1 200px; min-width:0; }
button { padding:8px 16px; border:0; border-radius:6px; background:var(--ink); color:#fff; font:inherit; cursor:pointer; }
button.secondary { background:#fff; color:var(--bad); border:1px solid var(--bad); }
button:disabled { opacity:.5; cursor:default; }
.verdict { display:inline-block; padding:2px 10px; border-radius:12px; color:#fff; font-weight:600; }
.deliverable { background:var(--ok); } .undeliverable { background:var(--bad); } .risky { background:var(--risky); } .unknown { background:var(--unknown); } .cancelled { background:var(--muted); }
.code { font:12.5px ui-monospace, monospace; color:var(--muted); background:var(--bg); padding:1px 6px; border-radius:4px; }
.meta { color:var(--muted); margin:8px 0; }
pre { background:#0f1419; color:#d7dde5; padding:12px; border-radius:6px; overflow:auto; max-height:26em; font-size:12.5px; white-space:pre-wrap; word-break:break-all; }
pre .line-c { color:#8cc8ff; } pre .line-i { color:#8a94a3; }
.bar { height:14px; background:var(--line); border-radius:7px; overflow:hidden; margin-top:12px; } .bar > div { height:100%; width:0; background:var(--ok); transition:width .3s; }
.chart { display:grid; gap:6px; margin-top:12px; } .chart .row { display:grid; grid-template-columns:7.5em minmax(0, 1fr) 6em; gap:8px; align-items:center; }
.chart .fill { height:16px; border-radius:3px; min-width:2px; }
.chart .num { text-align:right; font-variant-numeric:tabular-nums; }
.actions { display:flex; flex-wrap:wrap; gap:8px; align-items:center; margin-top:12px; } .actions > span { display:flex; flex-wrap:wrap; gap:8px; }
.check-ok { color:var(--ok); font-weight:600; } .check-problem { color:var(--bad); font-weight:600; }
.error { color:var(--bad); }
.error-box { border:1px solid var(--bad); border-left-width:5px; background:#fdf1ef; color:var(--ink); border-radius:6px; padding:10px 14px; margin:10px 0; }
.error-box strong { color:var(--bad); display:block; } .error-box p { margin:4px 0 0; }
.picker { display:flex; flex-wrap:wrap; gap:8px; align-items:center; margin:8px 0; } .picker label { display:flex; flex-wrap:wrap; gap:8px; align-items:center; }
.hidden { display:none !important; }
#recent-list { list-style:none; margin:0; padding:0; } #recent-list li { display:flex; flex-wrap:wrap; gap:4px 10px; align-items:baseline; padding:6px 0; border-bottom:1px solid var(--line); }
#recent-list li.current { font-weight:600; } #recent-list .meta { margin:0; font-size:13.5px; }
.state { font-size:12.5px; padding:1px 8px; border-radius:10px; background:var(--line); }
.state.completed { background:#e3f4ea; color:var(--ok); } .state.cancelled { background:#eceff3; color:var(--muted); } .state.running, .state.queued { background:#fff4e0; color:#8a5a00; }
.scroll { overflow-x:auto; } .scroll td, .scroll th { white-space:nowrap; } .scroll td:last-child { white-space:normal; min-width:12em; }
table { border-collapse:collapse; width:100%; } th { color:var(--muted); font-weight:600; } td, th { text-align:left; padding:4px 8px; border-bottom:1px solid var(--line); font-size:13.5px; }
@media (max-width: 600px) {
  header { padding:12px 14px; } main { padding:12px; gap:12px; } section { padding:14px; }
  .chart .row { grid-template-columns:7.5em minmax(0, 1fr) 5.5em; gap:6px; }
  form > button, .picker button { flex:1 1 auto; }
}
`;
