import { expect, type Page } from '@playwright/test';

// The demo planner made by `demo-data` (playwright.config.ts runs it before serving).
export const PLANNER = { email: 'planner@demo.donor.local', password: 'demo-planner-passphrase' };

/** A day `offset` days ahead as the planner's date input wants it, and as pages show it. */
export function dayAhead(offset: number): { iso: string; shown: string } {
  const iso = new Date(Date.now() + offset * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const [y, m, d] = iso.split('-');
  return { iso, shown: `${d}.${m}.${y}` };
}

/** The planner creates an erythrocytes cell needing two A(II) Rh+ donors, 09:00–10:00. */
export async function plannerCreatesCell(page: Page, iso: string) {
  await page.goto('/login');
  await page.getByLabel('Электронная почта').fill(PLANNER.email);
  await page.getByLabel('Пароль').fill(PLANNER.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/staff\/planning$/);
  const form = page.getByTestId('new-cell');
  await form.getByLabel('Дата').fill(iso);
  await form.getByRole('radio', { name: 'Эритроциты' }).check();
  await form.getByLabel('Первое время').fill('09:00');
  await form.getByLabel('Последнее время').fill('10:00');
  await form.getByLabel('A(II) Rh+').fill('2');
  await form.getByRole('button', { name: 'Создать ячейку' }).click();
  await expect(page.getByText('Ячейка создана.')).toBeVisible();
  await page.context().clearCookies();
}

/** The cabinet's card of the cell on that day. */
export function cellOn(page: Page, shown: string) {
  return page.locator('.cabinet-cells section.day').filter({ hasText: shown }).getByTestId('cell-card');
}
