// Renders a site through the JS export of the render component, under Node.
// usage: node js_render.mjs DIR/wasmblog.js < input.json > output.json
// input:  {sources, config, tzif, options, templates, markdown: [[text, options], ...]} in the
//         export's own shapes (camelCase records; buildTime as a number, made a BigInt here)
// output: {parsed, plan, rendered, markdown}: each stage's result as the export returns it
//         (BigInts written as numbers).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const wasmblog = await import(pathToFileURL(resolve(process.argv[2])).href);
const input = JSON.parse(readFileSync(0, 'utf8'));
const numbers = (_key, value) => (typeof value === 'bigint' ? Number(value) : value);

const options = { ...input.options, buildTime: BigInt(input.options.buildTime) };
const parsed = wasmblog.parsePosts(input.sources, input.config, input.tzif);
const plan = wasmblog.planSite(parsed.posts, input.config, options);
const rendered = wasmblog.renderPages(plan.jobs, parsed.posts, input.config, input.templates);
const markdown = input.markdown.map(([text, opts]) => wasmblog.renderMarkdown(text, opts));
process.stdout.write(JSON.stringify({ parsed, plan, rendered, markdown }, numbers));
