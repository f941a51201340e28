import { expect, test } from './fixtures';
import { expectAccessible, expectHydrated, expectNoHorizontalScroll } from './helpers';

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

test('axe finds no violations on the admin pages (staff list, audit log, intervals)', async ({ page }) => {
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
  await page.goto('/staff/intervals');
  await expectHydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Интервалы между донациями' })).toBeVisible();
  // Sixteen pairs, each with its days, every default still the centre's to confirm.
  await expect(page.locator('input[name="days"]')).toHaveCount(16);
  await expect(page.getByTestId('to-confirm')).toHaveCount(16);
  await expect(page.locator('tr[data-pair="plasma:whole_blood"] input[name="days"]')).toHaveValue('14');
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
});
