// The editor's renderer: the render component (its jco export) in a Web Worker.
// The component is compiled asynchronously by the export's own loader (fetch +
// WebAssembly.compile): Chromium refuses synchronous compilation of modules over 8 MB.
// Each render runs the core's three stages on the edited text and the site's other
// posts, so the page is the one `wasmblog build` would write.
const PREFIX = '/__wasmblog/';
let wasmblog = null;
let site = null;

const BIG = new Set(['timestamp', 'buildTime', 'weight', 'expiry', 'publish']); // the WIT's s64 fields: BigInts in JS

function revive(value) {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = BIG.has(key) && typeof item === 'number' ? BigInt(item) : revive(item);
    }
    return out;
  }
  return value;
}

// The WIT carries file bytes as latin-1 text: one char per UTF-8 byte.
function latin1(text) {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return out;
}

function plain(diagnostic) {
  return { path: diagnostic.path, line: diagnostic.line, severity: diagnostic.severity, message: diagnostic.message };
}

function render(text) {
  const post = site.post;
  const source = { path: post, data: latin1(text), resources: site.resources, cascade: site.cascade };
  const parsed = wasmblog.parsePosts([source], site.config, site.tzif, site.shortcodes);
  const diagnostics = parsed.diagnostics.map(plain);
  if (parsed.posts.length === 0) return { html: null, diagnostics, note: 'the post has errors: no page' };
  const mine = parsed.posts[0];
  const posts = site.posts.some((p) => p.source === post)
    ? site.posts.map((p) => (p.source === post ? mine : p))
    : [...site.posts, mine];
  const plan = wasmblog.planSite(posts, site.config, site.options);
  diagnostics.push(...plan.diagnostics.filter((d) => d.path === post).map(plain));
  const job = plan.jobs.find((j) => j.kind === 'post' && j.posts[0] === post); // then its neighbours
  if (!job) return { html: null, diagnostics, note: 'not published: a draft or a future post' };
  const needed = new Set([...job.posts, job.prev, job.next].filter(Boolean));
  const result = wasmblog.renderPages([job], posts.filter((p) => needed.has(p.source)), site.config, site.templates);
  diagnostics.push(...result.diagnostics.map(plain));
  const file = result.files.find((f) => f.path === job.path);
  return { html: file ? file.content : null, diagnostics, path: job.path };
}

async function start(post, token) {
  const response = await fetch(`${PREFIX}site.json?post=${encodeURIComponent(post)}`, {
    headers: { 'X-Wasmblog-Token': token },
  });
  if (!response.ok) throw new Error(`site data: HTTP ${response.status}: ${await response.text()}`);
  site = revive(await response.json());
  const started = performance.now();
  wasmblog = await import(`${PREFIX}js/wasmblog.js`);
  return performance.now() - started;
}

self.onmessage = async (event) => {
  const message = event.data;
  try {
    if (message.type === 'start') {
      const ms = await start(message.post, message.token);
      self.postMessage({ type: 'ready', ms });
    } else if (message.type === 'render') {
      const started = performance.now();
      const out = render(message.text);
      self.postMessage({ type: 'rendered', seq: message.seq, ms: performance.now() - started, ...out });
    }
  } catch (error) {
    const detail = error && error.payload ? error.payload.message : String(error && error.message || error);
    self.postMessage({ type: 'failed', seq: message.seq, error: detail });
  }
};
