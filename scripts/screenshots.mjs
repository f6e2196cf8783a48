#!/usr/bin/env node
// `npm run screenshots`: regenerates the README's two console screenshots (docs/console-overview.png
// at 1280×800 and docs/console-mobile.png at 375 px wide) from a real `imstats serve --demo` on a
// fresh SQLite file, signed in with the console token the demo start prints, in Debian's chromium
// driven by playwright-core (no browser download; IMSTATS_CHROMIUM names another binary).
// Needs a build (`npm run screenshots` builds first). The server is stopped and the file removed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'docs');
const CHROMIUM = process.env.IMSTATS_CHROMIUM ?? '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
/** What each committed picture may weigh at most, so the repository stays small. */
const MAX_BYTES = 150 * 1024;

if (!existsSync(CHROMIUM)) {
  console.error(`no chromium at ${CHROMIUM}: apt-get install -y chromium (or set IMSTATS_CHROMIUM)`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'imstats-screenshots-'));
const server = spawn(process.execPath, [join(ROOT, 'bin', 'imstats.js'), 'serve', '--demo', '--host', '127.0.0.1', '--port', '0', '--db', `sqlite:${join(work, 'demo.db')}`], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, IMSTATS_DB: '', IMSTATS_PORT: '' },
});
let browser;
try {
  const { consoleUrl, token } = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.setEncoding('utf8').on('data', (text) => {
      out += text;
      const url = /^console:\s+(\S+)$/m.exec(out)?.[1];
      const tok = /^token:\s+(\S+)$/m.exec(out)?.[1];
      if (url && tok) resolve({ consoleUrl: url, token: tok });
    });
    server.once('exit', (code) => reject(new Error(`imstats serve --demo exited (${code}) before printing the console URL and token`)));
  });

  browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, colorScheme: 'light' })).newPage();
  /** Runs `action` and waits until the console has finished the render it caused (main[data-rendered] changed, not busy). */
  const settled = async (action) => {
    const before = await page.evaluate(() => document.querySelector('main')?.dataset.rendered ?? null);
    await action();
    await page.waitForFunction((b) => {
      const main = document.querySelector('main');
      return main !== null && main.dataset.rendered !== undefined && main.dataset.rendered !== b && !main.hasAttribute('aria-busy');
    }, before);
  };

  await settled(() => page.goto(consoleUrl));
  await page.getByLabel('Token').fill(token);
  await settled(() => page.getByRole('button', { name: 'Sign in' }).click());
  // An app-scoped token may land on the app list first (one entry): open the demo app's overview.
  const appLink = page.getByRole('link', { name: 'imstats demo' });
  if ((await page.locator('#tiles').count()) === 0 && (await appLink.count()) > 0) await settled(() => appLink.first().click());
  await page.locator('#tiles').waitFor();

  mkdirSync(OUT, { recursive: true });
  const shots = [
    ['console-overview.png', { width: 1280, height: 800 }],
    ['console-mobile.png', { width: 375, height: 740 }],
  ];
  for (const [name, viewport] of shots) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const path = join(OUT, name);
    await page.screenshot({ path, fullPage: false });
    const bytes = statSync(path).size;
    console.log(`${path}: ${viewport.width}×${viewport.height}, ${Math.round(bytes / 1024)} KB`);
    if (bytes > MAX_BYTES) console.error(`warning: ${name} is over ${MAX_BYTES / 1024} KB`);
  }
} finally {
  await browser?.close();
  server.kill('SIGTERM');
  await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
  rmSync(work, { recursive: true, force: true });
}
