// The profile form as a person uses it: the reference server on an ephemeral port of
// 127.0.0.1, its page and WebAssembly module built by web/build.sh, the system's
// headless Chromium driven by playwright-core. Run by web/test.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
let server;
let base;
let browser;
let database;
const folder = mkdtempSync(join(tmpdir(), 'enswitch-people-web-'));

before(async () => {
  database = join(folder, 'people.sqlite');
  server = spawn(join(root, 'target', 'debug', 'enswitch-people-server'), [
    '--address', '127.0.0.1:0', '--database', database, '--web', join(root, 'web', 'dist'),
    '--argon2-memory', '64', '--argon2-iterations', '1',
  ], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, RUST_LOG: 'warn' } });
  base = await new Promise((resolve, reject) => {
    server.stdout.on('data', (chunk) => {
      const match = /listening on (\S+)/.exec(chunk.toString());
      if (match) resolve(`http://${match[1]}`);
    });
    server.on('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGKILL');
  rmSync(folder, { recursive: true, force: true });
});

/** A fresh page that records every console error and page error. */
async function open() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(base);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, errors, context };
}

async function signIn(page, username) {
  await page.fill('#username', username);
  await page.fill('#password', `${username}-password`);
  await page.press('#password', 'Enter'); // keyboard only
  await page.waitForSelector('#editor:not([hidden])');
}

/** Opens the person with `id` (named `username`) in the editor. */
async function edit(page, id, username) {
  await page.fill('#person-id', String(id));
  await page.click('#choose button[type="submit"]');
  await page.waitForFunction(
    (name) => document.getElementById('whom').textContent.startsWith(name),
    username,
  );
}

test('a plain user edits her own time zone, sees the messages, saves and reloads', async () => {
  const { page, errors, context } = await open();
  await signIn(page, 'alice');
  // Fields that are not self-service are read-only, with the reason.
  assert.equal(await page.getAttribute('#field-username', 'readonly'), '');
  assert.match(await page.textContent('#username-note'), /Only an administrator can change this/);
  assert.equal(await page.isDisabled('#field-role'), true);
  // An invalid time zone: the message under the field, marked invalid.
  await page.fill('#field-timezone', '');
  await page.type('#field-timezone', 'Mars/Olympus');
  assert.match(await page.textContent('#timezone-note'), /must be an IANA name/);
  assert.equal(await page.getAttribute('#field-timezone', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#field-timezone', 'aria-describedby'), 'timezone-note');
  // Fixed: the value as it will be saved.
  await page.fill('#field-timezone', 'america/new_york');
  assert.equal(await page.textContent('#timezone-note'), 'saved as: America/New_York');
  assert.equal(await page.getAttribute('#field-timezone', 'aria-invalid'), 'false');
  await page.screenshot({ path: join(root, 'target', 'web-alice.png'), fullPage: true });
  await page.click('#save');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Saved.');
  await page.reload();
  await page.waitForSelector('#editor:not([hidden])');
  assert.equal(await page.inputValue('#field-timezone'), 'America/New_York');
  assert.deepEqual(errors, []);
  await context.close();
  process.stdout.write(`screenshot: ${join(root, 'target', 'web-alice.png')}\n`);
});

test('messages come in German when asked', async () => {
  const { page, errors, context } = await open();
  await signIn(page, 'alice');
  await page.selectOption('#language', 'de');
  await page.fill('#field-title', 'x'.repeat(65));
  assert.equal(await page.textContent('#title-note'), 'Dieser Wert ist zu lang: höchstens 64 Zeichen sind erlaubt.');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an administrator changes another person\'s role from the select', async () => {
  const { page, errors, context } = await open();
  await signIn(page, 'bob.admin');
  await edit(page, 21, 'carol');
  const offered = await page.$$eval('#field-role option', (options) => options.map((o) => o.value));
  assert.deepEqual(offered, ['3', '4', '5'], 'the roles an administrator may give');
  await page.selectOption('#field-role', '3');
  assert.equal(await page.textContent('#role-note'), 'saved as: 3');
  await page.click('#save');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Saved.');
  await page.reload();
  await page.waitForSelector('#editor:not([hidden])');
  assert.equal(await page.inputValue('#field-role'), '3');
  assert.deepEqual(errors, []);
  await context.close();
});

test('what the browser cannot know it leaves to the server, and says so', async () => {
  const { page, errors, context } = await open();
  await signIn(page, 'bob.admin');
  await edit(page, 20, 'bob.admin');
  // His own source list: the browser does not know the address the server sees.
  await page.fill('#field-source', '192.0.2.0/24');
  assert.equal(
    await page.textContent('#source-note'),
    'saved as: 192.0.2.0/24 (on save, the server checks that this list admits the address you connect from)',
  );
  await page.screenshot({ path: join(root, 'target', 'web-lock-out.png'), fullPage: true });
  // The server knows: the page's request comes from 127.0.0.1, outside the list.
  await page.click('#save');
  await page.waitForFunction(() => document.getElementById('source-note').classList.contains('error'));
  assert.match(await page.textContent('#source-note'), /lock you out/);
  assert.deepEqual(errors, []);
  await context.close();
  process.stdout.write(`screenshot: ${join(root, 'target', 'web-lock-out.png')}\n`);
});

test('a field the server refuses shows the server\'s message on that field', async () => {
  const { page, errors, context } = await open();
  await signIn(page, 'bob.admin');
  await edit(page, 20, 'bob.admin');
  // The rate plan changes in the database after the page has loaded.
  execFileSync('python3', ['-c', `import sqlite3
c = sqlite3.connect(${JSON.stringify(database)})
c.execute("UPDATE customers SET plan_forbids = '[\\"title\\"]' WHERE id = 4")
c.commit()`]);
  await page.fill('#field-title', 'Dr');
  assert.equal(await page.textContent('#title-note'), 'saved as: Dr', 'the page still thinks it may');
  await page.click('#save');
  await page.waitForFunction(() => document.getElementById('title-note').classList.contains('error'));
  assert.equal(await page.textContent('#title-note'), 'Your rate plan does not allow this.');
  assert.equal(await page.getAttribute('#field-title', 'aria-invalid'), 'true');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a new email needs the current password, and signing out ends the session', async () => {
  const { page, errors, context } = await open();
  await signIn(page, 'carol');
  await page.fill('#field-email', 'carol@example.org');
  await page.click('#save');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Not saved'));
  assert.equal(await page.textContent('#status'), 'Not saved: The authentication details provided are invalid.');
  await page.fill('#auth-password', 'carol-password');
  await page.click('#save');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Saved.');
  assert.equal(await page.inputValue('#field-email'), 'carol@example.org');
  // Signed out, the token the page held is refused by the server.
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('session')).token);
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in:not([hidden])');
  const answer = await (await fetch(`${base}/api/json/people/get/?id=21`, {
    headers: { Authorization: `Bearer ${token}` },
  })).json();
  assert.equal(answer.responses[0].code, '401');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the module is served as WebAssembly, compressed as the browser accepts', async () => {
  const path = `${base}/enswitch_people_wasm_bg.wasm`;
  const plain = await fetch(path, { headers: { 'Accept-Encoding': 'identity' } });
  assert.equal(plain.headers.get('content-type'), 'application/wasm');
  assert.equal(plain.headers.get('content-encoding'), null);
  const bytes = Buffer.from(await plain.arrayBuffer());
  const gzipped = gzipSync(bytes, { level: 9 }).length;
  assert.ok(gzipped <= 300 * 1024, `${gzipped} bytes gzipped`);
  // What the browser downloads: the precompressed file its Accept-Encoding allows.
  const { page, context } = await open();
  const sent = await page.evaluate(async () => {
    const entry = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
    return { transfer: entry.transferSize, decoded: entry.decodedBodySize };
  });
  for (const [encoding, file] of [['br', '.br'], ['gzip', '.gz']]) {
    const answer = await fetch(path, { headers: { 'Accept-Encoding': encoding } });
    assert.equal(answer.headers.get('content-encoding'), encoding);
    assert.equal(answer.headers.get('content-type'), 'application/wasm');
    assert.ok(Number(answer.headers.get('content-length')) < bytes.length / 2, file);
  }
  assert.equal(sent.decoded, bytes.length);
  assert.ok(sent.transfer < bytes.length / 2, `${sent.transfer} bytes sent for ${bytes.length}`);
  // The load time is reported, not asserted: timings belong to benchmarks.
  const loadMs = await page.getAttribute('body', 'data-wasm-load-ms');
  process.stdout.write(`wasm: ${bytes.length} bytes, ${gzipped} gzipped, ${sent.transfer} sent, loaded in ${loadMs} ms\n`);
  await context.close();
});
