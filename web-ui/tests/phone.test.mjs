// Every page on a 390 px phone, as each actor sees it: none wider than the screen (no sideways
// scrolling), axe clean, the header's links folded behind "Menu" and the search filters behind
// "Filtres" so the first results are on the first screen; phone screenshots of the shop's
// main pages.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Market, waitFor, screenshot, checkAccessibility, fillCamilleContact, placeOrders } from "./harness.mjs";

const PHONE = { width: 390, height: 844 };

let market;
before(async () => {
  market = await Market.start();
});
after(async () => {
  await market?.stop();
});

/** What each page got wrong, all said at the end (one run names every page at fault). */
const problems = [];

/** Opens `path` on `page` at phone size; checks its width and axe; a screenshot if `shot`. */
async function check(page, path, shot) {
  await page.setViewportSize(PHONE);
  const response = await page.goto(`${page.origin}${path}`);
  assert.equal(response.status(), 200, `${path} answers`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > PHONE.width) problems.push(`${path} is ${width}px wide`);
  await checkAccessibility(page, `${path} on a phone`).catch((e) => problems.push(e.message));
  if (shot) await screenshot(page, shot);
}

/** The path of the first link on `page` whose href starts with `prefix` (and is not `but`). */
async function firstLink(page, prefix, but = "") {
  const link = page.locator(`main a[href^='${prefix}']${but ? `:not([href$='${but}'])` : ""}`).first();
  await waitFor(async () => {
    if ((await link.count()) > 0) return true;
    await page.reload();
    return false;
  }, `a link to ${prefix} on ${page.url()}`);
  return link.getAttribute("href");
}

test("every page fits a 390 px phone for each actor, the filters folded", async () => {
  const camille = await market.loginAs("Camille");
  await check(camille, "/", "home-mobile");
  // A compact header: the links folded behind "Menu", a tap away.
  const menu = camille.locator("header.site details.menu");
  const status = camille.locator("header.site nav a[href='/etat']");
  assert.equal(await status.isVisible(), false, "the links are folded on a phone");
  const header = await camille.locator("header.site").boundingBox();
  assert.ok(header.height < 120, `the header is compact: ${header.height}px`);
  await menu.locator("summary").click();
  assert.ok(await status.isVisible(), "a tap on Menu shows the links");
  await check(camille, "/recherche?q=fromage", "search-mobile");
  const toggle = camille.locator("details.filters-toggle");
  assert.equal(await toggle.evaluate((d) => d.open), false, "the filters are folded on a phone");
  assert.ok(await camille.locator("article.card").first().isVisible(), "a result on the first screen");
  const firstCard = await camille.locator("article.card").first().boundingBox();
  assert.ok(firstCard.y < PHONE.height, `the first result starts on the first screen: y = ${firstCard.y}`);
  await toggle.locator("summary").click();
  assert.ok(await camille.locator("aside.filters button[type=submit]").isVisible(), "a tap unfolds them");
  const offer = await firstLink(camille, "/annonce/");
  await check(camille, offer, "offer-mobile");
  await check(camille, await firstLink(camille, "/vendeur/"));

  // A basket and an order of Camille's.
  await camille.goto(`${camille.origin}${offer}`);
  await Promise.all([camille.waitForURL(/\/panier$/), camille.click("form[action='/panier'] button")]);
  await check(camille, "/panier", "basket-mobile");
  await camille.goto(`${camille.origin}/panier`);
  await fillCamilleContact(camille);
  await placeOrders(camille);
  const width = await camille.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `the confirmation is no wider than a phone: ${width}px`);
  await screenshot(camille, "checkout-confirmation-mobile");
  const order = await firstLink(camille, "/commandes/");
  await check(camille, order);
  for (const path of ["/commandes", "/parametres", "/etat", "/gestion"]) await check(camille, path);

  // A seller's back office.
  const dairy = await market.loginAs("Fromagerie des Bossons");
  for (const path of ["/gestion", "/gestion/annonces", "/gestion/annonces/nouvelle", "/gestion/profil",
    "/gestion/adhesions", "/gestion/import", "/gestion/preparation"]) {
    await check(dairy, path);
  }
  await dairy.goto(`${dairy.origin}/gestion/annonces`);
  await check(dairy, await firstLink(dairy, "/gestion/annonces/", "/nouvelle"));

  // A courier's, a certifier's and a platform's pages.
  const courier = await market.loginAs("VéloCargo Genève");
  for (const path of ["/gestion/livraison", "/gestion/livraison/nouvelle", "/gestion/tournee"]) await check(courier, path);
  const certifier = await market.loginAs("Certification Terroir Léman");
  await check(certifier, "/gestion/attestations");
  const platform = await market.loginAs("Terroir en ville");
  await check(platform, "/gestion/adhesions");
  assert.deepEqual(problems, [], problems.join("\n"));
});
