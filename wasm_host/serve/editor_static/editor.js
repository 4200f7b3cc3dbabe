// The editor page: a textarea with line numbers, the preview rendered by worker.js
// as you type (no server round trip), diagnostics by line, and Save.
const PREFIX = '/__wasmblog/';
const config = JSON.parse(document.getElementById('wasmblog-editor').textContent);
const source = document.getElementById('source');
const gutter = document.getElementById('gutter');
const preview = document.getElementById('preview');
const list = document.getElementById('diagnostics');
const status = document.getElementById('status');
const saveButton = document.getElementById('save');

const worker = new Worker(`${PREFIX}static/worker.js`, { type: 'module' });
let seq = 0;
let shown = 0;
let ready = false;
let timer = null;
let marks = new Map();

function say(text) {
  status.textContent = text;
}

function drawGutter() {
  const lines = source.value.split('\n').length;
  const out = [];
  for (let n = 1; n <= lines; n++) out.push(marks.has(n) ? `${marks.get(n) === 'error' ? '✖' : '!'} ${n}` : String(n));
  gutter.textContent = out.join('\n');
  gutter.scrollTop = source.scrollTop;
}

function showDiagnostics(diagnostics) {
  list.replaceChildren();
  marks = new Map();
  for (const d of diagnostics) {
    const item = document.createElement('li');
    item.className = d.severity;
    item.dataset.line = d.line;
    item.textContent = d.line ? `line ${d.line}: ${d.severity}: ${d.message}` : `${d.severity}: ${d.message}`;
    if (d.line) {
      item.tabIndex = 0;
      item.addEventListener('click', () => goToLine(d.line));
      if (marks.get(d.line) !== 'error') marks.set(d.line, d.severity);
    }
    list.append(item);
  }
  drawGutter();
}

function goToLine(line) {
  const lines = source.value.split('\n');
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  source.focus();
  source.setSelectionRange(start, start + (lines[line - 1] || '').length);
}

function schedule() {
  drawGutter();
  saveButton.disabled = !ready;
  if (!ready) return;
  clearTimeout(timer);
  timer = setTimeout(() => worker.postMessage({ type: 'render', text: source.value, seq: ++seq }), 80);
}

worker.onmessage = (event) => {
  const m = event.data;
  if (m.type === 'ready') {
    ready = true;
    say(`renderer ready (${Math.round(m.ms)} ms to load)`);
    schedule();
  } else if (m.type === 'rendered') {
    if (m.seq < shown) return;
    shown = m.seq;
    showDiagnostics(m.diagnostics);
    if (m.html !== null) {
      preview.srcdoc = m.html;
      preview.dataset.seq = String(m.seq);
      say(`rendered in ${m.ms.toFixed(1)} ms`);
    } else {
      say(m.note || 'no page');
    }
    document.body.dataset.rendered = String(m.seq);
  } else if (m.type === 'failed') {
    say(`renderer failed: ${m.error}`);
    document.body.dataset.failed = m.error;
  }
};
worker.onerror = (event) => say(`renderer failed: ${event.message}`);

async function save() {
  say('saving...');
  const response = await fetch(`${PREFIX}save`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Wasmblog-Token': config.token },
    body: JSON.stringify({ path: config.post, text: source.value }),
  });
  const text = await response.text();
  say(response.ok ? `saved ${config.post}` : `not saved: ${text}`);
  document.body.dataset.saved = response.ok ? 'yes' : 'no';
}

source.addEventListener('input', schedule);
source.addEventListener('scroll', () => { gutter.scrollTop = source.scrollTop; });
saveButton.addEventListener('click', save);
document.addEventListener('keydown', (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === 's') {
    event.preventDefault();
    save();
  }
});
drawGutter();
worker.postMessage({ type: 'start', post: config.post, token: config.token });
