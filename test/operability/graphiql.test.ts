import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, login } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The offline GraphiQL in a real headless Chromium (Debian's `chromium`; `.ci/run` installs it).
 * Production mode, so introspection needs the token the user pastes into the headers editor.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = path.resolve('test-artifacts/graphiql.png');
const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing && !process.env.CI) {
  process.stdout.write(`graphiql.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium; CI=true fails instead)\n`);
}
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

let app: TestApp;
let profile: string;
let browser: BrowserContext;
let token: string;
let analystName: string;

describe.skipIf(chromiumMissing && !process.env.CI)('GraphiQL in headless Chromium', () => {
  beforeAll(async () => {
    if (chromiumMissing) throw new Error(`CI needs Chromium at ${CHROMIUM}: .ci/run installs it with apt-get install -y chromium`);
    app = await createTestApp({ NODE_ENV: 'production' });
    const org = await createOrganization(app.admin, 'graphiql');
    token = (await login(app, org.users.ANALYST.email)).accessToken;
    analystName = 'ANALYST of graphiql';
    profile = await mkdtemp(path.join(tmpdir(), 'graphiql-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1400, height: 900 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await app?.close();
  });

  /** Replaces a CodeMirror editor's text the way a user does: click, select all, type (pasted, so no auto-closed brackets). */
  async function replaceEditorText(page: Page, editor: string, text: string) {
    await page.locator(`${editor} .CodeMirror-lines`).click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(text);
  }

  it('loads with no request leaving localhost, runs a signed-in query and shows its data', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(8000);
    try {
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('websocket', (socket) => requested.push(socket.url()));
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });

    const response = await page.goto(app.api.url, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/text\/html/);
    await page.locator('.graphiql-container').waitFor();

    await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
    await replaceEditorText(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden)', JSON.stringify({ Authorization: `Bearer ${token}` }));
    await replaceEditorText(page, '.graphiql-query-editor', 'query Me {\n  me {\n    displayName\n    email\n  }\n}');
    // The tab takes the operation's name once GraphiQL has parsed the new text: only then is Execute a plain button.
    await page.locator('.graphiql-tab-active').filter({ hasText: 'Me' }).waitFor();
    await page.locator('.graphiql-execute-button').click();
    await page.locator('.graphiql-response').filter({ hasText: analystName }).waitFor();

    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    process.stdout.write(`GraphiQL screenshot: ${SCREENSHOT}\n`);

    expect(requested.length).toBeGreaterThan(0);
    const leaving = requested.filter((url) => !url.startsWith('data:') && !LOCAL_HOSTS.has(new URL(url).hostname));
    expect(leaving).toEqual([]);
    expect(cspViolations).toEqual([]);
    await page.close();
    } catch (e) { await page.screenshot({ path: '/tmp/h17/fail.png' }); console.log(requested); throw e; }
  });
});
