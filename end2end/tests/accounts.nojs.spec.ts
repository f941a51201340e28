import { test } from './fixtures';
import { registerConfirmAndLogIn, submitEmptyRegistration, uniqueEmail } from './accounts';

test('without JavaScript a donor registers, confirms, logs in and sees their data', async ({ page }, info) => {
  await registerConfirmAndLogIn(page, uniqueEmail(info));
});

test('without JavaScript registration errors appear next to the fields and the input is kept', async ({ page }) => {
  await submitEmptyRegistration(page, 'not-an-address');
});
