// Getting in and staying in, as people do: Camille closes her browser and is still logged in,
// logs out and is out; two actors of the demo stay logged in side by side in one browser; a
// courier pairs a phone by the QR code's link over HTTPS (the phone's browser accepting only
// the node's pinned certificate), sees only the courier's pages, picks a parcel up from it,
// and loses access when the courier revokes the phone.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  Market, waitFor, screenshot, checkAccessibility, fillCamilleContact, placeOrders, newLink, phoneBrowser,
} from "./harness.mjs";

let market;
before(async () => {
  market = await Market.start();
});
after(async () => {
  await market?.stop();
});

const desktop = { viewport: { width: 1280, height: 900 }, locale: "fr-CH" };

/** Opens `link` in `context`; the page, logged in. */
async function open(context, link) {
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  page.origin = new URL(link).origin;
  const response = await page.goto(link);
  assert.equal(response.status(), 200, `logging in with ${link}`);
  return page;
}

test("a session survives closing the browser, logging out ends it, two actors stay apart", async () => {
  const first = await market.browser.newContext(desktop);
  const camille = await open(first, await newLink(market, "camille"));
  assert.match(await camille.textContent("header"), /Se déconnecter/);
  const kept = await first.storageState();
  await first.close();

  const again = await market.browser.newContext({ ...desktop, storageState: kept });
  const back = await again.newPage();
  const response = await back.goto(camille.origin + "/commandes");
  assert.equal(response.status(), 200, "still logged in after the browser was closed");

  const dairy = await open(again, await newLink(market, "Fromagerie des Bossons"));
  const names = (await again.cookies()).map((c) => c.name).filter((n) => n.startsWith("smartket_"));
  assert.equal(new Set(names).size, 2, `one cookie per node: ${names}`);
  for (const [page, path] of [[back, "/commandes"], [dairy, "/gestion"]]) {
    const r = await page.goto(page.url().replace(/^(https?:\/\/[^/]+).*$/, "$1") + path);
    assert.equal(r.status(), 200, `${path} still open with both logged in`);
  }

  await back.goto(camille.origin + "/parametres/acces");
  assert.match(await back.textContent("main"), /ce navigateur/);
  await checkAccessibility(back, "the access page");
  await Promise.all([back.waitForLoadState("load"), back.getByRole("button", { name: "Se déconnecter" }).first().click()]);
  assert.match(await back.textContent("main"), /Connexion nécessaire/);
  assert.match(await back.textContent("main"), /smartket login/);
  const out = await back.goto(camille.origin + "/commandes");
  assert.equal(out.status(), 401, "logged out stays out");
  const dairyStill = await dairy.goto(new URL(dairy.url()).origin + "/gestion");
  assert.equal(dairyStill.status(), 200, "logging Camille out leaves the dairy logged in");
  await again.close();
});

test("a courier's phone pairs by QR code over HTTPS, picks a parcel up, and is locked out when revoked", async () => {
  // Camille orders cheese delivered by a courier; the dairy accepts and hands it over.
  const camille = await open(await market.browser.newContext(desktop), await newLink(market, "camille"));
  await camille.goto(`${camille.origin}/recherche?q=tomme`);
  const card = camille.locator("article.card", { hasText: "Fromagerie des Bossons" }).first();
  await waitFor(async () => {
    if ((await card.count()) > 0) return true;
    await camille.reload();
    return false;
  }, "the dairy's cheese in Camille's search");
  await card.locator("h3 a").click();
  await camille.click("form[action='/panier'] button");
  await camille.waitForURL(/\/panier$/);
  const option = camille.locator("select[name^=delivery-] option[value^='courier:']").first();
  const courierLabel = await option.textContent();
  await camille.locator("select[name^=delivery-]").selectOption(await option.getAttribute("value"));
  await fillCamilleContact(camille);
  await placeOrders(camille);

  const dairy = await open(await market.browser.newContext(desktop), await newLink(market, "Fromagerie des Bossons"));
  const incoming = dairy.locator("main a[href^='/commandes/']").first();
  await waitFor(async () => {
    await dairy.goto(`${dairy.origin}/gestion`);
    return (await incoming.count()) > 0;
  }, "Camille's order at the dairy");
  await incoming.click();
  for (const label of ["Accepter", "Remise au coursier"]) {
    const button = dairy.getByRole("button", { name: label, exact: true });
    await waitFor(async () => {
      if ((await button.count()) > 0) return true;
      await dairy.reload();
      return false;
    }, `the dairy's "${label}" button`);
    await Promise.all([dairy.waitForLoadState("load"), button.click()]);
  }

  // The courier pairs a phone from its access page.
  const courierName = ["VéloCargo Genève", "Léman e-Livraisons"].find((n) => courierLabel.includes(n));
  const owner = await open(await market.browser.newContext(desktop), await newLink(market, courierName));
  await owner.goto(`${owner.origin}/parametres/acces`);
  await owner.fill("input[name=name]", "Téléphone de Sam");
  await owner.selectOption("select[name=scope]", "courier");
  await Promise.all([owner.waitForLoadState("load"), owner.getByRole("button", { name: "Afficher le code QR" }).click()]);
  assert.equal(await owner.locator("[data-pairing-qr] svg").count(), 1, "a QR code");
  const link = (await owner.textContent("[data-pairing-link]")).trim();
  const fingerprint = (await owner.textContent("[data-fingerprint]")).trim();
  assert.match(link, /^https:\/\/127\.0\.0\.1:\d+\/login\?token=[0-9a-f]{64}#spki=/);
  assert.match(fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  await screenshot(owner, "access-pair");
  await checkAccessibility(owner, "the pairing page");

  const pin = decodeURIComponent(link.split("#spki=")[1]);
  const phone = await phoneBrowser(pin);
  try {
    const context = await phone.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: "fr-CH" });
    const sam = await context.newPage();
    sam.setDefaultTimeout(60_000);
    const paired = await sam.goto(link);
    assert.equal(paired.status(), 200);
    // The fragment rides along through the redirect, as browsers keep it.
    assert.match(sam.url(), /^https:\/\/127\.0\.0\.1:\d+\/gestion\/tournee(#spki=.*)?$/);
    const origin = new URL(sam.url()).origin;
    const nav = await sam.textContent("header nav");
    assert.ok(!nav.includes("Boutique") && !nav.includes("Paramètres"), `only the courier's links: ${nav}`);
    const pickUp = sam.getByRole("button", { name: "Colis pris en charge", exact: true });
    await waitFor(async () => {
      if ((await pickUp.count()) > 0) return true;
      await sam.reload();
      return false;
    }, "the job's pick-up button on the phone");
    await Promise.all([sam.waitForLoadState("load"), pickUp.first().click()]);
    await waitFor(async () => (await sam.getByRole("button", { name: "Livrée", exact: true }).count()) > 0,
      "the next step, delivered, after the pick-up made from the phone");
    const width = await sam.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the phone's page fits: ${width}px`);
    await screenshot(sam, "access-phone-day");
    const shop = await sam.goto(origin + "/");
    assert.equal(shop.status(), 403, "the shop is not the phone's");
    assert.match(await sam.textContent("main"), /Page non accessible/);
    const settings = await sam.goto(origin + "/parametres/acces");
    assert.equal(settings.status(), 403);

    // The courier sees the phone in its list and revokes it.
    await owner.goto(`${owner.origin}/parametres/acces`);
    const row = owner.locator("tr", { hasText: "Téléphone de Sam" });
    assert.equal(await row.count(), 1, "the phone is listed");
    assert.match(await row.textContent(), /Coursier/);
    await screenshot(owner, "access-devices");
    await Promise.all([owner.waitForLoadState("load"), row.getByRole("button", { name: "Révoquer" }).click()]);
    assert.equal(await owner.locator("tr", { hasText: "Téléphone de Sam" }).count(), 0);
    const locked = await sam.goto(origin + "/gestion/tournee");
    assert.equal(locked.status(), 401, "a revoked phone is out");
    const reused = await sam.goto(link);
    assert.equal(reused.status(), 401, "the pairing link worked once");
  } finally {
    await phone.close();
  }
});
