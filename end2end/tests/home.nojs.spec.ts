import { expect, test } from './fixtures';
import { expectNoHorizontalScroll, shownTypes } from './helpers';

test('without JavaScript the page still shows every open cell', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Запись на донацию' })).toBeVisible();
  expect(await page.locator('.cell-card').count()).toBeGreaterThan(3);
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
  await expectNoHorizontalScroll(page);
});

test('without JavaScript the filter works as plain links', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Тромбоциты' }).click();
  await expect(page).toHaveURL(/\?type=platelets$/);
  const types = await shownTypes(page);
  expect(types.length).toBeGreaterThan(0);
  expect(types.every((t) => t === 'Тромбоциты')).toBe(true);
});

test('without JavaScript the language switch works', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'EN' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1, name: 'Book a donation' })).toBeVisible();
});
