import { expect, test } from './fixtures';
import { registerConfirmAndLogIn, uniqueEmail } from './accounts';

test('without JavaScript the booking steps are pages and end in the cabinet', async ({ page }, info) => {
  await registerConfirmAndLogIn(page, uniqueEmail(info));
  // The demo data has cells for A(II) Rh+ on most days: take the first that fits.
  await page.locator('.cabinet-cells').getByRole('link', { name: 'Записаться' }).first().click();
  await expect(page).toHaveURL(/\/cabinet\/book\/\d+$/);
  // No time chosen: the times again, saying so.
  await page.getByRole('button', { name: 'Подтвердить выбор записи' }).click();
  await expect(page.locator('#field-time-error')).toHaveText('Выберите время донации.');
  await page.getByRole('radio').first().check();
  await page.getByRole('button', { name: 'Подтвердить выбор записи' }).click();
  await expect(page).toHaveURL(/\/cabinet\/book\/\d+\?step=times&time=\d\d(:|%3A)\d\d$/);
  await expect(page.getByText('При ошибке и самостоятельной отмене записи')).toBeVisible();

  // Without the checkbox the same page says what is missing.
  await page.getByRole('button', { name: 'Подтвердить', exact: true }).click();
  await expect(page.locator('#field-confirmed-error')).toContainText('Подтверждаю запись');
  await page.getByRole('checkbox', { name: 'Подтверждаю запись' }).check();
  await page.getByRole('button', { name: 'Подтвердить', exact: true }).click();
  await expect(page).toHaveURL(/\/cabinet\?booked=1/);
  await expect(page.getByTestId('booking').first().getByTestId('booking-status')).toHaveText('На утверждении');

  // Cancelling asks first (a <details>), then the status and the R4 notice change.
  await page.getByText('Отменить запись').first().click();
  await page.getByRole('button', { name: 'Да, отменить запись' }).click();
  await expect(page).toHaveURL(/\/cabinet\?cancelled=1/);
  await expect(page.getByTestId('booking').first().getByTestId('booking-status')).toHaveText('Отменена');
  await expect(page.getByTestId('booking-blocked')).toContainText('только на следующий день');
});
