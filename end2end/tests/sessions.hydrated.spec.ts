import { expect, test } from './fixtures';
import { ADMIN, staffLogIn } from './booking';
import { PASSWORD, registerConfirmAndLogIn, uniqueEmail } from './accounts';
import { expectAccessible, expectHydrated, expectNoHorizontalScroll } from './helpers';

test('an open cabinet whose session ends says so in place, and login returns to it', async ({ page, context }, info) => {
  const email = uniqueEmail(info);
  await registerConfirmAndLogIn(page, email);
  await expectHydrated(page);

  // The same session logs out in another tab.
  const other = await context.newPage();
  await other.goto('/cabinet');
  await expectHydrated(other);
  await other.getByRole('button', { name: 'Выйти' }).click();
  await expect(other).toHaveURL(/\/$/);

  const notice = page.getByTestId('session-ended');
  await expect(notice).toContainText('Сеанс завершён — войдите снова', { timeout: 5_000 });
  await expect(page).toHaveURL(/\/cabinet$/); // no silent jump
  await expect(page.getByTestId('profile')).toHaveCount(0); // the donor's data is no longer shown
  await expect(page.getByRole('link', { name: 'Вход' })).toBeVisible(); // the header knows too
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  await notice.getByRole('link', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/login\?next=\/cabinet$/);
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/cabinet$/);
  await expect(page.getByTestId('profile')).toContainText(email);
});

test('a registrar disabled by an admin sees the open queue end at once', async ({ page, browser }, info) => {
  // A registrar of this test only: the admin adds them, they choose their own password.
  const email = uniqueEmail(info).replace('e2e.', 'desk.');
  const first = 'first-handover-phrase-1';
  const own = 'my-own-registrar-phrase-2';
  await staffLogIn(page, ADMIN, /\/staff\/admin$/);
  const added = await page.request.post('/api/add_staff', {
    form: { email, role: 'registrar', password: first, password_confirmation: first },
  });
  expect(added.status()).toBe(200);

  const staff = await browser.newContext({ baseURL: info.project.use.baseURL, locale: 'ru-RU', viewport: info.project.use.viewport });
  const desk = await staff.newPage();
  await staffLogIn(desk, { email, password: first }, /\/staff\/password\?required=1$/);
  await desk.getByLabel('Текущий пароль').fill(first);
  await desk.getByLabel('Новый пароль').fill(own);
  await desk.getByLabel('Повторите пароль').fill(own);
  await desk.getByRole('button', { name: 'Сменить пароль' }).click();
  await expect(desk.getByTestId('password-changed')).toBeVisible();
  await desk.goto('/staff/moderation?status=approved');
  await expectHydrated(desk);
  await expect(desk.getByTestId('queue-filters')).toBeVisible();

  await page.goto('/staff/admin');
  await expectHydrated(page);
  await page.getByRole('button', { name: new RegExp(`Отключить ${email.replace(/[.+]/g, '\\$&')}`) }).click();
  const notice = desk.getByTestId('session-ended');
  await expect(notice).toContainText('Сеанс завершён — войдите снова', { timeout: 5_000 });
  await expect(desk.getByTestId('queue-filters')).toHaveCount(0);
  await expect(notice.getByRole('link', { name: 'Войти' })).toHaveAttribute(
    'href',
    '/login?next=/staff/moderation%3Fstatus%3Dapproved',
  );
  await staff.close();
});
