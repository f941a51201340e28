import { expect, test } from './fixtures';
import { registerConfirmAndLogIn, uniqueEmail } from './accounts';
import { expectAccessible, expectHydrated, expectNoHorizontalScroll } from './helpers';

test('a registrar finds a donor by part of the address and opens their page', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Электронная почта').fill('registrar@demo.donor.local');
  await page.getByLabel('Пароль').fill('demo-registrar-passphrase');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/staff\/moderation$/);
  await expectHydrated(page);
  await page.getByRole('link', { name: 'Доноры' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Доноры' })).toBeVisible();
  await page.getByLabel('Почта или код донора').fill('ab');
  await page.getByRole('button', { name: 'Найти' }).click();
  await expect(page.getByText('Введите не меньше трёх символов.')).toBeVisible();
  await page.getByLabel('Почта или код донора').fill('PLASMA-DONOR@');
  await page.getByRole('button', { name: 'Найти' }).click();
  const hits = page.getByTestId('donor-hits');
  await expect(hits.locator('li')).toHaveCount(1);
  await expectAccessible(page);
  await hits.getByRole('link', { name: 'plasma-donor@demo.donor.local' }).click();
  await expect(page.getByTestId('donor-email')).toHaveText('plasma-donor@demo.donor.local');
  // Gave plasma twelve days ago: the page says from when each type can be booked.
  await expect(page.getByTestId('donor-eligibility')).toContainText('Последняя донация');
  await expect(page.getByTestId('donor-eligibility').locator('[data-type="plasma"] dd')).toContainText(/с \d\d\.\d\d\.\d{4}|можно уже сейчас/);
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
});

test('a registrar books a caller on the phone and the caller sees it live in the cabinet', async ({ page, browser, baseURL }, info) => {
  const email = uniqueEmail(info);
  await registerConfirmAndLogIn(page, email);
  await expectHydrated(page);

  const staff = await browser.newContext({ baseURL, locale: 'ru-RU', viewport: { width: 1280, height: 860 } });
  const desk = await staff.newPage();
  await desk.goto('/login');
  await desk.getByLabel('Электронная почта').fill('registrar@demo.donor.local');
  await desk.getByLabel('Пароль').fill('demo-registrar-passphrase');
  await desk.getByRole('button', { name: 'Войти' }).click();
  await expect(desk).toHaveURL(/\/staff\/moderation$/);
  await desk.goto(`/staff/donors?q=${encodeURIComponent(email)}`);
  await desk.getByTestId('donor-hits').getByRole('link', { name: email }).click();
  await expect(desk.getByTestId('donor-email')).toHaveText(email);
  await expectHydrated(desk);
  const bookable = desk.getByTestId('caller-cells').locator('li:not(:has([data-testid="caller-refused"]))').first();
  await bookable.getByRole('button', { name: 'Записать' }).click();
  await expect(desk.getByTestId('caller-booked')).toBeVisible();
  await expect(desk.getByTestId('donor-bookings')).toContainText('На утверждении');
  await staff.close();

  // The donor's open cabinet shows the booking without a reload.
  await expect(page.getByTestId('booking-status').first()).toHaveText('На утверждении', { timeout: 15_000 });
});

test('a registrar registers a new caller without an e-mail address and books them', async ({ page }, info) => {
  await page.goto('/login');
  await page.getByLabel('Электронная почта').fill('registrar@demo.donor.local');
  await page.getByLabel('Пароль').fill('demo-registrar-passphrase');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/staff\/moderation$/);
  await page.goto('/staff/donors');
  await expectHydrated(page);
  await page.getByTestId('new-caller-link').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Новый донор по телефону' })).toBeVisible();

  // Refused without the consent: the summary names it, nothing is created.
  const form = page.getByTestId('new-caller');
  const code = `PH${info.project.name === 'phone' ? 1 : 2}${Date.now() % 100000}`;
  await form.getByLabel('Код донора').fill(code);
  await form.getByRole('radio', { name: 'A(II)' }).check();
  await form.getByRole('radio', { name: 'Rh+' }).check();
  await form.getByRole('radio', { name: 'K−' }).check();
  await form.getByRole('button', { name: 'Зарегистрировать донора' }).click();
  await expect(page.getByText('Без согласия донора на обработку персональных данных зарегистрировать его нельзя.')).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  await form.getByLabel(/Я прочитал\(а\) донору текст согласия/).check();
  await form.getByRole('button', { name: 'Зарегистрировать донора' }).click();
  await expect(page.getByTestId('caller-registered')).toBeVisible();
  await expect(page.getByTestId('donor-email')).toHaveText(`${code} (без электронной почты)`);
  await expectHydrated(page);
  const bookable = page.getByTestId('caller-cells').locator('li:not(:has([data-testid="caller-refused"]))').first();
  await bookable.getByRole('button', { name: 'Записать' }).click();
  await expect(page.getByTestId('caller-booked')).toBeVisible();
  await expect(page.getByTestId('donor-bookings')).toContainText('На утверждении');
});
