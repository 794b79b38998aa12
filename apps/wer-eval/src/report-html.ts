import { alignedPairs, confusionCounts } from '@speechkd/wer';
import type { CorpusSummary, UtteranceScore } from '@speechkd/wer';

/** What the HTML report shows besides the scores. */
export interface ReportInfo {
  /** Title, e.g. `student-s on test-clean`. */
  title: string;
  /** Recognizer name or hypothesis file. */
  system: string;
  /** Subset name. */
  subset: string;
  /** Seconds of audio transcribed (null for external hypotheses). */
  audioSeconds: number | null;
  /** Real-time factor (recognizer seconds / audio seconds), null for external hypotheses. */
  rtf: number | null;
  /** ISO timestamp of the run. */
  date: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(2)} %`);

function alignmentHtml(u: UtteranceScore): string {
  return alignedPairs(u).map((p) => {
    if (p.op === 'C') return esc(p.ref as string);
    if (p.op === 'S') return `<span class="s" title="substitution">${esc(p.ref as string)}→${esc(p.hyp as string)}</span>`;
    if (p.op === 'D') return `<span class="d" title="deletion">${esc(p.ref as string)}</span>`;
    return `<span class="i" title="insertion">${esc(p.hyp as string)}</span>`;
  }).join(' ');
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}
#utts th{cursor:pointer;user-select:none}#utts th:after{content:" \\2195";color:#999}td.n{text-align:right}
.s{background:#fde68a}.d{background:#fecaca;text-decoration:line-through}.i{background:#bfdbfe}.cols{display:flex;gap:3em;flex-wrap:wrap}`;

// Tiny sorter: click a header to sort by that column (numeric where data-v is set), again to reverse.
const SCRIPT = `document.querySelectorAll('#utts th').forEach(function(th,col){th.addEventListener('click',function(){
var tb=document.querySelector('#utts tbody'),rows=Array.prototype.slice.call(tb.rows),dir=th.dataset.dir==='d'?1:-1;th.dataset.dir=dir===1?'a':'d';
rows.sort(function(a,b){var x=a.cells[col],y=b.cells[col],p=x.dataset.v,q=y.dataset.v;
var c=p!==undefined?(parseFloat(p)-parseFloat(q)):x.textContent.localeCompare(y.textContent);return dir*c;});
rows.forEach(function(r){tb.appendChild(r);});});});`;

/** A self-contained HTML report: summary, error-type counts, most confused words, sortable per-utterance table. */
export function renderReport(summary: CorpusSummary, utts: readonly UtteranceScore[], info: ReportInfo, topN = 25): string {
  const c = confusionCounts(utts);
  const row = (k: string, v: string): string => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`;
  const summaryRows = [
    row('System', info.system), row('Subset', info.subset), row('WER', `${pct(summary.wer)} (${summary.errors} / ${summary.referenceWords} words)`),
    row('CER', `${pct(summary.cer)} (${summary.charErrors} / ${summary.referenceChars} characters)`),
    row('Sentence errors', `${summary.sentenceErrors} / ${summary.utterances} (${pct(summary.sentenceErrorRate)})`),
    row('Audio', info.audioSeconds === null ? 'n/a (external hypotheses)' : `${(info.audioSeconds / 3600).toFixed(2)} h`),
    row('Real-time factor', info.rtf === null ? 'n/a' : info.rtf.toFixed(4)), row('Normalization', summary.normalize), row('Date', info.date),
  ].join('');
  const typeRows = [
    ['Substitutions', summary.substitutions], ['Deletions', summary.deletions], ['Insertions', summary.insertions], ['Correct', summary.hits],
  ].map(([k, n]) => `<tr><th>${k}</th><td class="n">${n}</td><td class="n">${summary.referenceWords ? ((100 * (n as number)) / summary.referenceWords).toFixed(2) : '-'} %</td></tr>`).join('');
  const list = (head: string, items: string[]): string => `<div><h3>${head}</h3><table>${items.join('') || '<tr><td>none</td></tr>'}</table></div>`;
  const confused = [
    list('Substitutions (ref → hyp)', c.substitutions.slice(0, topN).map(([r, h, n]) => `<tr><td>${esc(r)} → ${esc(h)}</td><td class="n">${n}</td></tr>`)),
    list('Deletions', c.deletions.slice(0, topN).map(([w, n]) => `<tr><td>${esc(w)}</td><td class="n">${n}</td></tr>`)),
    list('Insertions', c.insertions.slice(0, topN).map(([w, n]) => `<tr><td>${esc(w)}</td><td class="n">${n}</td></tr>`)),
  ].join('');
  // Worst first (most errors), then corpus order; the headers re-sort in the browser.
  const ordered = utts.map((u, k) => ({ u, k })).sort((a, b) => b.u.errors - a.u.errors || a.k - b.k).map((x) => x.u);
  const uttRows = ordered.map((u) => {
    const w = u.ref.length ? u.errors / u.ref.length : u.errors > 0 ? Infinity : 0;
    const n = (v: number): string => `<td class="n" data-v="${v}">${Number.isFinite(v) ? v : '∞'}</td>`;
    return `<tr><td>${esc(u.id)}</td>${n(u.errors)}${n(u.words.substitutions)}${n(u.words.deletions)}${n(u.words.insertions)}${n(u.ref.length)}` +
      `<td class="n" data-v="${Number.isFinite(w) ? w : 1e9}">${Number.isFinite(w) ? (100 * w).toFixed(1) : '∞'}</td><td>${alignmentHtml(u)}</td></tr>`;
  }).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)}</title><style>${STYLE}</style></head>
<body><h1>${esc(info.title)}</h1>
<h2>Summary</h2><table>${summaryRows}</table>
<h2>Error types</h2><table><tr><th></th><th>count</th><th>of ref words</th></tr>${typeRows}</table>
<h2>Most confused words</h2><div class="cols">${confused}</div>
<h2>Utterances</h2><p>Sorted by errors; click a column header to sort by it. <span class="s">substitution</span> <span class="d">deletion</span> <span class="i">insertion</span></p>
<table id="utts"><thead><tr><th>id</th><th>errors</th><th>S</th><th>D</th><th>I</th><th>ref words</th><th>WER %</th><th>alignment</th></tr></thead>
<tbody>
${uttRows}
</tbody></table>
<script>${SCRIPT}</script>
</body></html>
`;
}
