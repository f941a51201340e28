import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The real release server on a fresh SQLite file filled with demo data.
const port = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${port}`;
// Set once in the main process so that every worker sees the same directory.
const dbDir = (process.env.E2E_DB_DIR ??= mkdtempSync(join(tmpdir(), 'donor-e2e-')));
// Mail goes to .eml files here (the zero-config transport); tests read links from them.
process.env.E2E_MAIL_DIR ??= join(dbDir, 'outbox');
const server = process.env.E2E_SERVER_BIN ?? 'target/release/donor-booking';

// Debian's Chromium; Playwright's own browser download is not available here.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const desktop = { viewport: { width: 1280, height: 860 } };

// Two more instances of the server on one PostgreSQL database (scripts/test creates it and sets
// E2E_PG_URL): the live-update test connects a donor to one and a registrar to the other.
const pgUrl = process.env.E2E_PG_URL;
const PG_INSTANCES = pgUrl ? [port + 1, port + 2].map((p) => `http://127.0.0.1:${p}`) : [];
const pgServers = PG_INSTANCES.map((url, i) => ({
  command: i === 0 ? `"${server}" demo-data --days 14 && exec "${server}" serve` : `exec "${server}" serve`,
  cwd: '..',
  url: `${url}/healthz`,
  reuseExistingServer: false,
  timeout: 60_000,
  stdout: 'ignore' as const,
  stderr: 'pipe' as const,
  env: {
    DATABASE_URL: pgUrl!,
    LEPTOS_SITE_ADDR: url.replace('http://', ''),
    LOG_LEVEL: 'warn',
    MAIL_DIR: process.env.E2E_MAIL_DIR!,
    // Every test registers from 127.0.0.1: one address, many people.
    MAIL_LIMIT_PER_ADDRESS: '100000',
  },
}));

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 5_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  reporter: [['list']],
  use: { baseURL, launchOptions: chromium, locale: 'ru-RU', trace: 'off' },
  projects: [
    { name: 'desktop', testMatch: /\.(hydrated|a11y)\.spec\.ts$/, use: desktop },
    { name: 'phone', testMatch: /\.(hydrated|a11y)\.spec\.ts$/, use: phone },
    { name: 'no-js desktop', testMatch: /\.nojs\.spec\.ts$/, use: { ...desktop, javaScriptEnabled: false } },
    { name: 'no-js phone', testMatch: /\.nojs\.spec\.ts$/, use: { ...phone, javaScriptEnabled: false } },
  ],
  webServer: [{
    command: `"${server}" demo-data --days 14 && exec "${server}" serve`,
    cwd: '..',
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${dbDir}/e2e.db`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      MAIL_DIR: process.env.E2E_MAIL_DIR,
      MAIL_LIMIT_PER_ADDRESS: '100000',
    },
  }, ...pgServers],
});
