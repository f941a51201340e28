import { expect, test } from './fixtures';
import { expectAccessible, expectHydrated } from './helpers';

for (const path of ['/', '/?type=erythrocytes', '/no-such-page', '/register', '/login', '/password/forgot', '/confirm-email?token=x']) {
  test(`axe finds no violations on ${path}`, async ({ page }) => {
    await page.goto(path);
    await expectHydrated(page);
    await expectAccessible(page);
  });
}

test('axe finds no violations on the English page', async ({ page, context, baseURL }) => {
  await context.addCookies([{ name: 'lang', value: 'en', url: baseURL! }]);
  await page.goto('/');
  await expectHydrated(page);
  await expectAccessible(page);
});

test('axe finds no violations on the admin pages (staff list, audit log)', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Электронная почта').fill('admin@demo.donor.local');
  await page.getByLabel('Пароль').fill('demo-admin-passphrase');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/staff\/admin$/);
  await expectHydrated(page);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Журнал действий' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Журнал действий' })).toBeVisible();
  await expect(page.getByTestId('audit-log')).toBeVisible();
  await expectAccessible(page);
});
