// A basket like a shop's, read from the page: Camille chooses a quantity on the offer page,
// changes another in the basket, has the cheese brought by a courier and reads the fee, each
// seller's total and the grand total before ordering; a wrong phone number is said beside its
// field; the confirmation lists both sellers' orders by number; the next checkout is filled
// with her contact and address. Labels show by the name their certifier gives them, with what
// they mean a tap away.

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

/** Finds `words` from `seller`, opens the offer and puts `quantity` in the basket. */
async function addFrom(page, words, seller, quantity = 1) {
  await page.goto(`${page.origin}/recherche?q=${encodeURIComponent(words)}`);
  const card = page.locator("article.card", { hasText: seller }).first();
  await waitFor(async () => {
    if ((await card.count()) > 0) return true;
    await page.reload();
    return false;
  }, `an offer of ${seller} for "${words}"`);
  await card.locator("h3 a").click();
  await page.fill("form[action='/panier'] input[name=quantity]", String(quantity));
  await Promise.all([page.waitForURL(/\/panier$/), page.click("form[action='/panier'] button")]);
}

/** `CHF 12.50` → 1250 (centimes), from the first franc amount in `text`. */
function centimes(text) {
  const found = text.match(/CHF ([\d']+)\.(\d\d)/);
  assert.ok(found, `a franc amount in ${JSON.stringify(text)}`);
  return Number(found[1].replaceAll("'", "")) * 100 + Number(found[2]);
}

/** Posts the basket's form to "update" and waits for the page to come back. */
async function update(page) {
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/panier/maj") && r.request().method() === "POST"),
    page.click("button[formaction='/panier/maj']"),
  ]);
  await page.waitForLoadState("load");
}

/** Each seller's part of the basket: its section, its line rows. */
function part(page, seller) {
  return page.locator("section.seller-part", { hasText: seller });
}

test("Camille changes quantities, reads fee and totals, orders two sellers and reads both numbers", async () => {
  const camille = await market.loginAs("Camille");
  await addFrom(camille, "tomme", "Fromagerie des Bossons", 2);
  await addFrom(camille, "pain", "Boulangerie des Pâquis");
  const cheese = part(camille, "Fromagerie des Bossons");
  const bread = part(camille, "Boulangerie des Pâquis");
  assert.equal(await cheese.locator("input[name^=qty-]").inputValue(), "2", "the quantity chosen on the offer page");

  // The bread's quantity changed in place: the line total follows.
  await bread.locator("input[name^=qty-]").fill("3");
  await update(camille);
  assert.equal(await bread.locator("input[name^=qty-]").inputValue(), "3");
  const unit = centimes(await bread.locator("li.line .what .muted").textContent());
  assert.equal(centimes(await bread.locator("li.line .line-total").textContent()), 3 * unit, "3 × the unit price");

  // The cheese brought by a courier: its fee shown before ordering, in the totals.
  const courier = cheese.locator("select[name^=delivery-] option[value^='courier:']").first();
  await cheese.locator("select[name^=delivery-]").selectOption(await courier.getAttribute("value"));
  await bread.locator("select[name^=delivery-]").selectOption("pickup");
  await update(camille);
  const fee = centimes(await cheese.locator("dd.fee").textContent());
  assert.ok(fee > 0, "a courier's fee");
  assert.match(await bread.locator("dd.fee").textContent(), /retrait/);
  const totals = async (section) => {
    const dd = section.locator("dl.totals dd");
    return { goods: centimes(await dd.nth(0).textContent()), total: centimes(await dd.nth(2).textContent()) };
  };
  const c = await totals(cheese);
  const b = await totals(bread);
  assert.equal(c.total, c.goods + fee, "the dairy's total is its goods and the fee");
  assert.equal(b.total, b.goods);
  const grand = camille.locator("section.grand-total li", { hasText: "CHF" });
  assert.equal(centimes(await grand.textContent()), c.total + b.total, "the grand total across sellers");
  await screenshot(camille, "basket-totals");
  await checkAccessibility(camille, "the basket with its totals");

  // A wrong phone number is said beside its field; nothing is ordered.
  await fillCamilleContact(camille);
  await camille.fill("input[name=phone]", "appelez-moi");
  await Promise.all([
    camille.waitForResponse((r) => r.url().endsWith("/commander") && r.status() === 422),
    camille.click("form[action='/commander'] button[type=submit]:not([formaction])"),
  ]);
  await camille.waitForLoadState("load");
  assert.equal(await camille.getAttribute("input[name=phone]", "aria-describedby"), "phone-error");
  assert.match(await camille.textContent("#phone-error"), /téléphone invalide/);
  assert.equal(await camille.inputValue("input[name=street]"), "Rue de Carouge 18", "the form comes back as typed");
  await checkAccessibility(camille, "the basket with a refused field");

  // Ordered: the confirmation names each seller's order by its number.
  await camille.fill("input[name=phone]", "+41 79 555 12 34");
  await placeOrders(camille);
  const confirmation = camille.locator("section.confirmation");
  assert.match(await confirmation.locator("h1").textContent(), /2 commandes sont envoyées/);
  const numbers = {};
  for (const seller of ["Fromagerie des Bossons", "Boulangerie des Pâquis"]) {
    const line = await confirmation.locator("li", { hasText: seller }).textContent();
    numbers[seller] = line.match(/[0-9A-Z]{4}-[0-9A-Z]{4}/)?.[0];
    assert.ok(numbers[seller], `a number for ${seller}: ${line}`);
  }
  assert.notEqual(numbers["Fromagerie des Bossons"], numbers["Boulangerie des Pâquis"]);
  await screenshot(camille, "checkout-confirmation");
  await checkAccessibility(camille, "the confirmation");
  await confirmation.locator("li", { hasText: "Fromagerie des Bossons" }).locator("a").click();
  await camille.waitForURL(/\/commandes\/[0-9a-f]{32}$/);
  assert.match(await camille.textContent("h1"), new RegExp(numbers["Fromagerie des Bossons"]));

  // The next basket is filled with her contact and address; she orders without typing them.
  await addFrom(camille, "pain", "Boulangerie des Pâquis");
  assert.equal(await camille.inputValue("input[name=name]"), "Camille Rochat");
  assert.equal(await camille.inputValue("input[name=phone]"), "+41 79 555 12 34");
  assert.equal(await camille.inputValue("input[name=postcode]"), "1205");
  await camille.setViewportSize({ width: 390, height: 844 });
  const width = await camille.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the basket is no wider than a phone: ${width}px`);
  await camille.setViewportSize({ width: 1280, height: 900 });
  await placeOrders(camille);
  const again = await camille.locator("section.confirmation li").textContent();
  assert.match(again, /Boulangerie des Pâquis/);
  assert.match(again, /[0-9A-Z]{4}-[0-9A-Z]{4}/);
});

test("labels show by their certifier's name in results, facets, the offer and the seller's page", async () => {
  const camille = await market.loginAs("Camille");
  const grta = "Genève Région – Terre Avenir";
  // Attestations and the certifier's profile reach Camille's node by gossip: search again
  // until they are there.
  const card = camille.locator("article.card", { hasText: "Fromagerie des Bossons" }).first();
  await waitFor(async () => {
    await camille.goto(`${camille.origin}/recherche?q=tomme`);
    return (await card.locator("abbr", { hasText: grta }).count()) > 0;
  }, "the GRTA label by name on the dairy's tomme");
  const title = await card.locator("abbr", { hasText: grta }).getAttribute("title");
  assert.match(title, /Certification Terroir Léman/, "the issuer in the label's explanation");
  assert.ok(!(await card.textContent()).includes("grta"), "no raw code on the card");
  const facet = camille.locator("aside.filters label", { has: camille.locator("input[name=label][value=grta]") });
  assert.match(await facet.textContent(), new RegExp(grta));

  await card.locator("h3 a").click();
  await camille.waitForURL(/\/annonce\//);
  const label = camille.locator("ul.labels details.label", { hasText: grta }).first();
  assert.match(await label.locator("summary").textContent(), /attesté par Certification Terroir Léman/);
  assert.equal(await label.locator("p").first().isVisible(), false, "the explanation waits for a tap");
  await label.locator("summary").click();
  assert.match(await label.locator("p").first().textContent(), /Label régional genevois/);
  await screenshot(camille, "offer-labels");
  await checkAccessibility(camille, "an offer with its labels");

  await camille.click("a[href^='/vendeur/']");
  await camille.waitForURL(/\/vendeur\//);
  assert.ok((await camille.locator("ul.labels summary", { hasText: grta }).count()) > 0, "the seller's label by name");
});
