import { expect, type Browser, type Page } from '@playwright/test';
import { PASSWORD } from './accounts';

/** Issue 14 in the cabinet: alerts on for plasma, kept after a reload. */
export async function switchAlertsOn(page: Page) {
  await page.goto('/cabinet');
  const panel = page.locator('#alerts-form');
  await expect(panel.getByTestId('alerts-state')).toHaveAttribute('data-enabled', 'false');
  await panel.getByRole('checkbox', { name: 'Присылать письма' }).check();
  await panel.getByRole('checkbox', { name: 'Плазма' }).check();
  await panel.getByRole('button', { name: 'Сохранить' }).click();
  await expect(page).toHaveURL(/alerts_saved=1/);
  await expect(page.getByTestId('alerts-saved')).toBeVisible();
  await page.goto('/cabinet');
  await expect(panel.getByTestId('alerts-state')).toHaveAttribute('data-enabled', 'true');
  await expect(panel.getByRole('checkbox', { name: 'Плазма' })).toBeChecked();
  await expect(panel.getByRole('checkbox', { name: 'Тромбоциты' })).not.toBeChecked();
}

/** A second device logs in; the first sees both sessions and ends the other one. */
export async function endTheOtherSession(page: Page, browser: Browser, baseURL: string, email: string, javaScriptEnabled: boolean) {
  const other = await browser.newContext({ baseURL, javaScriptEnabled, locale: 'ru-RU' });
  const laptop = await other.newPage();
  await laptop.goto('/login');
  await laptop.getByLabel('Электронная почта').fill(email);
  await laptop.getByLabel('Пароль').fill(PASSWORD);
  await laptop.getByRole('button', { name: 'Войти' }).click();
  await expect(laptop).toHaveURL(/\/cabinet$/);

  await page.goto('/cabinet');
  await page.getByTestId('sessions-link').click();
  await expect(page).toHaveURL(/\/cabinet\/sessions$/);
  const sessions = page.getByTestId('sessions').locator('li');
  await expect(sessions).toHaveCount(2);
  await expect(page.getByTestId('sessions').locator('li[data-current="true"]')).toContainText('Этот сеанс');
  await page.getByTestId('end-others').click();
  await expect(page.getByTestId('session-ended')).toBeVisible();
  await expect(sessions).toHaveCount(1);
  // The laptop is logged out.
  await laptop.goto('/cabinet');
  await expect(laptop).toHaveURL(/\/login/);
  await other.close();
}

/** «Мои данные»: what is kept, then the deletion (refused without the word, done with it). */
export async function seeAndDeleteMyData(page: Page, email: string) {
  await page.goto('/cabinet');
  await page.getByTestId('data-link').click();
  await expect(page).toHaveURL(/\/cabinet\/data$/);
  await expect(page.getByTestId('data-profile')).toContainText(email);
  await expect(page.getByTestId('data-consent')).toContainText('Я даю согласие на обработку моих персональных данных');
  await expect(page.getByTestId('download-data')).toHaveAttribute('href', '/cabinet/data.json');
  const form = page.locator('#delete-account');
  await form.getByRole('radio', { name: 'Отзываю согласие на обработку персональных данных' }).check();
  await form.getByLabel('Для подтверждения введите слово УДАЛИТЬ').fill('удали');
  await form.getByLabel('Пароль').fill(PASSWORD);
  await form.getByTestId('delete-account').click();
  await expect(page.locator('#field-confirmation-error')).toHaveText('Введите слово УДАЛИТЬ.');
  await form.getByRole('radio', { name: 'Отзываю согласие на обработку персональных данных' }).check();
  await form.getByLabel('Для подтверждения введите слово УДАЛИТЬ').fill('УДАЛИТЬ');
  await form.getByLabel('Пароль').fill(PASSWORD);
  await form.getByTestId('delete-account').click();
  await expect(page).toHaveURL(/\/account\/deleted$/);
  await expect(page.getByTestId('account-deleted')).toBeVisible();
  // Gone: the cabinet asks for a login, and the password no longer opens it.
  await page.goto('/cabinet');
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByText('Неверный адрес электронной почты или пароль.')).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
}
