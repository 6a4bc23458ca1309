// The Geneva market in a real browser: Camille shops cheese and bread across two sellers, the
// sellers handle the orders in their back office, a courier delivers the cheese, and Camille's
// order page says "livrée" without being reloaded. Screenshots of the main pages go to
// docs/screenshots/; axe checks each page Camille sees.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Market, waitFor, screenshot, checkAccessibility, fillCamilleContact, placeOrders } from "./harness.mjs";

let market;
before(async () => {
  market = await Market.start();
});
after(async () => {
  await market?.stop();
});

/** Opens the offer of `seller` found by searching `words`, and puts `quantity` in the basket. */
async function addFrom(page, words, seller, shot) {
  await page.fill("#q", words);
  await page.press("#q", "Enter");
  const card = page.locator("article.card", { hasText: seller }).first();
  await waitFor(async () => (await card.count()) > 0, `an offer of ${seller} for "${words}"`);
  await card.locator("h3 a").click();
  await page.waitForSelector("form[action='/panier'] button");
  if (shot) {
    await screenshot(page, shot);
    await checkAccessibility(page, "an offer");
  }
  await page.click("form[action='/panier'] button");
  await page.waitForURL(/\/panier$/);
}

/** Clicks the step button `label` on an order's page and waits for the page to come back. */
async function step(page, label) {
  const button = page.getByRole("button", { name: label, exact: true });
  await waitFor(async () => {
    if ((await button.count()) > 0) return true;
    await page.reload();
    return false;
  }, `the button "${label}" on ${page.url()}`);
  await Promise.all([page.waitForLoadState("load"), button.click()]);
  await waitFor(async () => (await button.count()) === 0 || page.url().includes("/commandes/"), `step ${label} made`);
}

/** From the back office of `page`, opens the order placed by Camille (waits for it to arrive). */
async function openIncoming(page) {
  const link = page.locator("main ul li a[href^='/commandes/']").first();
  await waitFor(async () => {
    await page.goto(`${page.origin}/gestion`);
    return (await link.count()) > 0;
  }, `an order in the back office of ${page.origin}`);
  await link.click();
  await page.waitForURL(/\/commandes\/[0-9a-f]{32}$/);
}

test("a consumer shops two sellers, they and a courier handle it, the order page follows live", async () => {
  const camille = await market.loginAs("Camille");

  await camille.waitForSelector("h1");
  await screenshot(camille, "home");
  await checkAccessibility(camille, "the home page");
  await camille.goto(`${camille.origin}/?lang=en`);
  assert.match(await camille.textContent("h1"), /market/i);
  await screenshot(camille, "home-en");
  await camille.goto(`${camille.origin}/?lang=fr`);

  // Search "fromage", then narrow to a label from the trusted certifier and to Léman.
  // Labels are attestations, which reach the consumer on their own topic: search again until
  // the certifier's have arrived.
  await waitFor(async () => {
    await camille.goto(`${camille.origin}/`);
    await camille.fill("#q", "fromage");
    await camille.press("#q", "Enter");
    await camille.waitForSelector("aside.filters");
    return (await camille.locator("input[name=label]").count()) > 0;
  }, "the certifier's labels offered as filters");
  const label = camille.locator("input[name=label]").first();
  await label.check();
  await camille.check("input[name=payment][value='local:LEM']");
  await Promise.all([camille.waitForURL(/payment=local/), camille.click("aside.filters button[type=submit]")]);
  const url = new URL(camille.url());
  assert.ok(url.searchParams.getAll("label").length === 1, url.href);
  const heading = await camille.textContent("h1");
  const found = Number(heading.match(/\d+/)?.[0] ?? 0);
  assert.ok(found > 0, `labelled cheese accepting Léman is found: ${heading}`);
  await screenshot(camille, "search");
  await checkAccessibility(camille, "search results with filters");

  await camille.setViewportSize({ width: 390, height: 844 });
  await screenshot(camille, "search-mobile");
  await camille.setViewportSize({ width: 1280, height: 900 });

  await addFrom(camille, "tomme", "Fromagerie des Bossons", "offer");
  await addFrom(camille, "pain", "Boulangerie des Pâquis");

  // The basket: the cheese by courier with a Léman share, the bread picked up.
  const cheese = camille.locator("section", { hasText: "Fromagerie des Bossons" });
  const bread = camille.locator("section", { hasText: "Boulangerie des Pâquis" });
  const courierOption = cheese.locator("select[name^=delivery-] option[value^='courier:']").first();
  assert.ok((await courierOption.count()) > 0, "a courier serves Camille's postcode");
  const courierLabel = await courierOption.textContent();
  await cheese.locator("select[name^=delivery-]").selectOption(await courierOption.getAttribute("value"));
  const leman = cheese.locator("select[name^=pay-] option[value^='local:LEM']").first();
  assert.ok((await leman.count()) > 0, "the dairy takes a share in Léman");
  await cheese.locator("select[name^=pay-]").selectOption(await leman.getAttribute("value"));
  await bread.locator("select[name^=delivery-]").selectOption("pickup");
  await fillCamilleContact(camille);
  await screenshot(camille, "basket");
  await checkAccessibility(camille, "the basket and checkout");
  await placeOrders(camille);

  // Camille's cheese order stays open from here on.
  const cheeseOrder = camille.locator("main li", { hasText: "Fromagerie des Bossons" }).locator("a");
  await cheeseOrder.click();
  await camille.waitForURL(/\/commandes\/[0-9a-f]{32}$/);
  await camille.evaluate(() => {
    window.__sameDocument = true;
  });

  // The dairy accepts, takes the Léman payment and hands the parcel to the courier.
  const dairy = await market.loginAs("Fromagerie des Bossons");
  await openIncoming(dairy);
  await step(dairy, "Accepter");
  await step(dairy, "Paiement reçu");
  await screenshot(dairy, "seller-order");
  await step(dairy, "Remise au coursier");
  await dairy.goto(`${dairy.origin}/gestion`);
  await screenshot(dairy, "seller-back-office");

  // The bakery accepts and has the bread ready.
  const bakery = await market.loginAs("Boulangerie des Pâquis");
  await openIncoming(bakery);
  await step(bakery, "Accepter");
  await step(bakery, "Prête à retirer");

  // The courier Camille chose picks the parcel up and delivers it.
  const courierName = ["VéloCargo Genève", "Léman e-Livraisons"].find((n) => courierLabel.includes(n));
  assert.ok(courierName, `the courier is one of the market's: ${courierLabel}`);
  const courier = await market.loginAs(courierName);
  await openIncoming(courier);
  await step(courier, "Colis pris en charge");
  await screenshot(courier, "courier-job");
  await step(courier, "Livrée");

  // Camille's page, never reloaded, now says delivered.
  await waitFor(async () => (await camille.textContent("#stage")).includes("livrée"), "Camille's page showing livrée", 60_000);
  assert.equal(await camille.evaluate(() => window.__sameDocument), true, "the page was not reloaded");
  await screenshot(camille, "order-delivered");
  await checkAccessibility(camille, "an order's page");
});
