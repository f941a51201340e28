import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { dayAhead, PLANNER, staffLogIn } from './booking';
import { expectAccessible, expectHydrated } from './helpers';

async function loginPlanner(page: Page) {
  await staffLogIn(page, PLANNER, /\/staff\/planning$/);
  await expectHydrated(page);
}

// Far enough ahead that demo data has no cells there, and distinct per project.
const base = (project: string) => (project === 'phone' ? 120 : 100);

test('a planner copies a week after a preview, and edits a time grid', async ({ page }, info) => {
  await loginPlanner(page);
  const from = dayAhead(base(info.project.name));
  const to = dayAhead(base(info.project.name) + 7);

  const form = page.getByTestId('new-cell');
  await form.getByLabel('Дата').fill(from.iso);
  await form.getByRole('radio', { name: 'Тромбоциты' }).check();
  await form.getByLabel('Первое время').fill('09:00');
  await form.getByLabel('Последнее время').fill('09:30');
  await form.getByLabel('0(I) Rh−').fill('10');
  await form.getByRole('button', { name: 'Создать ячейку' }).click();
  await expect(page.getByText('Ячейка создана.')).toBeVisible();

  // 09:00–09:30 every 15 minutes: 3 times × 2 places for 10 donors: the card says how far apart they are.
  const card = page.getByTestId('planned-cell').filter({ hasText: from.shown });
  await expect(card.getByTestId('places-mismatch')).toHaveText('Мест 6, а нужно доноров 10: ещё 4 донорам записаться некуда.');

  // A time is added with its own places; the warning follows.
  await card.getByRole('button', { name: 'Сетка времени (3)' }).click();
  const add = card.getByTestId('add-time');
  await add.getByLabel('Добавить время').fill('10:00');
  await add.getByLabel('Мест').fill('4');
  await add.getByRole('button', { name: 'Добавить время' }).click();
  await expect(card.getByRole('button', { name: 'Сетка времени (4)' })).toHaveAttribute('aria-expanded', 'true');
  await expect(card.getByTestId('places-mismatch')).toHaveCount(0);

  // The week is copied after a preview.
  const copy = page.getByTestId('copy-days');
  await copy.getByLabel('Копировать, начиная с').fill(from.iso);
  await copy.getByLabel('На даты, начиная с').fill(to.iso);
  await copy.getByRole('radio', { name: 'Неделю (7 дней)' }).check();
  await copy.getByRole('button', { name: 'Показать, что будет скопировано' }).click();
  const plan = copy.getByTestId('copy-plan');
  await expect(plan.locator('li')).toHaveCount(1);
  await expect(plan).toContainText('будет создана');
  await expect(plan).toContainText('времён 4, мест 10, нужно доноров 10');
  await expectAccessible(page);
  await copy.getByTestId('copy-confirm').click();
  await expect(copy.getByTestId('copy-done')).toHaveText('Скопировано ячеек: 1.');
  const copied = page.getByTestId('planned-cell').filter({ hasText: to.shown });
  await expect(copied).toContainText('0 / 10');
  await expect(copied.getByRole('button', { name: 'Сетка времени (4)' })).toHaveAttribute('aria-expanded', 'false');
});

test('the needs dashboard shows each group gap and follows changes live', async ({ page, context }, info) => {
  await loginPlanner(page);
  const { iso: day, shown: dayShown } = dayAhead(base(info.project.name) + 40);
  const form = page.getByTestId('new-cell');
  await form.getByLabel('Дата').fill(day);
  await form.getByRole('radio', { name: 'Плазма' }).check();
  await form.getByLabel('AB(IV) Rh−').fill('4');
  await form.getByRole('button', { name: 'Создать ячейку' }).click();
  await expect(page.getByText('Ячейка создана.')).toBeVisible();

  const board = await context.newPage();
  await board.goto(`/staff/needs?from=${day}&to=${day}`);
  await expectHydrated(board);
  await expect(board.getByRole('heading', { level: 1, name: 'Потребность и записи' })).toBeVisible();
  const row = board.getByTestId('needs-table').locator('tr[data-group="AB(IV) Rh−"]');
  await expect(row.locator('td')).toHaveText(['4', '0', '0', '0', '4']);
  await expect(board.getByTestId('needs-unmet')).toHaveText('Не хватает доноров: 4.');
  await expect(board.getByTestId('needs-chart').getByRole('img')).toHaveCount(1);
  await expect(board.getByTestId('needs-csv')).toHaveAttribute('href', `/staff/needs.csv?from=${day}&to=${day}`);
  await expectAccessible(board);

  // The planner raises the need in the other tab: the dashboard follows without a reload.
  const card = page.getByTestId('planned-cell').filter({ hasText: dayShown });
  await card.getByLabel('Нужно AB(IV) Rh−').fill('6');
  await card.getByRole('button', { name: 'Сохранить' }).first().click();
  await expect(row.locator('td').first()).toHaveText('6', { timeout: 10_000 });
  await expect(board.getByTestId('needs-unmet')).toHaveText('Не хватает доноров: 6.');

  // The CSV is a real download.
  const download = board.waitForEvent('download');
  await board.getByTestId('needs-csv').click();
  expect((await download).suggestedFilename()).toBe(`needs-${day}-${day}.csv`);
});
