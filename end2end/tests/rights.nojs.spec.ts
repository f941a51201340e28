import { test } from './fixtures';
import { registerConfirmAndLogIn, uniqueEmail } from './accounts';
import { endTheOtherSession, seeAndDeleteMyData, switchAlertsOn } from './rights';

test('without JavaScript a donor switches alerts on, ends another session and deletes the account', async ({ page, browser, baseURL }, info) => {
  const email = uniqueEmail(info);
  await registerConfirmAndLogIn(page, email);
  await switchAlertsOn(page);
  await endTheOtherSession(page, browser, baseURL!, email, false);
  await seeAndDeleteMyData(page, email);
});
