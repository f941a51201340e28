import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const base = 'http://127.0.0.1:3300';
for (const [name, opts] of [['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }], ['desktop', { viewport: { width: 1280, height: 860 } }]]) {
  const ctx = await browser.newContext({ ...opts, locale: 'ru-RU' });
  const page = await ctx.newPage();
  await page.goto(base + '/login');
  await page.getByLabel('Электронная почта').fill('donor@demo.donor.local');
  await page.getByLabel('Пароль').fill('demo-donor-passphrase');
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL(/cabinet/);
  await page.waitForSelector('body[data-hydrated]');
  await page.getByRole('link', { name: 'Записаться' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('radio').first().check();
  await dialog.getByRole('button', { name: 'Подтвердить выбор записи' }).click();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `/tmp/shot/${name}-summary.png` });
  await dialog.getByRole('button', { name: 'Подтвердить', exact: true }).click().catch(e => console.log(name, 'click1', e.message.split('\n')[0]));
  await page.waitForTimeout(500);
  await page.screenshot({ path: `/tmp/shot/${name}-error.png` });
  await dialog.getByRole('checkbox', { name: 'Подтверждаю запись' }).check();
  await page.screenshot({ path: `/tmp/shot/${name}-checked.png` });
  await ctx.close();
}
await browser.close();
