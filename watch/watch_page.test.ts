/**
 * The watch page in a real browser, following a real closed-loop campaign: the simulated ring corrected by the
 * SVD agent under a RunEngine, documents on the in-process bus, decisions as records, control through the
 * in-process channel to a ControlListener on the engine.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { InProcessBus } from "../bridge/documents/in_process_bus.ts";
import type { RunResult } from "../engine/run_engine/index.ts";
import { inProcessFeed } from "./feed.ts";
import { WatchServer } from "./server.ts";
import { BROWSER_TESTS, launchChromium, until } from "./test/browser.ts";
import { demoCampaign } from "./test/demo_campaign.ts";
import type { DemoCampaign } from "./test/demo_campaign.ts";

const TOKEN = "s3cret-watch-token";
// Written under out/ (ignored by git) so a test run leaves the tree clean; the README's picture is refreshed with
// SKYLOOP_WATCH_SCREENSHOT=docs/watch.png npx vitest run watch/watch_page.test.ts
const SCREENSHOT = resolve(process.env.SKYLOOP_WATCH_SCREENSHOT ?? new URL("../out/watch.png", import.meta.url).pathname);

/** The tests type-check without the DOM's types; this is the little of it they use inside the page. */
interface PageElement {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  disabled?: boolean;
}
interface PageDocument {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): { length: number };
}
const data = (page: Page, selector: string, key: string): Promise<string | undefined> =>
  page.$eval(selector, (el, k) => (el as unknown as PageElement).dataset[k], key);
const points = async (page: Page): Promise<number> => Number(await data(page, "#objective-plot", "points"));
const decisionRows = (page: Page): Promise<number> => page.$$eval("#decision-log tbody tr", (rows) => rows.length);

/** Waits until the page shows at least `min` plot points, `rows` decision rows and `runs` runs. */
function waitCounts(page: Page, min: { points?: number; rows?: number; runs?: number }, timeout = 10_000): Promise<unknown> {
  return page.waitForFunction(
    (m) => {
      const d = (globalThis as unknown as { document: PageDocument }).document;
      return (
        Number(d.querySelector("#objective-plot")!.dataset.points) >= (m.points ?? 0) &&
        d.querySelectorAll("#decision-log tbody tr").length >= (m.rows ?? 0) &&
        d.querySelectorAll("#runs-table tbody tr").length >= (m.runs ?? 0)
      );
    },
    min,
    { timeout },
  );
}

/** Waits until `selector`'s text is `text` (or contains it, with `contains`). */
function waitText(page: Page, selector: string, text: string, contains = false): Promise<unknown> {
  return page.waitForFunction(
    ([sel, t, c]) => {
      const got = (globalThis as unknown as { document: PageDocument }).document.querySelector(sel as string)?.textContent ?? "";
      return c ? got.includes(t as string) : got === t;
    },
    [selector, text, contains] as const,
    { timeout: 10_000 },
  );
}

function waitEnabled(page: Page, selector: string): Promise<unknown> {
  return page.waitForFunction((sel) => (globalThis as unknown as { document: PageDocument }).document.querySelector(sel)?.disabled === false, selector, { timeout: 10_000 });
}

describe.runIf(BROWSER_TESTS)("skyloop watch page in Chromium", () => {
  let browser: Browser;
  let demo: DemoCampaign;
  let server: WatchServer;
  let campaign: Promise<RunResult[]>;

  beforeAll(async () => {
    browser = await launchChromium();
    const bus = new InProcessBus({ instrument: "sim-ring" });
    demo = await demoCampaign({ iterations: 14, sleepS: 0.2, runs: 2, token: TOKEN, bus });
    server = await WatchServer.start({
      port: 0,
      token: TOKEN,
      control: demo.control,
      feed: inProcessFeed({ instrument: "sim-ring", bus, decisions$: demo.decisions$ }),
    });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (demo?.engine.state !== "idle") await demo?.engine.abort("test over").catch(() => undefined);
    await campaign?.catch(() => undefined);
    await demo?.dispose();
    await demo?.bus.close();
  });

  it("follows the campaign live, pauses and resumes it with the token, refuses without, and looks right", async () => {
    const operator = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const errors: string[] = [];
    operator.on("pageerror", (e) => errors.push(e.message));
    await operator.goto(server.controlUrl!);
    campaign = demo.run();

    // Plots and the decision log grow while the campaign runs.
    await waitCounts(operator, { points: 2 }, 15_000);
    const [p1, d1] = [await points(operator), await decisionRows(operator)];
    expect(d1).toBeGreaterThanOrEqual(1);
    await waitCounts(operator, { points: p1 + 1, rows: d1 + 1 });
    expect(await data(operator, "#objective-plot", "fields")).toBe("orbit-rms_x,orbit-rms_y");
    expect(await operator.$$eval("#objective-plot canvas", (c) => c.length)).toBe(1);
    expect(await data(operator, "#orbit-plot", "bpms")).toBe("12");
    expect(await operator.textContent("#agent-latest .agent-name")).toBe("svd-orbit");
    expect(await operator.textContent("#agent-latest .rationale")).toMatch(/^predicted RMS .* singular values used/);
    expect(await operator.textContent("#latest-latency")).toMatch(/^\d+(\.\d+)? (µs|ms)$/);
    expect(await operator.textContent("#engine-state")).toBe("running");

    // Read-only: a page without the token has its buttons disabled, and control requests without it change nothing.
    const viewer = await browser.newPage();
    await viewer.goto(server.url);
    await waitCounts(viewer, { points: 1 });
    for (const button of ["#btn-pause", "#btn-resume", "#btn-abort"]) expect(await viewer.isDisabled(button)).toBe(true);
    const refused = await viewer.evaluate(async () => {
      const codes: number[] = [];
      const variants: Record<string, string>[] = [{}, { Authorization: "Bearer wrong-token" }];
      for (const headers of variants) {
        const res = await fetch("/api/control", { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify({ action: "pause" }) });
        codes.push(res.status);
      }
      return codes;
    });
    expect(refused).toEqual([403, 403]);
    const eventsBefore = server.state.snapshot().current!.summary.events;
    await until("two more iterations after the refused pause", () => server.state.snapshot().current!.summary.events >= eventsBefore + 2);
    expect(demo.engine.state).toBe("running");

    // With the token: pause really pauses the engine, and nothing is measured until resume.
    await waitEnabled(operator, "#btn-pause");
    await operator.click("#btn-pause");
    await until("the engine to pause", () => demo.engine.state === "paused");
    await waitText(operator, "#engine-state", "paused");
    expect(await operator.isDisabled("#btn-pause")).toBe(true);
    const pausedAt = server.state.snapshot().current!.summary.events;
    await new Promise((r) => setTimeout(r, 600));
    expect(server.state.snapshot().current!.summary.events).toBe(pausedAt);
    await waitText(operator, "#notice", "pause: done (engine paused)");

    await operator.click("#btn-resume");
    await until("the engine to run again", () => demo.engine.state === "running");
    await until("iterations after resume", () => server.state.snapshot().runs.some((r) => r.events > 0 && r.exit_status === null && r.events > pausedAt) || server.state.snapshot().runs.length === 2);
    await waitText(operator, "#engine-state", "running");
    await waitText(operator, "#notice", "resume: done (engine running)");

    // The second run replaces the first on the plots, which becomes a past run; the screenshot shows both.
    await until("the second run to be under way", () => {
      const s = server.state.snapshot();
      return s.runs.length === 2 && s.current!.summary.events >= 6;
    }, 20_000);
    await waitCounts(operator, { runs: 2, points: 6 });
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await operator.screenshot({ path: SCREENSHOT, fullPage: true });

    const results = await campaign;
    expect(results.map((r) => r.exitStatus)).toEqual(["success", "success"]);
    await waitText(operator, "#engine-state", "idle");
    expect(await operator.$$eval("#runs-table tbody .status", (s) => s.map((e) => e.textContent))).toEqual(["success", "success"]);
    // A past run opens from the list.
    await operator.click("#runs-table tbody tr:nth-child(2)");
    await waitText(operator, "#run-viewing", "past run", true);
    expect(await points(operator)).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
  }, 60_000);
});
