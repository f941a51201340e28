import { expect, test } from './fixtures';
import { ADMIN, REGISTRAR, donorWithPendingBooking, staffLogIn } from './booking';
import { expectAccessible, expectHydrated, expectNoHorizontalScroll } from './helpers';
import { registerConfirmAndLogIn, uniqueEmail } from './accounts';

test('a rejected donor sees the reason, the registrar’s comment and the next step', async ({ page, browser }, info) => {
  const email = await donorWithPendingBooking(page, info);
  const staff = await browser.newContext({ baseURL: info.project.use.baseURL, locale: 'ru-RU', viewport: info.project.use.viewport });
  const desk = await staff.newPage();
  await staffLogIn(desk, REGISTRAR, /\/staff\/moderation$/);
  await expectHydrated(desk);
  const row = desk.getByTestId('queue-item').filter({ hasText: email });
  await row.getByText('Отклонить…').click();
  await row.getByLabel('Причина').selectOption('other');
  await row.getByLabel('Комментарий').fill('Нужна справка от терапевта');
  await row.getByRole('button', { name: 'Отклонить', exact: true }).click();
  await expect(row).toHaveCount(0);

  // The donor's open cabinet shows it live: the seed's reason, the comment, what to do next.
  const booking = page.getByTestId('booking').first();
  await expect(booking.getByTestId('booking-status')).toHaveText('Отклонена', { timeout: 2_000 });
  await expect(booking.getByTestId('booking-reason')).toContainText('Другие причины, которые можно узнать только при личном обращении в');
  await expect(booking.getByTestId('booking-comment')).toHaveText('Комментарий регистратора: Нужна справка от терапевта');
  await expect(booking.getByTestId('booking-next-step')).toContainText('Подробности можно узнать');
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  // The registrar's list of rejections shows the comment (the e-mail is checked by the
  // integration tests, which read it undecoded from the outbox).
  await desk.goto('/staff/moderation?status=rejected');
  await expect(desk.getByTestId('queue-item').filter({ hasText: email }).getByTestId('queue-comment')).toHaveText(
    'Нужна справка от терапевта',
  );
  await staff.close();
});

test('the booking summary lists why a booking may be rejected', async ({ page }, info) => {
  await registerConfirmAndLogIn(page, uniqueEmail(info));
  // A fitting cell's summary page: the same component as the dialog's last step.
  const view = await (await page.request.post('/api/open_cells', { form: {} })).json();
  const cell = view.cells.find((c: any) => c.needed.some((n: any) => n.group === 'A' && n.rh === 'Positive'));
  await page.goto(`/cabinet/book/${cell.id}?time=${cell.times[0].start.slice(0, 5)}`);
  await expectHydrated(page);
  const rules = page.locator('.booking-rules');
  await expect(rules).toContainText('Запись может быть отклонена по следующим причинам:');
  const reasons = rules.getByTestId('rejection-reasons').getByRole('listitem');
  await expect(reasons).toHaveCount(5);
  await expect(reasons.first()).toHaveText(
    'Код донора, который вы ввели в своем личном кабинете, не совпадает с данными, которые вы также самостоятельно ввели.',
  );
  // No centre is configured on the test server: the neutral name.
  await expect(reasons.last()).toHaveText('Другие причины, которые можно узнать только при личном обращении в центр крови.');
});

test('an admin adds, edits and archives a place', async ({ page }, info) => {
  await staffLogIn(page, ADMIN, /\/staff\/admin$/);
  await expectHydrated(page);
  await page.getByTestId('admin-areas').getByRole('link', { name: 'Места донации' }).click();
  await expect(page).toHaveURL(/\/staff\/places$/);
  await expectHydrated(page);
  const name = `Выездной пункт ${info.project.name} ${Date.now()}`;
  const form = page.getByTestId('new-place');
  await form.getByRole('button', { name: 'Добавить место' }).click();
  await expect(form.locator('#field-name-error')).toHaveText('Заполните это поле.');
  await form.getByLabel('Название').fill(name);
  await form.getByLabel('Адрес').fill('ул. Полевая, 7');
  await form.getByLabel('Часы работы').fill('пн–пт 8:00–14:00');
  await form.getByRole('button', { name: 'Добавить место' }).click();
  const item = page.getByTestId('place').filter({ hasText: name });
  await expect(item).toContainText('ул. Полевая, 7 · пн–пт 8:00–14:00 · Ячеек: 0');
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  await item.getByText('Изменить').click();
  await item.getByLabel('Адрес').fill('ул. Полевая, 9');
  await item.getByRole('button', { name: 'Сохранить' }).click();
  await expect(item).toContainText('ул. Полевая, 9');
  await item.getByRole('button', { name: 'В архив' }).click();
  await expect(item).toContainText('В архиве');
  await item.getByRole('button', { name: 'Вернуть из архива' }).click();
  await expect(item).not.toContainText('В архиве');
  await item.getByRole('button', { name: 'Удалить' }).click();
  await expect(item).toHaveCount(0);
});
