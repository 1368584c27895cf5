/**
 * Debian's Chromium (/usr/bin/chromium) driven by playwright-core, for tests of pages a person opens. Never a
 * browser that playwright downloads: playwright-core has no install step, and we pass the executable. The
 * browser gets a fresh profile and may load only file:// and 127.0.0.1 URLs: every other request is aborted
 * and recorded, so a page that renders under it is proven to work offline.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { removeFolder } from "./folder-processes.ts";

export const CHROMIUM = "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox", // tests run as root in CI, where Chromium's sandbox refuses to start
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

export interface OfflineBrowser {
  context: BrowserContext;
  /** URLs the page tried to load from anywhere but file:// or 127.0.0.1, in order. */
  blocked: string[];
  /** Opens a URL in a new page and collects what the page logged (console errors, uncaught exceptions). */
  open(url: string): Promise<{ page: Page; problems: string[] }>;
  close(): Promise<void>;
}

function isLocal(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === "file:" || parsed.hostname === "127.0.0.1";
}

export async function launchOfflineChromium(): Promise<OfflineBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); npm test does it when run as root`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), "poisonlab-chromium-"));
  const blocked: string[] = [];
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1000, height: 800 },
      timeout: 120_000,
    });
  } catch (error) {
    removeFolder(profile);
    throw error;
  }
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    blocked.push(url);
    return route.abort("blockedbyclient");
  });
  return {
    context,
    blocked,
    async open(url) {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`console error: ${message.text()}`);
      });
      page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
      await page.goto(url, { waitUntil: "load" });
      return { page, problems };
    },
    async close() {
      try {
        await context.close();
      } finally {
        removeFolder(profile);
      }
    },
  };
}
