// The browser tests' one harness: starts a real `smartket demo` market (13 nodes on loopback)
// in a fresh directory, logs a browser in as any of its actors through the one-time links the
// demo prints, waits on conditions with deadlines (never fixed sleeps), saves screenshots and
// checks pages with axe.

import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..", "..");
const targetDir = process.env.CARGO_TARGET_DIR || "/var/tmp/smartket-target";
const bin = process.env.SMARTKET_BIN || join(targetDir, "debug", "smartket");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
export const screenshots = join(root, "docs", "screenshots");

/** Polls `check` until it returns a truthy value, or fails after `ms` saying `what`. */
export async function waitFor(check, what, ms = 60_000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`waited ${ms} ms for ${what}${last ? `: ${last.message}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A running demo market and a browser. */
export class Market {
  static async start() {
    if (!existsSync(bin)) {
      throw new Error(`no smartket binary at ${bin}: build it first with cargo build --workspace --bins`);
    }
    if (!existsSync(chromiumPath)) {
      throw new Error(`no Chromium at ${chromiumPath}: run scripts/test-all, which installs it`);
    }
    const dir = mkdtempSync(join(tmpdir(), "smartket-browser-"));
    const child = spawn(
      bin,
      ["--data-dir", dir, "demo", "--seed", join(root, "examples", "geneva"), "--port", "0", "--fresh"],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RUST_LOG: process.env.RUST_LOG || "warn" } },
    );
    const log = [];
    child.stderr.on("data", (d) => log.push(d.toString()));
    const links = new Map();
    const lines = createInterface({ input: child.stdout });
    const up = new Promise((resolve, reject) => {
      lines.on("line", (line) => {
        log.push(line);
        const words = line.trim().split(/\s+/);
        if (words.length >= 3 && words.at(-1).startsWith("http://")) {
          links.set(words.slice(1, -1).join(" "), words.at(-1));
        }
        if (line.startsWith("Open a link")) resolve();
      });
      child.on("exit", (code) => reject(new Error(`the demo exited (${code}) before coming up:\n${log.join("")}`)));
    });
    const timeout = new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`the demo did not come up in 180 s:\n${log.join("")}`)), 180_000).unref(),
    );
    await Promise.race([up, timeout]);
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ],
    });
    mkdirSync(screenshots, { recursive: true });
    return new Market(child, dir, links, browser, log);
  }

  constructor(child, dir, links, browser, log) {
    Object.assign(this, { child, dir, links, browser, log });
  }

  /** A new page logged in as `actor` (its name as the demo prints it), in French. Each
   *  login link works once, so an actor's browser context (its session cookie) is kept. */
  async loginAs(actor) {
    const link = this.links.get(actor);
    assert.ok(link, `the demo printed no link for ${actor}: ${[...this.links.keys()].join(", ")}`);
    this.contexts ??= new Map();
    let context = this.contexts.get(actor);
    const first = !context;
    if (first) {
      context = await this.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-CH" });
      this.contexts.set(actor, context);
    }
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    page.origin = new URL(link).origin;
    const response = await page.goto(first ? link : `${page.origin}/`);
    assert.equal(response.status(), 200, `logging in as ${actor}`);
    return page;
  }

  /** Stops the browser and the market; the demo must exit cleanly on SIGINT. */
  async stop() {
    await this.browser.close();
    const exited = new Promise((resolve) => this.child.on("exit", (code, signal) => resolve({ code, signal })));
    this.child.kill("SIGINT");
    const outcome = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve(null), 60_000).unref()),
    ]);
    rmSync(this.dir, { recursive: true, force: true });
    assert.ok(outcome, "the demo stops within 60 s of Ctrl-C");
    assert.equal(outcome.code, 0, `the demo exits cleanly: ${JSON.stringify(outcome)}`);
  }
}

/** Fills the checkout form with Camille's contact and address. */
export async function fillCamilleContact(page) {
  await page.fill("input[name=name]", "Camille Rochat");
  await page.fill("input[name=phone]", "+41 79 555 12 34");
  await page.fill("input[name=street]", "Rue de Carouge 18");
  await page.fill("input[name=postcode]", "1205");
  await page.fill("input[name=city]", "Genève");
}

/** Places the orders of the checkout form and waits for "Mes commandes". */
export async function placeOrders(page) {
  await Promise.all([page.waitForURL(/\/commandes$/), page.click("form[action='/commander'] button[type=submit]:not([formaction])")]);
}

/** Saves a full-page screenshot as docs/screenshots/NAME.png. */
export async function screenshot(page, name) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(join(here, "..", "node_modules", "axe-core", "axe.min.js"), "utf8");

/** Runs axe on the page; fails on any serious or critical violation, listing each. */
export async function checkAccessibility(page, what) {
  await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const said = bad
    .map((v) => `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 3).map((n) => `    ${n.target.join(" ")}: ${n.failureSummary}`).join("\n")}`)
    .join("\n");
  assert.equal(bad.length, 0, `accessibility of ${what}:\n${said}`);
}

/** A fresh one-time login link for `actor` of the running `market`, as a person gets one:
 *  `smartket demo --login <actor>` (the links the demo printed work once). */
export async function newLink(market, actor) {
  const child = spawn(bin, ["--data-dir", market.dir, "demo", "--login", actor], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  assert.equal(code, 0, `smartket demo --login ${actor}: ${out}${err}`);
  const link = out.split("\n").find((l) => l.includes("/login?token="));
  assert.ok(link, `a link in: ${out}`);
  return link.trim();
}

/** Chromium for a phone that accepts exactly the certificate whose public key hashes to
 *  `pin` (base64 SHA-256 of its SubjectPublicKeyInfo, as the pairing link carries it). */
export async function phoneBrowser(pin) {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      `--ignore-certificate-errors-spki-list=${pin}`,
    ],
  });
}
