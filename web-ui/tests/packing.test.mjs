// A bakery's working day: Camille orders bread twice (two orders, picked up today); the bakery
// opens its packing list from the back office and reads each product's quantity summed over
// the day's orders, checks it against the orders listed below it, and downloads the order
// lines as CSV with both order numbers in it. The page passes axe and fits a 390 px phone.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Market, waitFor, screenshot, checkAccessibility, fillCamilleContact, placeOrders } from "./harness.mjs";

const bakeryName = "Boulangerie des Pâquis";

let market;
before(async () => {
  market = await Market.start();
});
after(async () => {
  await market?.stop();
});

const bread = "Pain tessinois";

/** Camille puts the bakery's Ticino bread in her basket and orders it for pick-up. */
async function orderBread(camille) {
  await camille.goto(`${camille.origin}/recherche?q=${encodeURIComponent(bread)}`);
  const card = camille.locator("article.card", { hasText: bakeryName }).filter({ hasText: bread }).first();
  await waitFor(async () => {
    if ((await card.count()) > 0) return true;
    await camille.reload();
    return false;
  }, "the bakery's bread in Camille's search");
  await card.locator("h3 a").click();
  await camille.click("form[action='/panier'] button");
  await camille.waitForURL(/\/panier$/);
  await camille.locator("section", { hasText: bakeryName }).locator("select[name^=delivery-]").selectOption("pickup");
  await fillCamilleContact(camille);
  await placeOrders(camille);
}

/** The rows of `table` as [title, quantity], read from the page. */
async function rows(table) {
  return table.locator("tbody tr").evaluateAll((trs) =>
    trs.map((tr) => [tr.cells[0].textContent.split(" — ")[0].trim(), Number(tr.cells[1].textContent.trim())]),
  );
}

test("the packing list sums the day's bread over two orders and the lines download as CSV", async () => {
  const camille = await market.loginAs("Camille");
  await orderBread(camille);
  await orderBread(camille);
  // The day the orders came, in Geneva's time as the node counts days: a run that crosses
  // midnight after ordering still opens the list of the orders' day, not the new one's.
  const orderDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Zurich" }).format(new Date());
  const numbers = await camille
    .locator("main li", { hasText: bakeryName })
    .locator("a")
    .evaluateAll((links) => links.map((a) => a.textContent.match(/[0-9A-Z]{4}-[0-9A-Z]{4}/)?.[0]));
  assert.equal(numbers.length, 2, `two bakery orders: ${numbers}`);

  const bakery = await market.loginAs(bakeryName);
  await bakery.goto(`${bakery.origin}/gestion`);
  await Promise.all([bakery.waitForURL(/\/gestion\/preparation\?jour=/), bakery.getByRole("link", { name: "Liste de préparation" }).click()]);
  if (!bakery.url().endsWith(`jour=${orderDay}`)) await bakery.goto(`${bakery.origin}/gestion/preparation?jour=${orderDay}`);
  const cards = bakery.locator("article.packing");
  await waitFor(async () => {
    const text = await bakery.textContent("main");
    if (numbers.every((n) => text.includes(n))) return true;
    await bakery.reload();
    return false;
  }, "both orders on the bakery's packing list");

  const products = await rows(bakery.locator("table.packing"));
  const perOrder = new Map();
  for (let i = 0; i < (await cards.count()); i++) {
    for (const [title, quantity] of await rows(cards.nth(i).locator("table"))) {
      perOrder.set(title, (perOrder.get(title) ?? 0) + quantity);
    }
  }
  assert.ok(products.length > 0, "products listed");
  for (const [title, quantity] of products) {
    assert.equal(quantity, perOrder.get(title), `${title}: the day's total is the sum of its orders`);
  }
  const day = products.find(([title]) => title === bread);
  assert.ok(day && day[1] >= 2, `the bread ordered twice is summed: ${JSON.stringify(products)}`);
  const text = await bakery.textContent("main");
  assert.match(text, /Camille Rochat/);
  assert.match(text, /Retrait chez le vendeur/);
  assert.match(text, /En stock/);
  await screenshot(bakery, "packing-list");
  await checkAccessibility(bakery, "the packing list");
  await bakery.setViewportSize({ width: 390, height: 844 });
  const width = await bakery.evaluate(() => document.documentElement.scrollWidth);
  await screenshot(bakery, "packing-list-mobile");
  assert.ok(width <= 390, `the packing list is no wider than a phone: ${width}px`);
  await bakery.setViewportSize({ width: 1280, height: 900 });

  // The order lines, as the bookkeeper gets them.
  await bakery.goto(`${bakery.origin}/gestion?etat=toutes`);
  await checkAccessibility(bakery, "the back office's filtered orders");
  const [download] = await Promise.all([
    bakery.waitForEvent("download"),
    bakery.getByRole("link", { name: "Exporter les lignes de commande (CSV)" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "smartket-lignes.csv");
  const csv = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "");
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  assert.match(header, /^Commande;Date;Client;Article;Variante;Quantité;Unité;Prix unitaire;Total de la ligne;Monnaie/);
  for (const number of numbers) {
    assert.ok(lines.some((l) => l.startsWith(`${number};`) && l.includes("Camille Rochat")), `${number} in the CSV:\n${csv}`);
  }
});
