import { expect, test } from './fixtures';
import { REGISTRAR, donorWithPendingBookingOn, staffLogIn } from './booking';
import { expectAccessible, expectHydrated, expectNoHorizontalScroll } from './helpers';

test('reception lists the day in time order, follows decisions live and downloads the day', async ({ page, browser }, info) => {
  const { email, date } = await donorWithPendingBookingOn(page, info);
  const staff = await browser.newContext({ baseURL: info.project.use.baseURL, locale: 'ru-RU', viewport: info.project.use.viewport });
  const desk = await staff.newPage();
  await staffLogIn(desk, REGISTRAR, /\/staff\/moderation$/);
  await desk.getByRole('link', { name: 'Приём доноров' }).click();
  await expect(desk).toHaveURL(/\/staff\/reception$/);
  await desk.getByLabel('Дата').fill(date);
  await desk.getByRole('button', { name: 'Показать' }).click();
  await expect(desk).toHaveURL(new RegExp(`/staff/reception\\?date=${date}$`));
  await expectHydrated(desk);
  const [y, m, d] = date.split('-');
  await expect(desk.getByTestId('reception-heading')).toContainText(`${d}.${m}.${y}`);
  const row = desk.getByTestId('reception-row').filter({ hasText: email });
  await expect(row).toContainText('На утверждении');
  await expect(row).toContainText('A(II) Rh+ K−');
  // Sorted by time.
  const times = await desk.getByTestId('reception-row').locator('td:first-child').allInnerTexts();
  expect(times).toEqual([...times].sort());
  await expectAccessible(desk);
  await expectNoHorizontalScroll(desk);

  // A decision taken elsewhere shows here without a reload.
  const queue = await staff.newPage();
  await queue.goto('/staff/moderation');
  await expectHydrated(queue);
  await queue.getByTestId('queue-item').filter({ hasText: email }).getByRole('button', { name: 'Подтвердить' }).click();
  await expect(row).toContainText('Подтверждена', { timeout: 2_000 });

  // The CSV of the day: UTF-8 with a BOM, the donor's row in it.
  const href = await desk.getByTestId('reception-csv').getAttribute('href');
  expect(href).toBe(`/staff/reception.csv?date=${date}`);
  const csv = await desk.request.get(href!);
  expect(csv.status()).toBe(200);
  const body = await csv.body();
  expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = body.subarray(3).toString('utf-8');
  expect(text.split('\r\n')[0]).toContain('Время;Состояние');
  expect(text).toContain(`${email};A(II) Rh+ K−`);

  // Printed, only the list remains.
  await desk.emulateMedia({ media: 'print' });
  await expect(desk.locator('.site-header')).toBeHidden();
  await expect(desk.getByTestId('reception-date')).toBeHidden();
  await expect(row).toBeVisible();
  await staff.close();
});
