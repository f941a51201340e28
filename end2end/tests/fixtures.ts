import { test as base } from '@playwright/test';

/** Every test records the page's console errors and uncaught exceptions and prints them when it fails. */
export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [
    async ({ page }, use, info) => {
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('requestfailed', (r) => errors.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
      await use(errors);
      if (info.status !== info.expectedStatus && errors.length > 0) {
        console.log(`[${info.project.name}] ${info.title}\n  ${errors.join('\n  ')}`);
      }
    },
    { auto: true },
  ],
});

export { expect } from '@playwright/test';
