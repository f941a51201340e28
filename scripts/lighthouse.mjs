// Runs Lighthouse (LIGHTHOUSE_BIN) on the donor pages of the server at <base-url>, three times
// each (LIGHTHOUSE_RUNS), and prints the median run's figures as a Markdown table for the README.
// The cabinet is measured logged in as the demo donor (its session cookie as an extra header).
//   node scripts/lighthouse.mjs <base-url>
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.argv[2];
const bin = process.env.LIGHTHOUSE_BIN;
if (!base || !bin) throw new Error('usage: LIGHTHOUSE_BIN=… node scripts/lighthouse.mjs <base-url>');
const runs = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
const chrome = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function donorCookie() {
  const form = new URLSearchParams({ email: 'donor@demo.donor.local', password: 'demo-donor-passphrase' });
  const resp = await fetch(`${base}/api/login`, { method: 'POST', body: form, redirect: 'manual' });
  const cookie = (resp.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith('session='));
  if (!cookie) throw new Error(`login failed: ${resp.status}`);
  return cookie;
}

function lighthouse(url, headers) {
  const out = join(mkdtempSync(join(tmpdir(), 'lh-')), 'report.json');
  const args = [
    url,
    '--quiet',
    '--output=json',
    `--output-path=${out}`,
    '--only-categories=performance,accessibility',
    `--chrome-path=${chrome}`,
    '--chrome-flags=--headless=new --no-sandbox --disable-gpu',
  ];
  if (headers) args.push(`--extra-headers=${JSON.stringify(headers)}`);
  execFileSync(bin, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const report = JSON.parse(readFileSync(out, 'utf8'));
  const audit = (id) => report.audits[id]?.numericValue ?? NaN;
  return {
    performance: Math.round(report.categories.performance.score * 100),
    accessibility: Math.round(report.categories.accessibility.score * 100),
    lcp: audit('largest-contentful-paint'),
    tbt: audit('total-blocking-time'),
    bytes: audit('total-byte-weight'),
  };
}

const cookie = await donorCookie();
const pages = [
  { path: '/' },
  { path: '/register' },
  { path: '/login' },
  { path: '/cabinet', headers: { Cookie: cookie } },
];
console.log('| page | performance | accessibility | LCP | TBT | bytes |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const page of pages) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(lighthouse(`${base}${page.path}`, page.headers));
  results.sort((a, b) => a.performance - b.performance);
  const median = results[Math.floor(results.length / 2)];
  const kib = (median.bytes / 1024).toFixed(0);
  console.log(
    `| \`${page.path}\` | ${median.performance} | ${median.accessibility} | ${(median.lcp / 1000).toFixed(1)} s | ${Math.round(median.tbt)} ms | ${kib} KiB |`,
  );
}
