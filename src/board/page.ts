// The board's one HTML page: the scripts it loads (served by name from the packages), the drawing functions shared
// with the notebook's graph view, and the client, all as text.
import { boardClient } from "./client";
import { drawGraph, mountGraph } from "../views/graph-draw";

const STYLE = `
body{margin:0;font-family:Roboto,Helvetica,Arial,sans-serif;font-size:13px;color:#212121;background:#f5f5f5}
header{display:flex;align-items:center;gap:16px;background:#f57c00;color:white;padding:0 16px;height:48px}
header b{font-size:18px}nav button{background:none;border:0;color:#ffe0b2;text-transform:uppercase;font-size:13px;padding:14px 10px;cursor:pointer}
nav button.active{color:white;border-bottom:2px solid white}#status{margin-left:auto;font-size:11px;color:#ffe0b2}
main{display:flex;flex-wrap:wrap;gap:12px;padding:12px}.card{background:white;border-radius:4px;box-shadow:0 1px 3px #0003;padding:8px;overflow:auto;max-width:100%}
.downloads button{margin-right:6px}`;

export function boardPage(reloadMs: number): string {
  const script = `var __name=function(f){return f};var drawGraph=${drawGraph.toString()};var mountGraph=${mountGraph.toString()};(${boardClient.toString()})(${JSON.stringify({ reloadMs })});`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>tensorscope board</title><style>${STYLE}</style>
<script src="/static/vega.min.js"></script><script src="/static/dagre.min.js"></script>
</head><body><header><b>tensorscope</b><nav id="tabs"></nav><span id="status"></span></header><main id="main"></main>
<script>${script}</script></body></html>`;
}
