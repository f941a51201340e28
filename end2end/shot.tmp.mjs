import { chromium } from '@playwright/test';
const base = 'http://127.0.0.1:3300';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const iso = (o) => new Date(Date.now() + o * 864e5).toISOString().slice(0, 10);
for (const [name, vp] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 860 }]]) {
  const ctx = await browser.newContext({ viewport: vp, locale: 'ru-RU' });
  const page = await ctx.newPage();
  await page.goto(base + '/login');
  await page.waitForTimeout(800);
  await page.getByLabel('Электронная почта').fill('planner@demo.donor.local');
  await page.getByLabel('Пароль').fill('demo-planner-passphrase');
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL(/planning/);
  await page.waitForTimeout(1500);
  const card = page.getByTestId('planned-cell').first();
  await card.locator('summary').click();
  await card.screenshot({ path: `/tmp/shot/${name}-card.png` });
  const copy = page.getByTestId('copy-days');
  await copy.getByLabel('Копировать, начиная с').fill(iso(0));
  await copy.getByLabel('На даты, начиная с').fill(iso(7));
  await copy.getByRole('button', { name: 'Показать, что будет скопировано' }).click();
  await page.waitForTimeout(1500);
  await copy.screenshot({ path: `/tmp/shot/${name}-copy.png` });
  await page.goto(base + '/staff/needs');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `/tmp/shot/${name}-needs.png`, fullPage: true });
  await ctx.close();
}
await browser.close();
