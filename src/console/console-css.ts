/** The console's stylesheet (served at /console/console.css: the CSP allows no inline style). */
export const CONSOLE_CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f5f7}
header{display:flex;gap:16px;align-items:center;padding:8px 16px;background:#123a5c;color:#fff}
header nav{display:flex;gap:12px;flex:1}header a{color:#cfe3ff;text-decoration:none}header a[aria-current]{color:#fff;font-weight:600;text-decoration:underline}
.logout{display:flex;gap:8px;align-items:center;margin:0}.who{opacity:.85}
main{padding:16px}button{font:inherit;padding:4px 10px;border:1px solid #8893a0;border-radius:4px;background:#fff;cursor:pointer}
button.primary{background:#1464b4;border-color:#1464b4;color:#fff}button:disabled{opacity:.5;cursor:default}
input,select,textarea{font:inherit;padding:4px 6px;border:1px solid #8893a0;border-radius:4px}
.login{max-width:360px;margin:60px auto;display:flex;flex-direction:column;gap:12px;background:#fff;padding:24px;border-radius:8px}
.login label{display:flex;flex-direction:column;gap:4px}.error{color:#a00;background:#fee;padding:6px;border-radius:4px}
.inbox{display:grid;grid-template-columns:340px 1fr;gap:16px;height:calc(100vh - 80px)}.inbox>section{min-height:0;display:flex;flex-direction:column}
.filters{display:flex;gap:6px;margin-bottom:8px;flex-wrap:wrap}
.list{overflow:auto;flex:1;background:#fff;border-radius:6px;margin:0;padding:0;list-style:none}
.list li{padding:8px 10px;border-bottom:1px solid #e3e6ea;cursor:pointer}.list li.selected{background:#e5f0fb}
.list .top{display:flex;justify-content:space-between;gap:6px}.list .q{color:#555;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.badge{font-size:12px;padding:1px 6px;border-radius:9px;background:#ddd}.badge.queued{background:#ffe2a8}.badge.claimed{background:#c8e6c9}.badge.resolved{background:#e0e0e0}
.detail{background:#fff;border-radius:6px;padding:12px;overflow:hidden;display:flex;flex-direction:column;gap:8px}
.detail>*{flex-shrink:0}.meta{display:flex;gap:16px;flex-wrap:wrap;color:#444}.transcript{list-style:none;margin:0;padding:0 4px 0 0;display:flex;flex-direction:column;gap:6px;flex:1 1 0;min-height:160px;overflow:auto}
.transcript li{max-width:75%;padding:6px 10px;border-radius:8px;white-space:pre-wrap}
.transcript li.customer{background:#eef1f4;align-self:flex-start}.transcript li.bot{background:#e5f0fb;align-self:flex-end}.transcript li.agent{background:#d8f3dc;align-self:flex-end}
.transcript .info{display:block;font-size:11px;color:#667}
.slots,.notes{background:#fafbfc;border:1px solid #e3e6ea;border-radius:6px;padding:6px 10px}
.notes{list-style:none;margin:0}.notes li{color:#6b4e00}.actions{display:flex;gap:6px;flex-wrap:wrap;align-items:center}.compose{display:flex;gap:6px}.compose textarea{flex:1;min-height:56px}
.canned{list-style:none;padding:0;margin:0;max-height:120px;overflow:auto}.canned li{cursor:pointer;padding:2px 4px}.canned li:hover{background:#eef}
.figures{display:flex;gap:12px;flex-wrap:wrap}.figure{background:#fff;border-radius:6px;padding:10px 14px;min-width:170px}
.figure .value{font-size:24px;font-weight:600}.figure .label{color:#444}.figure .note{color:#777;font-size:12px}
.charts{display:flex;flex-wrap:wrap;gap:12px;margin-top:12px}.chart{background:#fff;border-radius:6px;padding:10px;margin:0}.chart figcaption{font-weight:600;margin-bottom:6px}
.legend{font-size:12px}.unanswered,.result table{background:#fff;border-collapse:collapse}.unanswered td,.unanswered th,.result td,.result th{border:1px solid #e3e6ea;padding:4px 8px;text-align:left}
.playground{display:flex;gap:8px;align-items:end}.playground label{display:flex;flex-direction:column;flex:1;max-width:600px}.playground input{width:100%}
.result dl{display:grid;grid-template-columns:220px 1fr;background:#fff;padding:10px;border-radius:6px}.reply{background:#fff;padding:10px;white-space:pre-wrap}
.diff{background:#fff;padding:10px;border-radius:6px}.diff .added{background:#e6ffec;color:#055d20;display:inline-block;width:100%}.notice{background:#e6ffec;padding:8px;border-radius:6px}
.add-example{display:flex;gap:4px;margin:0}.status{color:#555;font-size:12px}.empty{color:#777;padding:12px}
`;
