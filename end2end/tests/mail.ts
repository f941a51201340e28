import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The text part of an .eml file written by the server's file transport. */
function textPart(raw: string): string {
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  for (const part of parts) {
    const [head, ...rest] = part.split(/\r?\n\r?\n/);
    if (!/content-type:\s*text\/plain/i.test(head)) continue;
    const body = rest.join('\n\n');
    if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) {
      const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    }
    return body;
  }
  return '';
}

/** Waits for a message to `to` whose text contains `needle`, and returns the first link containing it. */
export async function linkFromMail(to: string, needle: string, timeoutMs = 15_000): Promise<string> {
  const dir = process.env.E2E_MAIL_DIR!;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().reverse();
    } catch {
      // not created yet
    }
    for (const file of files) {
      const raw = readFileSync(join(dir, file), 'utf8');
      if (!raw.toLowerCase().includes(`to: ${to}`.toLowerCase())) continue;
      const link = textPart(raw).split(/\s+/).find((w) => w.startsWith('http') && w.includes(needle));
      if (link) return link;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail to ${to} with ${needle} in ${dir}`);
}

/** Waits for a message to `to` whose raw text contains every one of `needles`; returns it raw. */
export async function rawMailWith(to: string, needles: string[], timeoutMs = 15_000): Promise<string> {
  const dir = process.env.E2E_MAIL_DIR!;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    } catch {
      // not created yet
    }
    for (const file of files) {
      const raw = readFileSync(join(dir, file), 'utf8');
      if (!raw.toLowerCase().includes(`to: ${to}`.toLowerCase())) continue;
      if (needles.every((n) => raw.includes(n))) return raw;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail to ${to} with ${needles.join(', ')} in ${dir}`);
}
