import { expect, type Page, type TestInfo } from '@playwright/test';
import { linkFromMail } from './mail';

export const PASSWORD = 'river-violet-anchor-42';

/** A fresh address per test and project, so parallel runs never collide. */
export function uniqueEmail(info: TestInfo): string {
  const project = info.project.name.replace(/[^a-z]/gi, '');
  return `e2e.${project}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.org`.toLowerCase();
}

/** Seed steps 2–5: register, confirm by the e-mailed link, log in, see the profile. */
export async function registerConfirmAndLogIn(page: Page, email: string, group = 'A(II)') {
  await page.goto('/register');
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel('Пароль', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Повторите пароль').fill(PASSWORD);
  await page.getByRole('group', { name: 'Группа крови' }).getByRole('radio', { name: group, exact: true }).check();
  await page.getByRole('group', { name: 'Резус-фактор' }).getByRole('radio', { name: 'Rh+' }).check();
  await page.getByLabel('Код донора').fill('ab12cd');
  await page.getByRole('group', { name: 'Kell (Келл)' }).getByRole('radio', { name: 'K−' }).check();
  await page.getByRole('checkbox', { name: /Я даю согласие на обработку/ }).check();
  await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
  await expect(page).toHaveURL(/\/register\/done$/);
  await expect(page.getByTestId('registered')).toBeVisible();

  const link = await linkFromMail(email, '/confirm-email?token=');
  await page.goto(link);
  await expect(page.getByTestId('confirmed')).toBeVisible();

  await page.goto('/login');
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/cabinet$/);
  const profile = page.getByTestId('profile');
  await expect(profile).toContainText(email);
  await expect(profile).toContainText(group);
  await expect(profile).toContainText('Rh+');
  await expect(profile).toContainText('K−');
  await expect(page.getByTestId('donor-code')).toHaveText('AB12CD');
  await expect(page.getByTestId('unconfirmed')).toHaveCount(0);
}

/** An empty form: every error sits next to its field and the field is marked invalid. */
export async function submitEmptyRegistration(page: Page, typedEmail: string) {
  await page.goto('/register');
  await page.getByLabel('Электронная почта').fill(typedEmail);
  await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
  await expect(page.locator('#field-email-error')).toContainText('Проверьте адрес');
  await expect(page.getByLabel('Электронная почта')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#field-password-error')).toContainText('не короче 8 символов');
  await expect(page.locator('#field-blood_group-error')).toHaveText('Выберите группу крови.');
  await expect(page.locator('#field-donor_code-error')).toContainText('Код донора');
  await expect(page.locator('#field-consent-error')).toContainText('согласия');
  // What was typed is still there (never the password).
  await expect(page.getByLabel('Электронная почта')).toHaveValue(typedEmail);
}
