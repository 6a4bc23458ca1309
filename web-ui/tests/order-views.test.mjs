// One basket, two sellers, three parties: each reads on its own pages exactly its part of the
// order — the consumer both orders, each seller its own items, customer and address and
// nothing of the other's order, the courier the stops and its fee but no prices — under the
// same order number everywhere; and the courier's day lists the job with its addresses.

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

/** Finds `words` from `seller` and puts one in the basket. */
async function addFrom(page, words, seller) {
  await page.goto(`${page.origin}/recherche?q=${encodeURIComponent(words)}`);
  const card = page.locator("article.card", { hasText: seller }).first();
  await waitFor(async () => {
    if ((await card.count()) > 0) return true;
    await page.reload();
    return false;
  }, `an offer of ${seller} for "${words}"`);
  await card.locator("h3 a").click();
  await page.click("form[action='/panier'] button");
  await page.waitForURL(/\/panier$/);
}

/** The order's number, items table and whole text, as the page shows them. */
async function read(page) {
  const title = await page.textContent("h1");
  const number = title.match(/[0-9A-Z]{4}-[0-9A-Z]{4}/)?.[0];
  const items = (await page.locator("table.lines").count()) > 0 ? await page.textContent("table.lines tbody") : null;
  return { number, items, text: await page.textContent("main") };
}

/** Opens, from `page`'s back office, the order numbered `number` (waits for it to arrive). */
async function openByNumber(page, number) {
  const link = page.locator(`main a[href^='/commandes/']`, { hasText: number });
  await waitFor(async () => {
    await page.goto(`${page.origin}/gestion`);
    return (await link.count()) > 0;
  }, `order ${number} in the back office of ${page.origin}`);
  await link.click();
  await page.waitForURL(/\/commandes\/[0-9a-f]{32}$/);
}

test("each party of a two-seller order sees its part under one number, the other seller nothing", async () => {
  const camille = await market.loginAs("Camille");
  await addFrom(camille, "tomme", "Fromagerie des Bossons");
  await addFrom(camille, "pain", "Boulangerie des Pâquis");
  const cheese = camille.locator("section", { hasText: "Fromagerie des Bossons" });
  const bread = camille.locator("section", { hasText: "Boulangerie des Pâquis" });
  const courierOption = cheese.locator("select[name^=delivery-] option[value^='courier:']").first();
  const courierLabel = await courierOption.textContent();
  await cheese.locator("select[name^=delivery-]").selectOption(await courierOption.getAttribute("value"));
  const leman = cheese.locator("select[name^=pay-] option[value^='local:LEM']").first();
  await cheese.locator("select[name^=pay-]").selectOption(await leman.getAttribute("value"));
  await bread.locator("select[name^=delivery-]").selectOption("pickup");
  await fillCamilleContact(camille);
  await placeOrders(camille);

  // Camille's two orders, as she sees them.
  const mine = {};
  for (const [seller, key] of [["Fromagerie des Bossons", "cheese"], ["Boulangerie des Pâquis", "bread"]]) {
    await camille.goto(`${camille.origin}/commandes`);
    await camille.locator("main li", { hasText: seller }).locator("a").click();
    await camille.waitForURL(/\/commandes\/[0-9a-f]{32}$/);
    mine[key] = { ...(await read(camille)), url: new URL(camille.url()).pathname };
    assert.ok(mine[key].number, `a number on Camille's ${key} order`);
    assert.match(mine[key].text, /Vous\s*Camille Rochat/, mine[key].text);
    assert.match(mine[key].text, /Total/);
  }
  assert.notEqual(mine.cheese.number, mine.bread.number);
  assert.match(mine.cheese.text, /Rue de Carouge 18/);
  assert.match(mine.cheese.text, /Part en monnaie locale/);
  assert.match(mine.bread.text, /Retrait chez le vendeur/);
  await camille.goto(`${camille.origin}${mine.cheese.url}`);
  await screenshot(camille, "order-consumer");
  await checkAccessibility(camille, "the consumer's order page");

  // The dairy: its order, same number and items, Camille's contact and address; no bread.
  const dairy = await market.loginAs("Fromagerie des Bossons");
  await openByNumber(dairy, mine.cheese.number);
  const dairySees = await read(dairy);
  assert.equal(dairySees.number, mine.cheese.number);
  assert.equal(dairySees.items, mine.cheese.items, "the dairy sees the items Camille bought from it");
  assert.match(dairySees.text, /Client\s*Camille Rochat/);
  assert.ok(await dairy.locator("a[href='tel:+41795551234']").count(), "Camille's phone is a tel: link");
  assert.match(dairySees.text, /Rue de Carouge 18/);
  assert.ok(!dairySees.text.includes(mine.bread.items.trim().split("\n")[0].trim()), "nothing of the bread order");
  await screenshot(dairy, "order-seller");
  await checkAccessibility(dairy, "the seller's order page");

  // The bakery: its bread order only, no address (picked up); the cheese order is not there.
  const bakery = await market.loginAs("Boulangerie des Pâquis");
  await openByNumber(bakery, mine.bread.number);
  const bakerySees = await read(bakery);
  assert.equal(bakerySees.items, mine.bread.items);
  assert.ok(!bakerySees.text.includes("Rue de Carouge 18"), "no delivery address for a pick-up");
  const other = await bakery.goto(`${bakery.origin}${mine.cheese.url}`);
  assert.equal(other.status(), 404, "the bakery holds nothing of the dairy's order");
  const otherText = await bakery.textContent("main");
  assert.ok(!otherText.includes(mine.cheese.number) && !otherText.includes("Camille"), otherText);
  await bakery.goto(`${bakery.origin}/gestion`);
  assert.ok(!(await bakery.textContent("main")).includes(mine.cheese.number), "nor in its back office");

  // The dairy accepts: the job goes to the courier, who sees stops and fee, not prices.
  await dairy.goto(`${dairy.origin}${mine.cheese.url}`);
  await Promise.all([dairy.waitForLoadState("load"), dairy.getByRole("button", { name: "Accepter", exact: true }).click()]);
  const courierName = ["VéloCargo Genève", "Léman e-Livraisons"].find((n) => courierLabel.includes(n));
  const courier = await market.loginAs(courierName);
  await openByNumber(courier, mine.cheese.number);
  const courierSees = await read(courier);
  assert.equal(courierSees.number, mine.cheese.number);
  assert.equal(courierSees.items, null, "no items for the courier");
  assert.match(courierSees.text, /Enlèvement[\s\S]*Fromagerie des Bossons/);
  assert.match(courierSees.text, /Livraison[\s\S]*Camille Rochat[\s\S]*Rue de Carouge 18/);
  assert.match(courierSees.text, /Rémunération/);
  for (const hidden of ["Prix unitaire", "Montants", "Part en monnaie locale"]) {
    assert.ok(!courierSees.text.includes(hidden), `${hidden} is not for the courier`);
  }
  await screenshot(courier, "order-courier");
  await checkAccessibility(courier, "the courier's order page");

  // The courier's day lists the job with both addresses, and fits a phone.
  await courier.goto(`${courier.origin}/gestion/tournee`);
  const day = courier.locator("article.job", { hasText: mine.cheese.number });
  assert.equal(await day.count(), 1);
  const dayText = await day.textContent();
  assert.match(dayText, /Rue de Carouge 18/);
  assert.match(dayText, /Camille Rochat/);
  assert.match(await courier.textContent("ol.route"), new RegExp(mine.cheese.number));
  await screenshot(courier, "courier-day");
  await checkAccessibility(courier, "the courier's day");
  await courier.setViewportSize({ width: 390, height: 844 });
  const width = await courier.evaluate(() => document.documentElement.scrollWidth);
  await screenshot(courier, "courier-day-mobile");
  assert.ok(width <= 390, `the courier's day is no wider than a phone: ${width}px`);
});
