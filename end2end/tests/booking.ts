import { expect, type Page, type TestInfo } from '@playwright/test';
import { registerConfirmAndLogIn, uniqueEmail } from './accounts';
import { expectHydrated } from './helpers';

// The demo planner made by `demo-data` (playwright.config.ts runs it before serving).
export const PLANNER = { email: 'planner@demo.donor.local', password: 'demo-planner-passphrase' };
export const REGISTRAR = { email: 'registrar@demo.donor.local', password: 'demo-registrar-passphrase' };
export const ADMIN = { email: 'admin@demo.donor.local', password: 'demo-admin-passphrase' };

/** Logs a staff member in on the login page; they land on their area. */
export async function staffLogIn(page: Page, who: { email: string; password: string }, lands: RegExp) {
  await page.goto('/login');
  await page.getByLabel('Электронная почта').fill(who.email);
  await page.getByLabel('Пароль').fill(who.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(lands);
}

/** A day `offset` days ahead as the planner's date input wants it, and as pages show it. */
export function dayAhead(offset: number): { iso: string; shown: string } {
  const iso = new Date(Date.now() + offset * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const [y, m, d] = iso.split('-');
  return { iso, shown: `${d}.${m}.${y}` };
}

/** The demo planner logs in and creates a cell on `iso` ([`createCell`]). */
export async function plannerCreatesCell(page: Page, iso: string) {
  await page.goto('/login');
  await page.getByLabel('Электронная почта').fill(PLANNER.email);
  await page.getByLabel('Пароль').fill(PLANNER.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/staff\/planning$/);
  await createCell(page, iso);
  await page.context().clearCookies();
}

/** On the planning page: an erythrocytes cell on `iso` needing two A(II) Rh+ donors, 09:00–10:00. */
export async function createCell(page: Page, iso: string) {
  const form = page.getByTestId('new-cell');
  await form.getByLabel('Дата').fill(iso);
  await form.getByRole('radio', { name: 'Эритроциты' }).check();
  await form.getByLabel('Первое время').fill('09:00');
  await form.getByLabel('Последнее время').fill('10:00');
  await form.getByLabel('A(II) Rh+').fill('2');
  await form.getByRole('button', { name: 'Создать ячейку' }).click();
  await expect(page.getByText('Ячейка создана.')).toBeVisible();
}

/** The cabinet's card of the cell on that day. */
export function cellOn(page: Page, shown: string) {
  return page.locator('.cabinet-cells section.day').filter({ hasText: shown }).getByTestId('cell-card');
}

/** A new donor with a pending booking of the first fitting demo cell, cabinet open:
 *  their address and the booking's day (YYYY-MM-DD). */
export async function donorWithPendingBookingOn(page: Page, info: TestInfo): Promise<{ email: string; date: string }> {
  const email = uniqueEmail(info);
  await registerConfirmAndLogIn(page, email);
  // The same server function the dialog uses.
  const view = await (await page.request.post('/api/open_cells', { form: {} })).json();
  const cell = view.cells.find((c: any) => c.needed.some((n: any) => n.group === 'A' && n.rh === 'Positive'));
  const time = cell.times[0].start.slice(0, 5);
  const booked = await page.request.post('/api/book', { form: { cell_id: String(cell.id), time, confirmed: 'on' } });
  expect(booked.status()).toBe(200);
  await page.goto('/cabinet');
  await expectHydrated(page);
  await expect(page.getByTestId('booking').first().getByTestId('booking-status')).toHaveText('На утверждении');
  return { email, date: cell.date };
}

/** As [`donorWithPendingBookingOn`], the address only. */
export async function donorWithPendingBooking(page: Page, info: TestInfo): Promise<string> {
  return (await donorWithPendingBookingOn(page, info)).email;
}
