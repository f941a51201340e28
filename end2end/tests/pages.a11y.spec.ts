import { test } from './fixtures';
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
