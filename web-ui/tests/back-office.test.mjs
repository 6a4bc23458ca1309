// A producer's back office in a real browser: a whole catalogue imported from a CSV file (200
// lines, 3 of them wrong and reported, not imported) and a listing made by hand with a picture
// previewed before upload; Camille, on her own node, finds both through the network.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Market, waitFor, screenshot, checkAccessibility, root } from "./harness.mjs";

let market;
before(async () => {
  market = await Market.start();
});
after(async () => {
  await market?.stop();
});

const BAD = new Set([17, 88, 150]);

/** 200 bowls as a spreadsheet exports them (semicolons), three lines wrong in different ways. */
function catalogue() {
  const lines = ["key;title_fr;title_en;category;price;unit;stock;local_share_pct;pickup_place;pickup_postcode;courier"];
  for (let i = 0; i < 200; i++) {
    if (i === 17) lines.push(`bol-${i};Bol émaillé glacis n°${i};;crafts.ceramics;vingt;piece;3;;Atelier;1227;oui`);
    else if (i === 88) lines.push(`bol-${i};Bol émaillé glacis n°${i};;crafts.pottery-of-mars;20;piece;3;;Atelier;1227;oui`);
    else if (i === 150) lines.push(`bol-${i};;;crafts.ceramics;20;piece;3;;;;`);
    else lines.push(`bol-${i};Bol émaillé glacis n°${i};Glazed bowl no. ${i};crafts.ceramics;${20 + (i % 9)}.50;piece;${i % 5};20;Atelier Terre et Feu;1227;oui`);
  }
  return lines.join("\n") + "\n";
}

/** The number of results Camille's search for `words` shows. */
async function resultCount(page, words) {
  await page.goto(`${page.origin}/recherche?q=${encodeURIComponent(words)}`);
  const heading = await page.textContent("h1");
  return Number(heading.match(/\d+/)?.[0] ?? 0);
}

test("a producer imports a CSV catalogue with bad lines reported, and the market finds it", async () => {
  const atelier = await market.loginAs("Atelier Terre et Feu");
  await atelier.goto(`${atelier.origin}/gestion/import`);
  await checkAccessibility(atelier, "the import page");
  const dir = mkdtempSync(join(tmpdir(), "smartket-csv-"));
  const file = join(dir, "catalogue.csv");
  writeFileSync(file, catalogue());
  await atelier.setInputFiles("input[name=csv]", file);
  await Promise.all([atelier.waitForURL(/\/gestion\/import\/[0-9a-f]+$/), atelier.click("form[enctype] button[type=submit]")]);

  const lead = await atelier.textContent("p.lead");
  assert.match(lead, /200 lignes lues : 197 prêtes/, lead);
  const refused = await atelier.locator("tbody tr").allTextContents();
  assert.equal(refused.length, 3, refused.join("\n"));
  for (const i of BAD) {
    assert.ok(refused.some((row) => row.startsWith(String(i + 2)) && row.includes(`bol-${i}`)), `line ${i + 2} is reported`);
  }
  await screenshot(atelier, "import-check");
  await checkAccessibility(atelier, "the import check");

  await atelier.click("text=Importer les 197 annonces prêtes");
  await waitFor(
    async () => (await atelier.locator("[data-import-progress=done]").count()) > 0,
    "the import to finish (the page follows its progress)",
    120_000,
  );
  assert.match(await atelier.textContent("[data-import-progress=done]"), /197 annonces publiées/);
  await screenshot(atelier, "import-done");

  // Camille's node receives them over gossip; the wrong lines are nowhere.
  const camille = await market.loginAs("Camille");
  await waitFor(async () => (await resultCount(camille, "glacis")) === 197, "Camille finding the 197 bowls", 120_000);
  await camille.goto(`${camille.origin}/recherche?q=${encodeURIComponent("glacis n°88")}`);
  assert.equal(await camille.locator("article.card", { hasText: "n°88" }).count(), 0, "line 90 was not imported");
});

test("a producer makes a listing by hand with a picture previewed before upload", async () => {
  const atelier = await market.loginAs("Atelier Terre et Feu");
  await atelier.goto(`${atelier.origin}/gestion/annonces/nouvelle`);
  await atelier.fill("#f-title_fr", "Théière raku fumée");
  await atelier.fill("#f-title_en", "Smoked raku teapot");
  await atelier.selectOption("#f-category", "crafts.ceramics");
  await atelier.fill("#f-price", "quatre-vingts");
  await atelier.fill("#f-key", "theiere-raku");
  await atelier.fill("#f-pickup_place", "Atelier Terre et Feu");
  await atelier.fill("#f-pickup_postcode", "1227");
  await atelier.click("form.stacked button[type=submit]");
  assert.match(await atelier.textContent("#e-price"), /Montant invalide/, "a wrong price is said next to its field");
  assert.equal(await atelier.inputValue("#f-title_fr"), "Théière raku fumée", "what was typed stays");
  await atelier.fill("#f-price", "84.00");
  await Promise.all([atelier.waitForURL(/theiere-raku\?notice=listing-saved/), atelier.click("form.stacked button[type=submit]")]);
  await checkAccessibility(atelier, "the listing form");

  await atelier.setInputFiles("#image", join(root, "examples", "geneva", "pictures", "bowl.png"));
  await waitFor(async () => !(await atelier.locator("#preview").isHidden()), "the picture's preview");
  assert.match(await atelier.getAttribute("#preview", "src"), /^blob:/);
  await screenshot(atelier, "listing-form");
  await Promise.all([atelier.waitForURL(/picture-added/), atelier.click("text=Envoyer la photo")]);
  assert.equal(await atelier.locator("ul.thumbs img").count(), 1);

  const camille = await market.loginAs("Camille");
  const card = camille.locator("article.card", { hasText: "Théière raku fumée" });
  await waitFor(
    async () => (await resultCount(camille, "théière raku")) >= 1 && (await card.locator("img").count()) === 1,
    "Camille finding the teapot with its picture",
    120_000,
  );
  await camille.click("text=Théière raku fumée");
  await waitFor(
    async () => camille.evaluate(() => [...document.images].some((i) => i.complete && i.naturalWidth > 0 && i.src.includes("/blobs/"))),
    "the teapot's picture, fetched from the atelier's node, shown on Camille's node",
  );
});

test("the node pages of each actor pass axe: settings, status, delivery offers, labels issued", async () => {
  const pages = [
    ["Camille", "/parametres", "settings"],
    ["Camille", "/etat", "status"],
    ["VéloCargo Genève", "/gestion/livraison", "courier-offers"],
    ["Certification Terroir Léman", "/gestion/attestations", "certifier-labels"],
    ["Terroir en ville", "/gestion/adhesions", "platform-memberships"],
    ["Fromagerie des Bossons", "/gestion/profil", "seller-profile"],
  ];
  for (const [actor, path, name] of pages) {
    const page = await market.loginAs(actor);
    const response = await page.goto(`${page.origin}${path}`);
    assert.equal(response.status(), 200, `${actor} ${path}`);
    await screenshot(page, name);
    await checkAccessibility(page, `${path} of ${actor}`);
    await page.close();
  }
});
