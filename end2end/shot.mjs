import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const base = 'http://127.0.0.1:3300';
const today = new Date().toISOString().slice(0, 10);
for (const [name, opts] of [['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 }], ['desktop', { viewport: { width: 1280, height: 860 } }]]) {
  const ctx = await browser.newContext({ ...opts, locale: 'ru-RU' });
  const page = await ctx.newPage();
  await page.goto(base + '/login');
  await page.getByLabel('Электронная почта').fill('admin@demo.donor.local');
  await page.getByLabel('Пароль').fill('demo-admin-passphrase');
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL(/admin/);
  await page.goto(base + '/staff/reception?date=' + today);
  await page.waitForSelector('body[data-hydrated]');
  await page.screenshot({ path: `/tmp/shot/${name}-reception.png`, fullPage: true });
  await page.goto(base + '/staff/places');
  await page.waitForSelector('body[data-hydrated]');
  await page.screenshot({ path: `/tmp/shot/${name}-places.png`, fullPage: true });
  await ctx.close();
}
await browser.close();
