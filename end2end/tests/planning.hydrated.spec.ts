import { expect, test } from './fixtures';
import { expectAccessible, expectHydrated } from './helpers';

// The demo planner made by `demo-data` (playwright.config.ts runs it before serving).
const PLANNER = { email: 'planner@demo.donor.local', password: 'demo-planner-passphrase' };

test('a planner creates a cell from needs and it appears on the public page', async ({ page }, info) => {
  await page.goto('/login');
  await expectHydrated(page);
  await page.getByLabel('Электронная почта').fill(PLANNER.email);
  await page.getByLabel('Пароль').fill(PLANNER.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/staff\/planning$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Планирование' })).toBeVisible();
  await expectAccessible(page);

  // A day far enough ahead that the demo data has no platelets there (distinct per project).
  const offset = info.project.name === 'phone' ? 45 : 44;
  const day = new Date(Date.now() + offset * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const form = page.getByTestId('new-cell');
  await form.getByLabel('Дата').fill(day);
  await form.getByRole('radio', { name: 'Тромбоциты' }).check();
  await form.getByLabel('Первое время').fill('09:00');
  await form.getByLabel('Последнее время').fill('10:00');
  await form.getByLabel('0(I) Rh−').fill('3');
  await form.getByRole('button', { name: 'Создать ячейку' }).click();
  await expect(page.getByText('Ячейка создана.')).toBeVisible();

  const [y, m, d] = day.split('-');
  const shown = `${d}.${m}.${y}`;
  await expect(page.getByTestId('planned-cell').filter({ hasText: shown })).toContainText('0 / 3');

  await page.goto('/?type=platelets');
  const section = page.locator('section.day').filter({ hasText: shown });
  await expect(section.locator('.cell-card')).toHaveCount(1);
  await expect(section.locator('.group-badge')).toHaveText(['0(I) Rh−']);

  // Closed, it leaves the public page; opened again, it is back.
  await page.goto('/staff/planning');
  await expectHydrated(page);
  const card = page.getByTestId('planned-cell').filter({ hasText: shown });
  await card.getByRole('button', { name: 'Закрыть ячейку' }).click();
  await expect(card.getByTestId('reopen-cell')).toBeVisible();
  await page.goto('/?type=platelets');
  await expect(page.locator('section.day').filter({ hasText: shown }).locator('.cell-card')).toHaveCount(0);
  await page.goto('/staff/planning');
  await expectHydrated(page);
  await card.getByTestId('reopen-cell').click();
  await expect(card.getByRole('button', { name: 'Закрыть ячейку' })).toBeVisible();
  await page.goto('/?type=platelets');
  await expect(section.locator('.cell-card')).toHaveCount(1);
});
