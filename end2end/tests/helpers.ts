import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** Effects run only in the browser: this attribute proves the WASM client hydrated the page. */
export async function expectHydrated(page: Page) {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 30_000 });
}

/** An axe-core scan (WCAG 2.x A and AA) with no violations; failures list rule and nodes. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary).toEqual([]);
}

/** Nothing sticks out sideways at this viewport (the phone layout holds at 390 px). */
export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** The donation types shown on the visible cell cards. */
export async function shownTypes(page: Page): Promise<string[]> {
  return page.locator('.cell-card .type-badge').allTextContents();
}
