import type { Browser, Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures';
import { donorWithPendingBooking, REGISTRAR } from './booking';
import { expectAccessible, expectHydrated, expectNoHorizontalScroll } from './helpers';
import { rawMailWith } from './mail';


/** A second browser (its own cookies) at this project's width, on `baseURL`. */
async function browserAt(browser: Browser, info: TestInfo, baseURL: string) {
  return browser.newContext({ baseURL, locale: 'ru-RU', viewport: info.project.use.viewport });
}

/** The registrar approves that donor's booking (by its button, or by the A key on the focused
 *  row); the donor's open cabinet shows it within 1 s. */
async function approveAndWatch(desk: Page, donor: Page, email: string, withKeyboard = false) {
  await desk.goto('/login');
  await desk.getByLabel('Электронная почта').fill(REGISTRAR.email);
  await desk.getByLabel('Пароль').fill(REGISTRAR.password);
  await desk.getByRole('button', { name: 'Войти' }).click();
  await expect(desk).toHaveURL(/\/staff\/moderation$/);
  await expectHydrated(desk);
  const row = desk.getByTestId('queue-item').filter({ hasText: email });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('A(II) Rh+ K−');
  await expectAccessible(desk);
  await expectNoHorizontalScroll(desk);

  if (withKeyboard) {
    await row.focus();
    await desk.keyboard.press('a');
  } else {
    await row.getByRole('button', { name: 'Подтвердить' }).click();
  }
  await expect(row).toHaveCount(0); // decided: it leaves the pending queue
  await expect(donor.getByTestId('booking').first().getByTestId('booking-status')).toHaveText('Подтверждена', {
    timeout: 1_000,
  });
  await expect(donor.getByTestId('status-notice')).toContainText('Подтверждена');
}

test('a registrar approves and the donor’s open cabinet shows it without a reload', async ({ page, browser }, info) => {
  const email = await donorWithPendingBooking(page, info);
  const staff = await browserAt(browser, info, info.project.use.baseURL!);
  const desk = await staff.newPage();
  await approveAndWatch(desk, page, email, true);

  // The approval e-mail carries the calendar event.
  const mail = await rawMailWith(email, ['donation.ics', 'text/calendar']);
  expect(mail).toContain('Content-Disposition: attachment');
  await staff.close();
});

test('two server instances on PostgreSQL behave as one for live updates', async ({ browser }, info) => {
  // scripts/test creates the database; without it this test fails rather than skips.
  expect(process.env.E2E_PG_URL, 'E2E_PG_URL is not set: run scripts/test, or create a database and set it').toBeTruthy();
  const port = Number(process.env.E2E_PORT ?? 3210);
  const [first, second] = [port + 1, port + 2].map((p) => `http://127.0.0.1:${p}`);
  const donorContext = await browserAt(browser, info, second);
  const donor = await donorContext.newPage();
  const email = await donorWithPendingBooking(donor, info);
  const staff = await browserAt(browser, info, first);
  await approveAndWatch(await staff.newPage(), donor, email);
  await staff.close();
  await donorContext.close();
});
