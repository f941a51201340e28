import { test } from './fixtures';
import { registerConfirmAndLogIn, uniqueEmail } from './accounts';
import { expectAccessible, expectHydrated, expectNoHorizontalScroll } from './helpers';
import { endTheOtherSession, seeAndDeleteMyData, switchAlertsOn } from './rights';

test('a donor switches alerts on, ends another session, sees their data and deletes the account', async ({ page, browser, baseURL }, info) => {
  const email = uniqueEmail(info);
  await registerConfirmAndLogIn(page, email);
  await switchAlertsOn(page);
  await expectHydrated(page);
  await endTheOtherSession(page, browser, baseURL!, email, true);
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  await page.goto('/cabinet/data');
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  await seeAndDeleteMyData(page, email);
});
