// Go-live's "done when": on a fresh database with no demo data, an admin created from the CLI
// sets the centre up, the planner opens a cell, a donor books it, the registrar approves it and
// marks the donation the next morning; the donor may book again as R5 says, and a booking left
// pending past its time blocks nobody. Its own server, with the clock it reads from a file.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from './fixtures';
import { type Browser, type Page } from '@playwright/test';
import { PASSWORD, registerConfirmAndLogIn, uniqueEmail } from './accounts';
import { createCell, dayAhead, staffLogIn } from './booking';
import { expectAccessible, expectHydrated, expectNoHorizontalScroll } from './helpers';

const root = resolve(__dirname, '../..');
const binary = resolve(root, process.env.E2E_SERVER_BIN ?? 'target/release/donor-booking');

type Fresh = { url: string; env: NodeJS.ProcessEnv; clock: string; child: ChildProcess };

async function freshServer(port: number): Promise<Fresh> {
  const dir = mkdtempSync(join(tmpdir(), 'donor-fresh-'));
  const url = `http://127.0.0.1:${port}`;
  const clock = join(dir, 'clock');
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${dir}/fresh.db`,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    PUBLIC_URL: url,
    MAIL_DIR: process.env.E2E_MAIL_DIR,
    TEST_CLOCK_FILE: clock,
    LOG_LEVEL: 'warn',
  };
  const child = spawn(binary, ['serve'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, env, clock, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill();
  throw new Error(`the fresh server on ${url} did not start`);
}

/** Moves the server's clock to `hh:mm` Moscow time on `iso` (YYYY-MM-DD). */
function setClock(fresh: Fresh, iso: string, hhmm: string) {
  writeFileSync(fresh.clock, new Date(`${iso}T${hhmm}:00+03:00`).toISOString());
}

async function newPage(browser: Browser, fresh: Fresh, viewport: any): Promise<Page> {
  const context = await browser.newContext({ baseURL: fresh.url, locale: 'ru-RU', viewport });
  return context.newPage();
}

/** A staff member's first login: they must choose their own password, then reach their area. */
async function firstLogin(page: Page, email: string, handedOver: string, own: string, home: RegExp) {
  await staffLogIn(page, { email, password: handedOver }, /\/staff\/password\?required=1$/);
  await expect(page.getByTestId('password-required')).toBeVisible();
  await page.getByLabel('Текущий пароль').fill(handedOver);
  await page.getByLabel('Новый пароль').fill(own);
  await page.getByLabel('Повторите пароль').fill(own);
  await page.getByRole('button', { name: 'Сменить пароль' }).click();
  await expect(page.getByTestId('password-changed')).toBeVisible();
  await page.getByTestId('password-changed').getByRole('link').click();
  await expect(page).toHaveURL(home);
}

test('a centre goes live on an empty database and runs its first days', async ({ browser }, info) => {
  test.setTimeout(180_000);
  const viewport = info.project.use.viewport;
  const fresh = await freshServer(Number(process.env.E2E_PORT ?? 3210) + (info.project.name === 'phone' ? 11 : 10));
  try {
    const admin = { email: 'head@fresh.centre', password: 'head-of-centre-phrase-1' };
    execFileSync(binary, ['staff', 'add', '--email', admin.email, '--role', 'admin'], {
      cwd: root,
      env: fresh.env,
      input: `${admin.password}\n`,
    });

    // The admin: a place, then a planner and a registrar with first passwords handed over.
    const head = await newPage(browser, fresh, viewport);
    await staffLogIn(head, admin, /\/staff\/admin$/);
    await expectHydrated(head);
    await head.getByTestId('admin-areas').getByRole('link', { name: 'Места донации' }).click();
    await expect(head).toHaveURL(/\/staff\/places$/);
    await expectHydrated(head);
    const place = head.getByTestId('new-place');
    await place.getByLabel('Название').fill('Центр крови на Донорской');
    await place.getByLabel('Адрес').fill('ул. Донорская, 1');
    await place.getByLabel('Часы работы').fill('пн–пт 8:00–14:00');
    await place.getByRole('button', { name: 'Добавить место' }).click();
    await expect(head.getByTestId('place').filter({ hasText: 'Центр крови на Донорской' })).toBeVisible();

    const first = 'handed-over-phrase-1';
    const staff = [
      { email: 'plan@fresh.centre', role: 'Планировщик', own: 'planner-own-phrase-2', home: /\/staff\/planning$/ },
      { email: 'desk@fresh.centre', role: 'Регистратор', own: 'registrar-own-phrase-2', home: /\/staff\/moderation$/ },
    ];
    await head.goto('/staff/admin');
    await expectHydrated(head);
    for (const s of staff) {
      await head.getByLabel('Электронная почта').fill(s.email);
      await head.getByRole('group', { name: 'Роль' }).getByRole('radio', { name: s.role }).check();
      await head.getByLabel('Пароль', { exact: true }).fill(first);
      await head.getByLabel('Повторите пароль').fill(first);
      await head.getByRole('button', { name: 'Добавить', exact: true }).click();
      await expect(head.getByTestId('staff-list')).toContainText(s.email);
    }

    // The planner chooses a password and opens a cell in two days, 09:00–10:00.
    const { iso, shown } = dayAhead(2);
    const planner = await newPage(browser, fresh, viewport);
    await firstLogin(planner, staff[0].email, first, staff[0].own, staff[0].home);
    await expectHydrated(planner);
    await createCell(planner, iso);
    // And a later one, to see who may book after the first day.
    const later = dayAhead(5);
    await planner.reload();
    await expectHydrated(planner);
    await createCell(planner, later.iso);

    // A visitor of the public page sees both cells, and the hydrated page asks the server
    // for nothing it has just rendered (the stream's `ready` says the list is current).
    const visitor = await newPage(browser, fresh, viewport);
    const calls: string[] = [];
    visitor.on('request', (r) => {
      if (r.url().includes('/api/')) calls.push(r.url());
    });
    const stream = visitor.waitForResponse((r) => r.url().includes('/events?since='));
    // A change less than a second before a page's render counts as unseen (instances' clocks
    // may differ that much): the planner's last cell is older than that.
    await visitor.waitForTimeout(1_200);
    await visitor.goto('/');
    await expectHydrated(visitor);
    await stream;
    await expect(visitor.getByTestId('cell-card')).toHaveCount(2);
    await visitor.waitForTimeout(1_000);
    expect(calls).toEqual([]);

    // Two donors book the first day: one will be approved, the other left pending.
    const donor = await newPage(browser, fresh, viewport);
    const donorEmail = uniqueEmail(info);
    await registerConfirmAndLogIn(donor, donorEmail);
    await bookFirstTime(donor, shown, /^09:00/);
    const waiting = await newPage(browser, fresh, viewport);
    const waitingEmail = uniqueEmail(info);
    await registerConfirmAndLogIn(waiting, waitingEmail);
    await bookFirstTime(waiting, shown, /^09:30/);

    // The registrar chooses a password and approves the first donor's booking.
    const desk = await newPage(browser, fresh, viewport);
    await firstLogin(desk, staff[1].email, first, staff[1].own, staff[1].home);
    await expectHydrated(desk);
    await desk.getByTestId('queue-item').filter({ hasText: donorEmail }).getByRole('button', { name: 'Подтвердить' }).click();
    await expect(donor.getByTestId('booking').first().getByTestId('booking-status')).toHaveText('Подтверждена', { timeout: 3_000 });

    // The next morning. Every session has idled out overnight: people log in again.
    const nextMorning = dayAhead(3).iso;
    setClock(fresh, nextMorning, '08:30');
    await staffLogIn(desk, { email: staff[1].email, password: staff[1].own }, /\/staff\/moderation$/);
    await desk.goto(`/staff/reception?date=${iso}`);
    await expectHydrated(desk);
    const row = desk.getByTestId('reception-row').filter({ hasText: donorEmail });
    await expect(row.locator('.status-badge')).toHaveText('Подтверждена');
    await expect(desk.getByTestId('reception-row').filter({ hasText: waitingEmail })).toContainText('Не рассмотрена');
    await row.getByRole('button', { name: 'Донация состоялась' }).click();
    await expect(row).toHaveAttribute('data-status', 'donated');
    await expect(row.locator('.status-badge')).toHaveText('Донация состоялась');
    await expectAccessible(desk);
    await expectNoHorizontalScroll(desk);
    const csv = await desk.request.get(`/staff/reception.csv?date=${iso}`);
    expect(csv.status()).toBe(200);
    expect((await csv.body()).subarray(3).toString('utf-8')).toContain(`${donorEmail};A(II) Rh+ K−`);
    await desk.emulateMedia({ media: 'print' });
    await expect(desk.locator('.site-header')).toBeHidden();
    await expect(row).toBeVisible();

    // The donor who gave blood: the visit is on record, and R5 keeps the later cell closed for now.
    await relogIn(donor, donorEmail);
    await expect(donor.getByTestId('booking').first().getByTestId('booking-status')).toHaveText('Донация состоялась');
    const laterForDonor = donor.locator('.cabinet-cells section.day').filter({ hasText: later.shown }).getByTestId('cell-card');
    await expect(laterForDonor.getByRole('button', { name: 'Записаться' })).toBeDisabled();
    await expect(donor.getByTestId('booking-blocked')).toContainText(/после последней донации — с \d{2}\.\d{2}\.\d{4}/);

    // The donor nobody answered: «Не рассмотрена», and free to book the later cell.
    await relogIn(waiting, waitingEmail);
    await expect(waiting.getByTestId('booking').first().getByTestId('booking-status')).toHaveText('Не рассмотрена');
    await expect(waiting.getByTestId('booking-blocked')).toHaveCount(0);
    const laterForWaiting = waiting.locator('.cabinet-cells section.day').filter({ hasText: later.shown }).getByTestId('cell-card');
    await expect(laterForWaiting.getByRole('link', { name: 'Записаться' })).toBeVisible();
  } finally {
    fresh.child.kill();
  }
});

/** Books the first cell of the day `shown` through the dialog at the time matching `time`. */
async function bookFirstTime(page: Page, shown: string, time: RegExp) {
  await expectHydrated(page);
  const card = page.locator('.cabinet-cells section.day').filter({ hasText: shown }).getByTestId('cell-card');
  await card.getByRole('link', { name: 'Записаться' }).click();
  const dialog = page.getByRole('dialog', { name: 'Запись на донацию' });
  await dialog.getByRole('radio', { name: time }).check();
  await dialog.getByRole('button', { name: 'Подтвердить выбор записи' }).click();
  await dialog.getByRole('checkbox', { name: 'Подтверждаю запись' }).check();
  await dialog.getByRole('button', { name: 'Подтвердить', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('booking').first().getByTestId('booking-status')).toHaveText('На утверждении');
}

async function relogIn(page: Page, email: string) {
  await page.goto('/login?next=/cabinet');
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/cabinet$/);
  await expectHydrated(page);
}
