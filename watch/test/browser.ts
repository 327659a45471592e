/** Debian's Chromium driven by playwright-core, as the dashboard tests use it. */
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";
import { TimeoutError } from "../../engine/errors.ts";

export const CHROMIUM = process.env.SKYLOOP_CHROMIUM ?? "/usr/bin/chromium";

/** Set SKYLOOP_BROWSER_TESTS=0 to leave the browser tests out (`.ci/setup-tests` then skips Chromium too). */
export const BROWSER_TESTS = process.env.SKYLOOP_BROWSER_TESTS !== "0";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/** Polls `check` every 20 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new TimeoutError(`waiting for ${what}`, timeoutMs);
    await new Promise((r) => setTimeout(r, 20));
  }
}
