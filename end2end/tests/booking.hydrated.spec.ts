import { expect, test } from './fixtures';
import { registerConfirmAndLogIn, uniqueEmail } from './accounts';
import { cellOn, dayAhead, plannerCreatesCell } from './booking';
import { expectAccessible, expectHydrated, expectNoHorizontalScroll } from './helpers';

test('a planned cell is bookable by its group through the dialog, greyed for others', async ({ page }, info) => {
  // Seed flow 1 → 4–10: a planner's cell, a fitting donor books and cancels, another group cannot.
  const { iso, shown } = dayAhead(info.project.name === 'phone' ? 51 : 50);
  await plannerCreatesCell(page, iso);

  await registerConfirmAndLogIn(page, uniqueEmail(info));
  await expectHydrated(page);
  const card = cellOn(page, shown);
  await expect(card).toHaveCount(1);
  const book = card.getByRole('link', { name: 'Записаться' });
  await expect(book).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  // The dialog: Esc closes it.
  const dialog = page.getByRole('dialog', { name: 'Запись на донацию' });
  await book.click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // Times → «Подтвердить выбор записи» → summary with the rules → «Подтверждаю запись» → «Подтвердить».
  await book.click();
  await expect(dialog.getByTestId('booking-facts')).toContainText(shown);
  await expectAccessible(page);
  // No time chosen: the dialog says so and stays on the times.
  await dialog.getByRole('button', { name: 'Подтвердить выбор записи' }).click();
  await expect(dialog.locator('#field-time-error')).toHaveText('Выберите время донации.');
  await dialog.getByRole('radio', { name: /^09:30/ }).check();
  await dialog.getByRole('button', { name: 'Подтвердить выбор записи' }).click();
  await expect(dialog.getByTestId('booking-facts')).toContainText('09:30');
  await expect(dialog).toContainText('Одновременно возможна только одна активная запись.');
  await dialog.getByRole('button', { name: 'Подтвердить', exact: true }).click();
  await expect(dialog.locator('#field-confirmed-error')).toContainText('Подтверждаю запись');
  await dialog.getByRole('checkbox', { name: 'Подтверждаю запись' }).check();
  await dialog.getByRole('button', { name: 'Подтвердить', exact: true }).click();
  await expect(dialog).toBeHidden();

  const booking = page.getByTestId('booking').first();
  await expect(booking.getByTestId('booking-status')).toHaveText('На утверждении');
  await expect(booking).toContainText(`${shown}`);
  await expect(booking).toContainText('09:30');
  await expect(page.getByTestId('booked-notice')).toBeVisible();
  // One active booking: every «Записаться» is now off and the rule is named.
  await expect(page.getByTestId('booking-blocked')).toContainText('Одновременно возможна только одна запись');
  await expect(cellOn(page, shown).getByRole('button', { name: 'Записаться' })).toBeDisabled();

  // Cancel with a confirmation: the status changes and R4 names tomorrow.
  await booking.getByText('Отменить запись', { exact: true }).click();
  await booking.getByRole('button', { name: 'Да, отменить запись' }).click();
  await expect(page.getByTestId('booking').first().getByTestId('booking-status')).toHaveText('Отменена');
  await expect(page.getByTestId('booking-blocked')).toContainText(/только на следующий день — с \d{2}\.\d{2}\.\d{4}/);
  await expectAccessible(page);

  // A donor of another group sees the cell greyed, with the groups it needs.
  await page.context().clearCookies();
  await registerConfirmAndLogIn(page, uniqueEmail(info), 'B(III)');
  const greyed = cellOn(page, shown);
  await expect(greyed).toHaveClass(/cell-card--unavailable/);
  await expect(greyed.getByTestId('not-fit')).toHaveText('Недоступно для Вашей группы: нужны A(II) Rh+');
  await expect(greyed.getByRole('link', { name: 'Записаться' })).toHaveCount(0);
  await expectAccessible(page);
});
