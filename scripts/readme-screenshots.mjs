// Regenerates the README's screenshots from the executed tutorial:
//   node dist/kernel-ext/cli.js tutorial --out /tmp/tutorial && node scripts/readme-screenshots.mjs /tmp/tutorial
// Each picture is one cell output of an HTML notebook, taken in Debian's Chromium (playwright-core).
import { chromium } from "playwright-core";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const htmlDir = process.argv[2];
if (!htmlDir) {
  console.error(
    "usage: node scripts/readme-screenshots.mjs <folder written by `tensorscope tutorial --out`>",
  );
  process.exit(2);
}
const SHOTS = [
  // [notebook, CSS selector of the outputs, which match, picture]
  [
    "7.1-model-structure.html",
    ".jp-OutputArea-output[data-mime-type='text/html']",
    0,
    "docs/summary-resnet18.png",
  ],
  ["7.2-cnn-visualisation.html", ".jp-OutputArea-output img", 3, "docs/cam-methods.png"],
  [
    "7.3-training-visualisation.html",
    ".jp-OutputArea-output[data-mime-type='image/svg+xml']",
    3,
    "docs/training-curves.png",
  ],
];
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  for (const [file, selector, index, out] of SHOTS) {
    await page.goto(pathToFileURL(join(htmlDir, file)).href);
    const element = page.locator(selector).nth(index);
    await element.screenshot({ path: out });
    console.log(`${out} <- ${file} ${selector} #${index}`);
  }
} finally {
  await browser.close();
}
