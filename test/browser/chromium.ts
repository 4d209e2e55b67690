// Headless Debian Chromium through playwright-core (never a downloaded browser), with every console error
// and uncaught page error collected so a test can assert there were none.
import { chromium, type Browser, type Page } from "playwright-core";
import { existsSync } from "node:fs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface BrowserSession {
  browser: Browser;
  page: Page;
  errors: string[];
  close: () => Promise<void>;
}

export async function openBrowser(): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: run scripts/setup.sh (installs Debian's chromium)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-dev-shm-usage",
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 2000 } });
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) =>
      errors.push(`pageerror: ${error.message} ${process.env.W6_STACK ? error.stack : ""}`),
    );
    page.on("dialog", (dialog) => {
      errors.push(`dialog: ${dialog.type()} ${dialog.message()}`);
      void dialog.dismiss();
    });
    return { browser, page, errors, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
