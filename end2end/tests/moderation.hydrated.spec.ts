import { expect, test } from './fixtures';
import { registerConfirmAndLogIn, uniqueEmail } from './accounts';
import { expectAccessible, expectHydrated, expectNoHorizontalScroll } from './helpers';
import { rawMailWith } from './mail';

// The demo registrar made by `demo-data`.
const REGISTRAR = { email: 'registrar@demo.donor.local', password: 'demo-registrar-passphrase' };

test('a registrar approves and the donor’s open cabinet shows it without a reload', async ({ page, browser }, info) => {
  const email = uniqueEmail(info);
  await registerConfirmAndLogIn(page, email);

  // Book the first fitting demo cell through the same server function the dialog uses.
  const view = await (await page.request.post('/api/open_cells', { form: {} })).json();
  const cell = view.cells.find((c: any) => c.needed.some((n: any) => n.group === 'A' && n.rh === 'Positive'));
  const time = cell.times[0].start.slice(0, 5);
  const booked = await page.request.post('/api/book', { form: { cell_id: String(cell.id), time, confirmed: 'on' } });
  expect(booked.status()).toBe(200);
  await page.goto('/cabinet');
  await expectHydrated(page);
  const status = page.getByTestId('booking').first().getByTestId('booking-status');
  await expect(status).toHaveText('На утверждении');

  // A second browser: the registrar's queue, at the same width as this project.
  const staff = await browser.newContext({
    baseURL: info.project.use.baseURL,
    locale: 'ru-RU',
    viewport: info.project.use.viewport,
  });
  const desk = await staff.newPage();
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

  await row.getByRole('button', { name: 'Подтвердить' }).click();
  await expect(row).toHaveCount(0); // decided: it leaves the pending queue
  // The donor's cabinet changes by itself within a second.
  await expect(status).toHaveText('Подтверждена', { timeout: 1_000 });
  await expect(page.getByTestId('status-notice')).toContainText('Подтверждена');

  // The approval e-mail carries the calendar event.
  const mail = await rawMailWith(email, ['donation.ics', 'text/calendar']);
  expect(mail).toContain('Content-Disposition: attachment');
  await staff.close();
});
