// The dashboard in a real browser (Debian's headless Chromium): find a message and its trace, redrive a dead letter,
// try a filter in the playground. FERRY_SCREENSHOTS=1 also writes the pages' screenshots to docs/.
/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain, startTestStack, type TestStack } from './harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshots = process.env.FERRY_SCREENSHOTS === '1';

let stack: TestStack;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startTestStack(),
    puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] }),
  ]);
  await stack.client.putTopic('orders', 'NORMAL');
  await stack.client.putTopic('order-timeouts', 'DELAY');
  await stack.client.putGroup('billing', [{ topic: 'orders' }]);
  await stack.client.putGroup('gray', [{ topic: 'orders', filter: { type: 'SQL92', expression: "lane = 'gray'" } }]);
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A fresh load each time: a change of the hash alone would keep the page, and the topics it read, as they were. */
async function open(tab: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${stack.apiUrl}/dashboard/#${tab}`);
  await page.waitForSelector('body[data-ready="true"]');
}

async function shoot(name: string): Promise<void> {
  if (screenshots) await page.screenshot({ path: `docs/dashboard-${name}.png`, fullPage: true });
}

const text = (selector: string) => page.$eval(selector, (element) => element.textContent ?? '');

// Skipped only off CI on a machine without Chromium: `.ci/run` installs it, so there it runs (and fails if it cannot).
describe.skipIf(!existsSync(CHROMIUM) && process.env.CI === undefined)('the dashboard in a browser', () => {
  it('lists topics and groups with their type, subscriptions, filters and backlog', async () => {
    await stack.client.publish('orders', { body: 'waiting', properties: { lane: 'blue' } });
    await stack.dispatched();
    await open('overview');
    expect(await text('#topics')).toMatch(/orders\s*NORMAL\s*72 h/);
    expect(await text('#topics')).toContain('order-timeouts');
    const groups = await text('#groups');
    expect(groups).toContain("SQL92: lane = 'gray'");
    expect(await text('#topics')).toMatch(/orders\s*NORMAL\s*72 h\s*1\s*1\/min/);
    await shoot('overview');
  });

  it('finds a published message by id and shows it acked in its group’s lane of the trace', async () => {
    const { messageId } = await stack.client.publish('orders', { body: 'order 42 created', keys: ['order-42'] });
    await stack.dispatched();
    // The earlier test's message and this one.
    await drain(stack, 'billing', 2);
    await expect
      .poll(async () => (await stack.client.getMessage(messageId)).events.map((e) => e.type), { timeout: 10_000 })
      .toContain('ACKED');

    await open('messages');
    await page.type('#search-id input[name=id]', messageId);
    await page.click('#search-id button');
    await page.waitForSelector(`.trace[data-message-id="${messageId}"]`);
    expect(await text('.lane[data-lane="billing"]')).toContain('ACKED');
    expect(await text('.lane[data-lane="message"]')).toContain('PUBLISHED');
    expect(await text('.trace')).toContain('keys order-42');
    await shoot('trace');
  });

  it('finds a message by key, opens its trace from the results and sees it acked', async () => {
    const { messageId } = await stack.client.publish('orders', { body: 'order 77 created', keys: ['order-77'] });
    await stack.dispatched();
    await drain(stack, 'billing', 1);
    await expect
      .poll(async () => (await stack.client.getMessage(messageId)).events.map((e) => e.type), { timeout: 10_000 })
      .toContain('ACKED');
    await open('messages');
    await page.select('#search-key select[name=topic]', 'orders');
    await page.type('#search-key input[name=key]', 'order-77');
    await page.click('#search-key button');
    await page.waitForSelector(`button[data-trace="${messageId}"]`);
    expect(await text('#found')).toMatch(/order-77/);
    await page.click(`button[data-trace="${messageId}"]`);
    await page.waitForSelector(`.trace[data-message-id="${messageId}"]`);
    expect(await text('.lane[data-lane="billing"]')).toContain('ACKED');
  });

  it('redrives a dead letter back to its group', async () => {
    await stack.client.putGroup('fragile', [{ topic: 'orders' }], 1);
    const { messageId } = await stack.client.publish('orders', { body: 'poison' });
    await stack.dispatched();
    const [first] = await stack.client.receive('fragile', { maxMessages: 1, waitSeconds: 5 });
    expect(first?.messageId).toBe(messageId);
    await stack.client.nack('fragile', first!.receiptHandle, 0);
    // The next receive finds it past maxDeliveryAttempts: SQS moves it to the dead-letter queue.
    await expect
      .poll(
        async () => {
          await stack.client.receive('fragile', { maxMessages: 1 });
          return (await stack.client.getGroup('fragile')).backlog.deadLetters;
        },
        { timeout: 10_000 },
      )
      .toBe(1);

    await open('dead-letters');
    await page.select('#dead-letters-form select[name=group]', 'fragile');
    await page.click('#dead-letters-form button:not([type=button])');
    await page.waitForFunction(
      (id) => document.querySelector('#dead-letters-list')?.textContent?.includes(id),
      {},
      messageId,
    );
    await shoot('dead-letters');
    await page.click('#redrive');
    await page.waitForFunction(() =>
      document.querySelector('#dead-letters-status')?.textContent?.includes('redriven 1'),
    );
    const [again] = await stack.client.receive('fragile', { maxMessages: 1, waitSeconds: 5 });
    expect(again?.messageId).toBe(messageId);
  });

  it("shows which of a topic's recent messages a filter would match, and why an expression does not parse", async () => {
    await stack.client.putTopic('payments', 'NORMAL');
    await stack.client.publish('payments', { body: 'a', properties: { lane: 'gray', amount: '30' } });
    await stack.client.publish('payments', { body: 'b', properties: { lane: 'gray', amount: '10' } });
    await stack.client.publish('payments', { body: 'c', properties: { lane: 'blue', amount: '50' } });
    await open('playground');
    await page.select('#playground-form select[name=topic]', 'payments');
    await page.type('#playground-form textarea', "lane = 'gray' AND amount > 20");
    await page.click('#playground-form button');
    await page.waitForFunction(() => document.querySelector('#playground-status')?.textContent?.includes('match'));
    expect(await text('#playground-status')).toBe('1 of 3 recent messages match');
    expect(await page.$$eval('tr[data-matches="true"]', (rows) => rows.map((r) => r.textContent))).toEqual([
      expect.stringContaining('"amount":"30"'),
    ]);
    await shoot('playground');

    await page.$eval('#playground-form textarea', (area) => ((area as HTMLTextAreaElement).value = 'lane = '));
    await page.click('#playground-form button');
    await page.waitForSelector('#playground-status .error');
    expect(await text('#playground-status')).toContain('INVALID_FILTER');
  });
});
