import { expect, test } from './fixtures';
import { expectAccessible, expectHydrated, expectNoHorizontalScroll } from './helpers';

// The demo donor who gave plasma twelve days ago (`demo-data`): R5's ten days have passed,
// but every donation type waits for the fourteen days after plasma (the centre's table).
const PLASMA_DONOR = { email: 'plasma-donor@demo.donor.local', password: 'demo-plasma-passphrase' };

/** A day in the centre's calendar (Moscow, UTC+3), `offset` days from today, as pages show it. */
function moscowDay(offset: number): string {
  const iso = new Date(Date.now() + 3 * 3600 * 1000 + offset * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

test('the cabinet shows the last donation, the day each type can be booked, and why cells are greyed', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Электронная почта').fill(PLASMA_DONOR.email);
  await page.getByLabel('Пароль').fill(PLASMA_DONOR.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/cabinet$/);
  await expectHydrated(page);

  const panel = page.getByTestId('eligibility');
  await expect(panel.getByRole('heading', { name: 'Когда можно сдавать' })).toBeVisible();
  await expect(panel.getByTestId('last-donation')).toHaveText(`${moscowDay(-12)}, Плазма`);
  const from = moscowDay(2);
  for (const type of ['Цельная кровь', 'Плазма', 'Тромбоциты', 'Эритроциты']) {
    await expect(panel.locator('div').filter({ has: page.getByText(type, { exact: true }) })).toContainText(`с ${from}`);
  }

  // Cells before that day are greyed with the rule and the day; none of them can be booked.
  const early = page.locator('.cabinet-cells section.day').filter({ hasText: moscowDay(1) }).getByTestId('cell-card');
  for (const card of await early.all()) {
    await expect(card).toHaveClass(/cell-card--unavailable/);
    await expect(card.getByRole('link', { name: 'Записаться' })).toHaveCount(0);
    // A cell that needs the donor's group says which rule and from when.
    if ((await card.getByText('A(II) Rh+', { exact: true }).count()) > 0) {
      await expect(card.getByTestId('cell-refused')).toContainText(`возможна с ${from}`);
      await expect(card.getByTestId('cell-refused')).toContainText('Плазма');
    }
  }
  // From that day on, a fitting cell can be booked again.
  await expect(page.getByRole('link', { name: 'Записаться' }).first()).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
});
