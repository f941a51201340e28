import { test } from './fixtures';
import { registerConfirmAndLogIn, submitEmptyRegistration, uniqueEmail } from './accounts';
import { expectAccessible, expectHydrated } from './helpers';

test('a donor registers, confirms by e-mail, logs in and sees their data', async ({ page }, info) => {
  await page.goto('/');
  await expectHydrated(page);
  await registerConfirmAndLogIn(page, uniqueEmail(info));
  await expectAccessible(page);
});

test('registration errors appear next to the fields', async ({ page }) => {
  await page.goto('/register');
  await expectHydrated(page);
  await submitEmptyRegistration(page, 'not-an-address');
  await expectAccessible(page);
});
