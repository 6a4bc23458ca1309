// Every page of the web UI, as each actor opens it, on a 390 px phone and on a desktop: no
// page is wider than the phone's screen (nothing scrolls sideways), axe finds nothing serious,
// and the first screen of each is pictured at both sizes (docs/screenshots/pages/NAME.png and
// NAME-mobile.png).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Market, waitFor, screenshot, screenshots, checkAccessibility, fillCamilleContact, placeOrders } from "./harness.mjs";

let market;
before(async () => {
  market = await Market.start();
  mkdirSync(join(screenshots, "pages"), { recursive: true });
});
after(async () => {
  await market?.stop();
});

const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 900 };

/** Pages found too wide, all named at the end rather than only the first. */
const tooWide = [];

/** Opens `path` on `page` at phone width, checks width and axe, screenshots both sizes. */
async function check(page, name, path) {
  await page.setViewportSize(phone);
  const response = await page.goto(path.startsWith("http") ? path : `${page.origin}${path}`);
  assert.equal(response.status(), 200, `${name}: ${path}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: join(screenshots, "pages", `${name}-mobile.png`) });
  if (width > phone.width) tooWide.push(`${name} (${path}): ${width}px`);
  await checkAccessibility(page, `${name} on a phone`);
  await page.setViewportSize(desktop);
  await page.screenshot({ path: join(screenshots, "pages", `${name}.png`) });
}

test("every page fits a 390 px phone, passes axe, and is pictured on a phone and a desktop", async () => {
  const camille = await market.loginAs("Camille");
  await check(camille, "home", "/");
  // On a phone the header is one compact band: its links folded behind "Menu", a tap away.
  await camille.setViewportSize(phone);
  await camille.goto(`${camille.origin}/`);
  const status = camille.locator("header.site nav a[href='/etat']");
  assert.equal(await status.isVisible(), false, "the links are folded on a phone");
  const header = await camille.locator("header.site").boundingBox();
  assert.ok(header.height < 130, `the header is compact: ${header.height}px`);
  await screenshot(camille, "home-mobile");
  await camille.getByRole("button", { name: "Menu" }).click();
  assert.ok(await status.isVisible(), "a tap on Menu shows the links");
  await check(camille, "search", "/recherche?q=fromage");
  // The filters folded behind "Filtres", so the first result is on the first screen.
  await camille.setViewportSize(phone);
  await camille.goto(`${camille.origin}/recherche?q=fromage`);
  const toggle = camille.locator("details.toggle");
  assert.equal(await toggle.evaluate((d) => d.open), false, "the filters are folded on a phone");
  const firstCard = await camille.locator("article.card").first().boundingBox();
  assert.ok(firstCard.y < phone.height, `the first result starts on the first screen: y = ${firstCard.y}`);
  await screenshot(camille, "search-mobile");
  await toggle.locator("summary").click();
  assert.ok(await camille.locator("aside.filters button[type=submit]").isVisible(), "a tap unfolds them");
  const card = camille.locator("article.card h3 a").first();
  await waitFor(async () => {
    if ((await card.count()) > 0) return true;
    await camille.reload();
    return false;
  }, "a result for fromage");
  const offer = await card.getAttribute("href");
  await check(camille, "offer", offer);
  const seller = await camille.locator("main a[href^='/vendeur/']").first().getAttribute("href");
  await check(camille, "seller", seller);
  await camille.goto(`${camille.origin}${offer}`);
  await camille.click("form[action='/panier'] button");
  await camille.waitForURL(/\/panier$/);
  await check(camille, "basket", "/panier");
  await camille.setViewportSize(phone);
  await camille.goto(`${camille.origin}/panier`);
  await screenshot(camille, "basket-mobile");
  await camille.locator("select[name^=delivery-]").first().selectOption("pickup");
  await fillCamilleContact(camille);
  await placeOrders(camille);
  const confirmationWidth = await camille.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(confirmationWidth <= phone.width, `the confirmation fits a phone: ${confirmationWidth}px`);
  await screenshot(camille, "checkout-confirmation-mobile");
  await check(camille, "orders", "/commandes");
  await camille.goto(`${camille.origin}/commandes`);
  const order = await camille.locator("main a[href^='/commandes/']").first().getAttribute("href");
  await check(camille, "order", order);
  await check(camille, "settings", "/parametres");
  await check(camille, "access", "/parametres/acces");
  await check(camille, "status", "/etat");

  const dairy = await market.loginAs("Fromagerie des Bossons");
  for (const [name, path] of [
    ["manage", "/gestion"], ["listings", "/gestion/annonces"], ["listing-new", "/gestion/annonces/nouvelle"],
    ["profile", "/gestion/profil"], ["memberships", "/gestion/adhesions"], ["import", "/gestion/import"],
    ["packing", "/gestion/preparation"],
  ]) {
    await check(dairy, name, path);
  }
  await dairy.goto(`${dairy.origin}/gestion/annonces`);
  const listing = await dairy.locator("main a[href^='/gestion/annonces/']:not([href$='nouvelle'])").first().getAttribute("href");
  await check(dairy, "listing-edit", listing);

  const courier = await market.loginAs("VéloCargo Genève");
  for (const [name, path] of [
    ["delivery", "/gestion/livraison"], ["delivery-new", "/gestion/livraison/nouvelle"], ["day", "/gestion/tournee"],
  ]) {
    await check(courier, name, path);
  }

  const certifier = await market.loginAs("Certification Terroir Léman");
  await check(certifier, "attestations", "/gestion/attestations");
  assert.deepEqual(tooWide, [], `pages wider than a ${phone.width}px phone`);
});
