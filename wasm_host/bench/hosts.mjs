// `wasmblog bench --hosts`: one post page rendered through the JS export under Node.
// usage: node hosts.mjs DIR/wasmblog.js < payload.json
// payload: {job, posts, config, templates, rounds} in the export's shapes (s64 fields as numbers)
// prints: {load_ms, first_ms, warm_ms: [...], content}
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const BIG = new Set(['timestamp', 'buildTime']);
const revive = (value) => {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, BIG.has(k) && typeof v === 'number' ? BigInt(v) : revive(v)]));
  }
  return value;
};

const input = revive(JSON.parse(readFileSync(0, 'utf8')));
let started = performance.now();
const wasmblog = await import(pathToFileURL(resolve(process.argv[2])).href);
const load_ms = performance.now() - started;

const render = () => wasmblog.renderPages([input.job], input.posts, input.config, input.templates);
started = performance.now();
const first = render();
const first_ms = performance.now() - started;
const warm_ms = [];
for (let i = 0; i < input.rounds; i++) {
  started = performance.now();
  render();
  warm_ms.push(performance.now() - started);
}
const file = first.files.find((f) => f.path === input.job.path);
process.stdout.write(JSON.stringify({ load_ms, first_ms, warm_ms, content: file ? file.content : null }));
