// Bytes on the wire of a first visit, measured in Debian's Chromium against the release server
// (`scripts/size-budget` starts it): every response the page loads until it has hydrated and
// its live stream said `ready`, body as transferred (brotli) plus headers. Prints each page's
// figure against its budget, then checks that no WASM a donor page loads carries a staff-only
// server function. Exits 1 when a budget is exceeded.
//   node scripts/size-budget.mjs <base-url>
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.cwd(), 'end2end', 'package.json'));
const { chromium } = require('@playwright/test');

const base = process.argv[2];
if (!base) throw new Error('usage: node scripts/size-budget.mjs <base-url>');
const DONOR = { email: 'donor@demo.donor.local', password: 'demo-donor-passphrase' };
const PAGES = [
  { path: '/', budget: 150_000, login: false },
  { path: '/cabinet', budget: 250_000, login: true },
];

/** Server functions whose body starts with `frame::staff…`: staff-only, by the source. */
function staffEndpoints() {
  const found = [];
  for (const file of readdirSync('src/api').filter((f) => f.endsWith('.rs'))) {
    const text = readFileSync(join('src/api', file), 'utf8');
    const parts = text.split(/#\[server\(endpoint = "/).slice(1);
    for (const part of parts) {
      const name = part.slice(0, part.indexOf('"'));
      const frame = /frame::([a-z_]+)\(/.exec(part);
      if (frame && frame[1].startsWith('staff')) found.push(name);
    }
  }
  return found;
}

async function firstVisit(browser, page) {
  const context = await browser.newContext({ locale: 'ru-RU', viewport: { width: 390, height: 844 } });
  if (page.login) {
    const resp = await context.request.post(`${base}/api/login`, { form: DONOR, maxRedirects: 0 });
    if (resp.status() >= 400) throw new Error(`login failed: ${resp.status()}`);
  }
  const tab = await context.newPage();
  const files = [];
  tab.on('requestfinished', async (request) => {
    const sizes = await request.sizes().catch(() => null);
    if (sizes) files.push({ url: request.url(), bytes: sizes.responseBodySize + sizes.responseHeadersSize });
  });
  const ready = tab.waitForResponse((r) => r.url().includes('/events'), { timeout: 30_000 });
  await tab.goto(`${base}${page.path}`);
  await tab.locator('body[data-hydrated]').waitFor({ timeout: 30_000 });
  await ready;
  await tab.waitForTimeout(1_500); // whatever the page asks for once its stream is open
  await context.close();
  return files;
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
let over = false;
const wasms = new Set();
console.log('page         bytes on the wire   budget     ');
for (const page of PAGES) {
  const files = await firstVisit(browser, page);
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  const ok = total <= page.budget;
  over ||= !ok;
  console.log(`${page.path.padEnd(12)} ${String(total).padStart(10)} B   ${String(page.budget).padStart(8)} B   ${ok ? 'ok' : 'OVER'}`);
  for (const f of files.sort((a, b) => b.bytes - a.bytes).slice(0, 5)) {
    console.log(`               ${String(f.bytes).padStart(8)} B  ${f.url.replace(base, '')}`);
  }
  files.filter((f) => f.url.endsWith('.wasm')).forEach((f) => wasms.add(f.url));
}
await browser.close();

const staff = staffEndpoints();
for (const url of wasms) {
  const wasm = Buffer.from(await (await fetch(url)).arrayBuffer()).toString('latin1');
  const carried = staff.filter((name) => wasm.includes(`/api/${name}`));
  const ok = carried.length === 0;
  over ||= !ok;
  console.log(`${url.replace(base, '')}: ${ok ? 'no staff-only code' : `carries ${carried.length} of ${staff.length} staff-only server functions (${carried.slice(0, 4).join(', ')}…)`}`);
}
process.exit(over ? 1 : 0);
