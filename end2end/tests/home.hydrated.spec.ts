import { expect, test } from './fixtures';
import { expectHydrated, expectNoHorizontalScroll, shownTypes } from './helpers';

test('the public page hydrates and shows open cells with the groups they need', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  await expect(page.getByRole('heading', { level: 1, name: 'Запись на донацию' })).toBeVisible();
  await expectHydrated(page);
  const cards = page.locator('.cell-card');
  expect(await cards.count()).toBeGreaterThan(3);
  await expect(cards.first().locator('.group-badge').first()).toHaveText(/^(0\(I\)|A\(II\)|B\(III\)|AB\(IV\)) Rh[+−]/);
  await expectNoHorizontalScroll(page);
});

test('the type filter shows one type, marks its chip and keeps the list live', async ({ page }) => {
  await page.goto('/');
  await expectHydrated(page);
  const before = await shownTypes(page);
  expect(new Set(before).size).toBeGreaterThan(1);

  // The chips are plain links (the page is server-rendered; its list is an island).
  await page.getByRole('navigation', { name: 'Вид донации' }).getByRole('link', { name: 'Плазма' }).click();
  await expect(page).toHaveURL(/\?type=plasma$/);
  await expectHydrated(page);
  await expect(page.getByRole('link', { name: 'Плазма' })).toHaveAttribute('aria-current', 'page');
  const after = await shownTypes(page);
  expect(after.length).toBeGreaterThan(0);
  expect(after.every((t) => t === 'Плазма')).toBe(true);

  // Back to all: as many cards as the server has open cells now (other tests book and plan
  // meanwhile, and the page follows them live).
  await page.getByRole('link', { name: 'Все' }).click();
  await expect
    .poll(async () => {
      const open = (await (await page.request.post('/api/open_cells', { form: {} })).json()).cells.length;
      return (await shownTypes(page)).length === open;
    })
    .toBe(true);
});

test('the language switch turns the page English and the choice persists', async ({ page }) => {
  await page.goto('/?type=plasma');
  await expectHydrated(page);
  await page.getByRole('link', { name: 'EN' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page).toHaveURL(/\?type=plasma$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Book a donation' })).toBeVisible();
  await expectHydrated(page);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Book a donation' })).toBeVisible();
  await page.getByRole('link', { name: 'RU' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
});

test('an unknown address shows the 404 page', async ({ page }) => {
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Страница не найдена' })).toBeVisible();
  await expectHydrated(page);
  await page.getByRole('link', { name: 'На главную' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Запись на донацию' })).toBeVisible();
});

test('the content security policy is enforced and does not block hydration', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toContain("'wasm-unsafe-eval'");
  await expectHydrated(page);
  expect(violations).toEqual([]);

  // A script without this response's nonce does not run.
  await page.addScriptTag({ content: 'window.injected = true;' }).catch(() => undefined);
  expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
  expect(violations.length).toBeGreaterThan(0);
});
