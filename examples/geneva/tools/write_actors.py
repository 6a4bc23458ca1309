#!/usr/bin/env python3
"""Wrote the first version of examples/geneva/actors/*.toml from the product tables below.

The TOML files are the source of truth now — edit them by hand. Rerunning this script
overwrites them (deterministic: a fixed random seed), which is only useful to start over.
"""
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "actors")
RNG = random.Random(1815)  # Geneva joined the Confederation in 1815.

# Certification periods, in ms since the epoch (1 Jan 2026 .. 1 Jan 2028, UTC).
FROM_2026 = 1_767_225_600_000
UNTIL_2028 = 1_830_297_600_000


def q(s):
    return json.dumps(s, ensure_ascii=False)


def inline(v):
    """A value as TOML inline syntax (dicts become inline tables)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return q(v)
    if isinstance(v, list):
        return "[" + ", ".join(inline(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {inline(x)}" for k, x in v.items()) + " }"
    raise TypeError(v)


def uid(n8):
    """A Swiss UID with a correct mod-11 check digit (retrying past the invalid 10)."""
    while True:
        d = [int(c) for c in f"{n8:08d}"]
        s = sum(a * b for a, b in zip(d, [5, 4, 3, 2, 7, 6, 5, 4]))
        check = 11 - s % 11
        if check == 11:
            check = 0
        if check != 10:
            t = f"{n8:08d}{check}"
            return f"CHE-{t[0:3]}.{t[3:6]}.{t[6:9]}"
        n8 += 1


def iban_ok(iban):
    s = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


# SIX's published QR-IBAN example, and a classic CH IBAN example.
QR_IBAN = "CH4431999123000889012"
IBAN = "CH9300762011623852957"
assert iban_ok(QR_IBAN) and iban_ok(IBAN)


def slot(day, h0, m0, h1, m1):
    return {"day": day, "start": h0 * 60 + m0, "end": h1 * 60 + m1}


def text(fr, en):
    return {"fr": fr, "en": en}


def write_actor(a):
    lines = [f"# {a['comment']}", "# Format: ../README.md. Bodies use the protocol's field names (spec/kinds.md).", ""]
    lines.append(f"slug = {q(a['slug'])}")
    lines.append(f"role = {q(a['role'])}")
    if not a.get("node", True):
        lines.append("node = false")
    lines.append("")
    lines.append("[profile]")
    p = a["profile"]
    for k, v in p.items():
        if k in ("name", "description", "address", "contact", "hours", "payment"):
            continue
        lines.append(f"{k} = {inline(v)}")
    for k in ("name", "description", "address", "contact"):
        if k in p:
            lines.append("")
            lines.append(f"[profile.{k}]")
            for kk, vv in p[k].items():
                lines.append(f"{kk} = {inline(vv)}")
    for h in p.get("hours", []):
        lines += ["", "[[profile.hours]]"] + [f"{k} = {inline(v)}" for k, v in h.items()]
    for m in p.get("payment", []):
        lines += ["", "[[profile.payment]]"] + [f"{k} = {inline(v)}" for k, v in m.items()]
    for section in ("memberships", "delivery_offers", "attestations", "listings"):
        for item in a.get(section, []):
            lines += ["", f"[[{section}]]"] + [f"{k} = {inline(v)}" for k, v in item.items()]
    with open(os.path.join(OUT, a["slug"] + ".toml"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def listing(key, cat, fr, en, dfr, den, amount, unit, pic, ful, origin=None, stock=None,
            local=None, variants=None, lead=None, service=None, behalf=None):
    item = {"key": key, "category": cat, "title": text(fr, en), "description": text(dfr, den),
            "price": {"amount": amount, "currency": "CHF", "unit": unit}}
    if local:
        item["local_share_pct"] = local
    if variants:
        item["variants"] = variants
    if stock is not None:
        item["stock"] = stock
    item["images"] = [pic]
    if origin:
        item["origin"] = origin
    if ful:
        item["fulfilment"] = ful
    if lead is not None:
        item["lead_time_h"] = lead
    if service:
        item["service"] = service
    if behalf:
        item["on_behalf_of"] = behalf
    return item


def slugify(s):
    out = s.lower()
    for a, b in (("é", "e"), ("è", "e"), ("ê", "e"), ("à", "a"), ("â", "a"), ("ô", "o"), ("ù", "u"),
                 ("û", "u"), ("ç", "c"), ("î", "i"), ("ï", "i"), ("œ", "oe"), ("'", "-"), (" ", "-")):
        out = out.replace(a, b)
    return "".join(c for c in out if c.isalnum() or c == "-").strip("-")


CENTRE = ["1201", "1202", "1203", "1204", "1205", "1206", "1207", "1208", "1209"]

# ------------------------------------------------------------------------------------------------
# Ferme du Crêt, Jussy: vegetables, fruit, eggs, seedlings, flowers, baskets.
# ------------------------------------------------------------------------------------------------
FARM_PICKUP = {"type": "pickup", "place": "Ferme du Crêt, Route de Jussy 210, Jussy", "postcode": "1254",
               "hours": [slot("wed", 16, 0, 19, 0), slot("sat", 8, 0, 12, 0)]}
MARKET_PICKUP = {"type": "pickup", "place": "Marché de Plainpalais, stand 14", "postcode": "1205",
                 "hours": [slot("tue", 7, 0, 13, 0), slot("fri", 7, 0, 13, 0)]}
VEG = [
    # fr, en, phrase fr, phrase en, CHF/kg centimes, picture
    ("Carottes", "Carrots", "Carottes douces, lavées", "Sweet carrots, washed", 450, "carrots"),
    ("Carottes jaunes", "Yellow carrots", "Variété ancienne, goût de noisette", "Heirloom variety with a nutty taste", 560, "carrots"),
    ("Betteraves rouges", "Beetroot", "Crues, à râper ou rôtir", "Raw, to grate or roast", 420, "cabbage"),
    ("Betteraves Chioggia", "Chioggia beetroot", "Chair rayée rose et blanc", "Pink and white striped flesh", 520, "cabbage"),
    ("Pommes de terre Charlotte", "Charlotte potatoes", "Chair ferme, idéales en salade", "Firm flesh, ideal for salads", 380, "potatoes"),
    ("Pommes de terre Agria", "Agria potatoes", "Farineuses, pour frites et purée", "Floury, for chips and mash", 320, "potatoes"),
    ("Pommes de terre nouvelles", "New potatoes", "Peau fine, à cuire avec la peau", "Thin skin, cook them unpeeled", 520, "potatoes"),
    ("Poireaux", "Leeks", "Fûts longs et blancs", "Long white stems", 590, "leeks"),
    ("Oignons jaunes", "Yellow onions", "Séchés à la ferme, bonne conservation", "Dried on the farm, keep well", 360, "potatoes"),
    ("Oignons rouges", "Red onions", "Doux, pour les salades", "Mild, for salads", 480, "potatoes"),
    ("Échalotes", "Shallots", "Échalotes grises de Jussy", "Grey shallots from Jussy", 1200, "potatoes"),
    ("Ail", "Garlic", "Ail violet séché", "Dried purple garlic", 1800, "potatoes"),
    ("Courge butternut", "Butternut squash", "Chair fondante, se garde tout l'hiver", "Melting flesh, keeps all winter", 420, "pumpkin"),
    ("Potimarron", "Red kuri squash", "Se cuisine avec la peau", "Cook it with the skin on", 480, "pumpkin"),
    ("Courge musquée de Provence", "Musquée de Provence pumpkin", "Vendue à la tranche", "Sold by the slice", 450, "pumpkin"),
    ("Céleri-rave", "Celeriac", "Pour soupes et rémoulade", "For soups and remoulade", 450, "cabbage"),
    ("Chou blanc", "White cabbage", "Pour choucroute et salade", "For sauerkraut and salad", 320, "cabbage"),
    ("Chou rouge", "Red cabbage", "Croquant, se garde bien", "Crunchy, keeps well", 380, "cabbage"),
    ("Chou frisé", "Savoy cabbage", "Feuilles tendres", "Tender leaves", 420, "cabbage"),
    ("Chou-fleur", "Cauliflower", "Pomme blanche et serrée", "Tight white head", 650, "cabbage"),
    ("Brocoli", "Broccoli", "Récolté le matin même", "Picked the same morning", 780, "lettuce"),
    ("Choux de Bruxelles", "Brussels sprouts", "Après les premières gelées", "After the first frosts", 890, "lettuce"),
    ("Chou kale", "Kale", "Feuilles frisées, pour chips ou soupe", "Curly leaves, for crisps or soup", 1200, "lettuce"),
    ("Cardon épineux genevois", "Geneva spiny cardoon", "Le légume de l'Escalade, AOP", "The Escalade vegetable, PDO", 980, "leeks"),
    ("Panais", "Parsnips", "Goût sucré, à rôtir", "Sweet, for roasting", 620, "carrots"),
    ("Topinambours", "Jerusalem artichokes", "Petits tubercules au goût d'artichaut", "Small tubers tasting of artichoke", 650, "potatoes"),
    ("Navets", "Turnips", "Navets blancs à collet violet", "White turnips with purple tops", 480, "cabbage"),
    ("Radis noir", "Black radish", "Piquant, à râper", "Peppery, to grate", 560, "cabbage"),
    ("Tomates rondes", "Round tomatoes", "Mûries en pleine terre", "Ripened in open ground", 690, "tomatoes"),
    ("Tomates cœur de bœuf", "Beefsteak tomatoes", "Charnues, peu de pépins", "Fleshy, few seeds", 980, "tomatoes"),
    ("Tomates cerises", "Cherry tomatoes", "Mélange de couleurs", "Mixed colours", 1400, "tomatoes"),
    ("Tomates anciennes", "Heirloom tomatoes", "Noire de Crimée, Green Zebra, Ananas", "Black Krim, Green Zebra, Pineapple", 1150, "tomatoes"),
    ("Courgettes", "Courgettes", "Vertes et jaunes", "Green and yellow", 520, "leeks"),
    ("Aubergines", "Aubergines", "Cultivées sous tunnel", "Grown under polytunnel", 750, "cabbage"),
    ("Poivrons", "Peppers", "Rouges, jaunes et verts", "Red, yellow and green", 890, "tomatoes"),
    ("Concombres", "Cucumbers", "Sans amertume", "Never bitter", 560, "leeks"),
    ("Haricots verts", "Green beans", "Fins, cueillis à la main", "Fine, hand-picked", 1400, "lettuce"),
    ("Fenouil", "Fennel", "Bulbes croquants", "Crunchy bulbs", 690, "lettuce"),
    ("Épinards", "Spinach", "Jeunes pousses", "Baby leaves", 1600, "lettuce"),
    ("Côtes de bettes", "Swiss chard", "Côtes blanches et feuilles", "White stalks and leaves", 590, "lettuce"),
    ("Asperges vertes", "Green asparagus", "De mi-avril à juin", "Mid-April to June", 1800, "leeks"),
]
LEAFY = [
    ("Laitue pommée", "Butterhead lettuce", 250), ("Batavia", "Batavia lettuce", 250),
    ("Feuille de chêne", "Oak leaf lettuce", 250), ("Scarole", "Escarole", 320),
    ("Rampon (mâche)", "Lamb's lettuce", 450), ("Roquette", "Rocket", 380),
    ("Mesclun", "Salad leaf mix", 420),
]
BUNCHES = [
    ("Radis roses", "Pink radishes", 280), ("Persil plat", "Flat parsley", 250),
    ("Ciboulette", "Chives", 250), ("Basilic", "Basil", 320), ("Coriandre", "Coriander", 280),
    ("Aneth", "Dill", 280), ("Carottes en botte", "Bunched carrots", 390), ("Oignons nouveaux", "Spring onions", 300),
]


def farm():
    ful = [FARM_PICKUP, MARKET_PICKUP, {"type": "courier"}]
    origin = {"text": "Ferme du Crêt, Jussy", "postcode": "1254"}
    items = []
    for fr, en, pfr, pen, price, pic in VEG:
        items.append(listing(slugify(fr) + "-kg", "food.vegetables", fr, en,
                             f"{pfr}. Cultivé(e)s en agriculture biologique à Jussy, récolte de la semaine.",
                             f"{pen}. Grown organically in Jussy, harvested this week.",
                             price, "kg", pic + ".png", ful, origin, RNG.randrange(20, 200), 50, lead=24))
    for fr, en, price in LEAFY:
        items.append(listing(slugify(fr), "food.vegetables", fr, en,
                             "Salade cueillie le matin, vendue à la pièce.",
                             "Picked in the morning, sold by the head.",
                             price, "piece", "lettuce.png", ful, origin, RNG.randrange(20, 80), 50, lead=24))
    for fr, en, price in BUNCHES:
        items.append(listing(slugify(fr) + "-botte", "food.vegetables", fr, en,
                             "La botte, fraîchement coupée.", "One bunch, freshly cut.",
                             price, "bunch", ("carrots" if "arott" in fr else "leeks") + ".png", ful, origin,
                             RNG.randrange(10, 60), 50, lead=24))
    for fr, en, price, pic in (("Pommes Gala", "Gala apples", 480, "apples"), ("Pommes Topaz", "Topaz apples", 520, "apples"),
                               ("Poires Conférence", "Conference pears", 560, "pears"),
                               ("Fraises de Jussy", "Jussy strawberries", 1600, "strawberries"),
                               ("Framboises", "Raspberries", 2600, "strawberries")):
        items.append(listing(slugify(fr) + "-kg", "food.fruit", fr, en, "Fruits du verger de la ferme.",
                             "Fruit from the farm's orchard.", price, "kg", pic + ".png", ful, origin,
                             RNG.randrange(10, 100), 50, lead=24))
    items.append(listing("oeufs-plein-air", "food.eggs", "Œufs de poules en plein air", "Free-range eggs",
                         "Nos 200 poules courent dans le verger.", "Our 200 hens roam the orchard.",
                         480, "piece", "eggs.png", ful, origin, 60, 50,
                         variants=[{"id": "6", "label": text("Boîte de 6", "Box of 6"), "amount": 480, "stock": 60},
                                   {"id": "10", "label": text("Boîte de 10", "Box of 10"), "amount": 750, "stock": 40}]))
    for fr, en, price in (("Plantons de tomates", "Tomato seedlings", 350), ("Plantons de courgettes", "Courgette seedlings", 350),
                          ("Plantons de salades (6)", "Lettuce seedlings (6)", 480), ("Plantons d'aromatiques", "Herb seedlings", 450)):
        items.append(listing(slugify(fr), "plants.seedlings", fr, en, "En godet, prêts à planter en mai.",
                             "In pots, ready to plant out in May.", price, "piece", "seedlings.png",
                             [FARM_PICKUP, MARKET_PICKUP], origin, RNG.randrange(20, 120), 50))
    items.append(listing("bouquet-champetre", "plants.flowers", "Bouquet champêtre", "Country bouquet",
                         "Fleurs de saison du jardin: cosmos, zinnias, dahlias.", "Seasonal garden flowers: cosmos, zinnias, dahlias.",
                         1800, "bunch", "flowers.png", [FARM_PICKUP, MARKET_PICKUP], origin, 15, 50))
    for size, fr, en, price in (("petit", "Petit panier de légumes", "Small vegetable basket", 2500),
                                ("moyen", "Panier de légumes moyen", "Medium vegetable basket", 3800),
                                ("grand", "Grand panier de légumes", "Large vegetable basket", 5200)):
        items.append(listing("panier-" + size, "food.baskets", fr, en,
                             "Légumes de saison de la semaine, livrés le jeudi.", "This week's seasonal vegetables, delivered on Thursday.",
                             price, "box", "basket.png", ful + [{"type": "own_delivery", "postcodes": ["1254", "1253", "1255", "1226", "1224", "1225"], "fee": 500}],
                             origin, 40, 100, lead=48))
    return {
        "slug": "ferme-du-cret", "role": "producer", "comment": "Vegetable farm in Jussy (organic, GRTA).",
        "profile": {
            "roles": ["producer"], "legal_form": "company", "company_id": uid(11628171),
            "logo": "logo-ferme-du-cret.png", "postcode": "1254", "point": {"lat_e4": 462352, "lon_e4": 62720},
            "languages": ["fr", "en", "de"],
            "name": text("Ferme du Crêt", "Crêt Farm"),
            "description": text("Ferme familiale bio à Jussy depuis 1952. Légumes de saison, œufs et paniers hebdomadaires.",
                                "Family organic farm in Jussy since 1952. Seasonal vegetables, eggs and weekly baskets."),
            "address": {"street": "Route de Jussy 210", "postcode": "1254", "locality": "Jussy", "country": "CH"},
            "contact": {"email": "bonjour@ferme-du-cret.ch", "phone": "+41 22 759 12 34", "website": "https://ferme-du-cret.ch"},
            "hours": [slot("wed", 16, 0, 19, 0), slot("sat", 8, 0, 12, 0)],
            "payment": [{"type": "cash_on_pickup"}, {"type": "card_on_pickup"},
                        {"type": "bank_transfer", "iban": QR_IBAN, "holder": "Ferme du Crêt Sàrl"},
                        {"type": "local_currency", "currency": "LEM", "share_pct": 50}],
        },
        "listings": items,
    }


def company(slug, role, comment, roles, uid_n, name, desc, street, postcode, locality, lat, lon,
            email, phone, web, hours, payment, **extra):
    profile = {"roles": roles, "legal_form": "company", "company_id": uid(uid_n), "logo": f"logo-{slug}.png"}
    if postcode:
        profile.update({"postcode": postcode, "point": {"lat_e4": lat, "lon_e4": lon}})
    profile.update({"languages": ["fr", "en"], "name": name, "description": desc})
    if street:
        profile["address"] = {"street": street, "postcode": postcode, "locality": locality, "country": "CH"}
    profile["contact"] = {"email": email, "phone": phone, "website": web}
    if hours:
        profile["hours"] = hours
    if payment:
        profile["payment"] = payment
    actor = {"slug": slug, "role": role, "comment": comment, "profile": profile}
    actor.update(extra)
    return actor


def shop_items(rows, cat, pic, ful, origin, local, suffix_fr, suffix_en, lead=None, key_suffix=""):
    items = []
    for row in rows:
        fr, en, dfr, den, price, unit = row[:6]
        picture = row[6] if len(row) > 6 else pic
        category = row[7] if len(row) > 7 else cat
        items.append(listing(slugify(fr) + key_suffix, category, fr, en, f"{dfr} {suffix_fr}", f"{den} {suffix_en}",
                             price, unit, picture + ".png", ful, origin, RNG.randrange(5, 60), local, lead=lead))
    return items


# ------------------------------------------------------------------------------------------------
# Boulangerie des Pâquis.
# ------------------------------------------------------------------------------------------------
BREADS = [
    ("Pain paysan", "Farmhouse loaf", "Levain naturel, farine bise de Satigny.", "Natural sourdough, Satigny half-white flour.", 520, "piece", "bread"),
    ("Pain complet", "Wholemeal loaf", "100 % farine complète.", "100 % wholemeal flour.", 540, "piece", "bread"),
    ("Pain de seigle", "Rye bread", "Seigle et levain, mie dense.", "Rye and sourdough, dense crumb.", 590, "piece", "bread"),
    ("Pain aux noix", "Walnut bread", "Noix du Jura.", "Walnuts from the Jura.", 690, "piece", "bread"),
    ("Pain aux céréales", "Multigrain bread", "Lin, tournesol, sésame.", "Flax, sunflower, sesame.", 620, "piece", "bread"),
    ("Pain à l'épeautre", "Spelt bread", "Épeautre de la Champagne genevoise.", "Spelt from the Geneva Champagne.", 680, "piece", "bread"),
    ("Pain mi-blanc", "Half-white loaf", "Le pain de tous les jours.", "The everyday loaf.", 420, "piece", "bread"),
    ("Pain tessinois", "Ticino bread", "À partager en petits pains.", "Breaks into small rolls.", 450, "piece", "bread"),
    ("Tresse au beurre", "Butter plait", "La tresse du dimanche.", "The Sunday plait.", 650, "piece", "bread"),
    ("Baguette tradition", "Traditional baguette", "Fermentation lente de 24 heures.", "24-hour slow fermentation.", 320, "piece", "baguette"),
    ("Baguette aux graines", "Seeded baguette", "Croûte aux graines de pavot.", "Poppy seed crust.", 360, "piece", "baguette"),
    ("Ficelle", "Ficelle", "Une fine baguette croustillante.", "A thin crusty baguette.", 220, "piece", "baguette"),
    ("Pain de mie", "Sandwich loaf", "Pour les toasts.", "For toast.", 480, "piece", "bread"),
    ("Pain sans gluten", "Gluten-free loaf", "Sarrasin et riz, fait dans un local séparé.", "Buckwheat and rice, baked apart.", 790, "piece", "bread"),
    ("Fougasse aux olives", "Olive fougasse", "Huile d'olive et olives noires.", "Olive oil and black olives.", 550, "piece", "bread"),
    ("Pain au levain de 1 kg", "1 kg sourdough loaf", "La grosse miche à la coupe.", "The big round loaf.", 980, "piece", "bread"),
    ("Petits pains (6)", "Bread rolls (6)", "Six petits pains croustillants.", "Six crusty rolls.", 420, "box", "bread"),
    ("Pain d'épices", "Gingerbread", "Miel de Choulex et épices.", "Choulex honey and spices.", 890, "piece", "bread"),
]
PASTRIES = [
    ("Croissant au beurre", "Butter croissant", "Beurre suisse, feuilletage maison.", "Swiss butter, house lamination.", 180, "piece", "croissant"),
    ("Pain au chocolat", "Pain au chocolat", "Deux barres de chocolat noir.", "Two bars of dark chocolate.", 220, "piece", "croissant"),
    ("Croissant aux amandes", "Almond croissant", "Frangipane et amandes effilées.", "Frangipane and flaked almonds.", 320, "piece", "croissant"),
    ("Pain aux raisins", "Raisin swirl", "Crème pâtissière et raisins.", "Custard and raisins.", 280, "piece", "croissant"),
    ("Chausson aux pommes", "Apple turnover", "Pommes de Troinex.", "Apples from Troinex.", 320, "piece", "croissant"),
    ("Tarte aux pommes", "Apple tart", "Pour 6 personnes.", "Serves 6.", 2200, "piece", "tart"),
    ("Tarte aux fruits de saison", "Seasonal fruit tart", "Pour 6 personnes.", "Serves 6.", 2600, "piece", "tart"),
    ("Tarte au citron meringuée", "Lemon meringue tart", "Pour 6 personnes.", "Serves 6.", 2800, "piece", "tart"),
    ("Tarte au vin cuit", "Vin cuit tart", "Spécialité romande au vin cuit de poire.", "Romandy speciality with pear syrup.", 2400, "piece", "tart"),
    ("Gâteau du Vully", "Vully cake", "Pâte levée, crème et sucre.", "Yeast dough, cream and sugar.", 1800, "piece", "tart"),
    ("Taillaule", "Taillaule", "Brioche neuchâteloise au citron.", "Lemon brioche from Neuchâtel.", 950, "piece", "bread"),
    ("Marmite de l'Escalade", "Escalade pot", "Chocolat et massepain, en décembre.", "Chocolate and marzipan, in December.", 2500, "piece", "tart"),
    ("Longeole en brioche", "Longeole in brioche", "La saucisse genevoise IGP en croûte.", "The Geneva PGI sausage in brioche.", 1450, "piece", "bread"),
    ("Éclair au chocolat", "Chocolate eclair", "Crème au chocolat noir.", "Dark chocolate cream.", 450, "piece", "croissant"),
    ("Mille-feuille", "Mille-feuille", "Crème vanille de Bourbon.", "Bourbon vanilla cream.", 520, "piece", "croissant"),
    ("Cuchaule AOP", "Cuchaule PDO", "Brioche au safran, avec moutarde de Bénichon.", "Saffron brioche, with Bénichon mustard.", 1100, "piece", "bread"),
    ("Meringues de Gruyère (6)", "Gruyère meringues (6)", "À servir avec la double crème.", "Serve with double cream.", 850, "box", "croissant"),
    ("Biscuits à l'épeautre", "Spelt biscuits", "Sachet de 250 g.", "250 g bag.", 690, "piece", "croissant"),
    ("Sablés au beurre", "Butter shortbread", "Sachet de 200 g.", "200 g bag.", 650, "piece", "croissant"),
    ("Tarte aux poireaux", "Leek quiche", "Poireaux de Jussy, pour 4.", "Jussy leeks, serves 4.", 1900, "piece", "tart"),
    ("Ramequin au fromage", "Cheese ramekin", "Gruyère et pâte feuilletée.", "Gruyère and puff pastry.", 480, "piece", "tart"),
    ("Quiche lorraine", "Quiche lorraine", "Pour 4 personnes.", "Serves 4.", 2100, "piece", "tart"),
    ("Pizza du boulanger", "Baker's pizza", "À la part, tomates de Jussy.", "By the slice, Jussy tomatoes.", 650, "piece", "tart"),
    ("Cake aux noix", "Walnut cake", "Se garde une semaine.", "Keeps a week.", 1250, "piece", "bread"),
    ("Brownie", "Brownie", "Chocolat noir 70 %.", "70 % dark chocolate.", 380, "piece", "croissant"),
]
FLOURS = [
    ("Farine bise", "Half-white flour", "Moulue sur meule, 1 kg.", "Stone-ground, 1 kg.", 380, "piece", "bread", "food.grocery.flour_grains"),
    ("Farine complète", "Wholemeal flour", "Moulue sur meule, 1 kg.", "Stone-ground, 1 kg.", 420, "piece", "bread", "food.grocery.flour_grains"),
    ("Farine d'épeautre", "Spelt flour", "1 kg.", "1 kg.", 620, "piece", "bread", "food.grocery.flour_grains"),
    ("Levain déshydraté", "Dried sourdough starter", "Notre levain de 30 ans, 50 g.", "Our 30-year-old starter, 50 g.", 500, "piece", "bread", "food.grocery.flour_grains"),
    ("Cours de pain au levain", "Sourdough baking class", "Samedi après-midi, 3 heures.", "Saturday afternoon, 3 hours.", 9500, "session", "lesson", "services.lessons"),
]


def bakery():
    shop = {"type": "pickup", "place": "Boulangerie des Pâquis, Rue de Berne 28", "postcode": "1201",
            "hours": [slot(d, 6, 30, 18, 30) for d in ("tue", "wed", "thu", "fri")] + [slot("sat", 7, 0, 16, 0)]}
    ful = [shop, {"type": "courier"}]
    origin = {"text": "Fournil des Pâquis, Genève", "postcode": "1201"}
    items = shop_items(BREADS, "food.bakery.bread", "bread", ful, origin, 100,
                       "Cuit le matin même.", "Baked the same morning.", lead=12)
    items += shop_items(PASTRIES, "food.bakery.pastry", "croissant", ful, origin, 100,
                        "Fait maison.", "Made in house.", lead=12)
    items += shop_items(FLOURS[:4], "food.grocery.flour_grains", "bread", ful, origin, 50, "", "")
    lesson = listing("cours-pain-au-levain", "services.lessons", FLOURS[4][0], FLOURS[4][1],
                     "Samedi après-midi, 3 heures, au fournil. Vous repartez avec votre pain et du levain.",
                     "Saturday afternoon, 3 hours, in the bakehouse. You take home your bread and some starter.",
                     9500, "session", "lesson.png", [], origin, 8, 100, lead=72,
                     service={"duration_min": 180, "places": ["at_seller"]})
    items.append(lesson)
    return company("boulangerie-des-paquis", "shop", "Bakery in the Pâquis (sourdough, pastries).",
                   ["producer", "shop"], 10834297, text("Boulangerie des Pâquis", "Pâquis Bakery"),
                   text("Boulangerie artisanale au levain naturel, farines de la Champagne genevoise.",
                        "Artisan sourdough bakery using flour from the Geneva Champagne."),
                   "Rue de Berne 28", "1201", "Genève", 462118, 61462,
                   "fournil@boulangerie-paquis.ch", "+41 22 731 45 90", "https://boulangerie-paquis.ch",
                   [slot(d, 6, 30, 18, 30) for d in ("tue", "wed", "thu", "fri")] + [slot("sat", 7, 0, 16, 0)],
                   [{"type": "cash_on_pickup"}, {"type": "card_on_pickup"},
                    {"type": "local_currency", "currency": "LEM", "share_pct": 100}],
                   listings=items)


# ------------------------------------------------------------------------------------------------
# Fromagerie des Bossons.
# ------------------------------------------------------------------------------------------------
CHEESES = [
    ("Gruyère AOP doux", "Mild Gruyère PDO", "Affiné 6 mois.", "Aged 6 months.", 2890, "cheese-wheel"),
    ("Gruyère AOP salé", "Salty Gruyère PDO", "Affiné 10 mois.", "Aged 10 months.", 3290, "cheese-wheel"),
    ("Gruyère AOP vieux", "Aged Gruyère PDO", "Affiné 18 mois en cave.", "Cellar-aged 18 months.", 3890, "cheese-wheel"),
    ("Vacherin fribourgeois AOP", "Vacherin fribourgeois PDO", "Pour la fondue moitié-moitié.", "For half-and-half fondue.", 3150, "cheese-wheel"),
    ("Vacherin Mont-d'Or AOP", "Vacherin Mont-d'Or PDO", "De septembre à avril, à la cuillère.", "September to April, eat it with a spoon.", 3600, "tomme"),
    ("Tomme vaudoise", "Tomme from Vaud", "Pâte molle, croûte fleurie.", "Soft, bloomy rind.", 3400, "tomme"),
    ("Tomme des Bossons", "Bossons tomme", "Notre tomme au lait cru de Bernex.", "Our raw-milk tomme from Bernex.", 3200, "tomme"),
    ("Tomme au poivre", "Pepper tomme", "Poivre noir concassé.", "Crushed black pepper.", 3400, "tomme"),
    ("Tomme à l'ail des ours", "Wild garlic tomme", "Ail des ours du Salève.", "Wild garlic from the Salève.", 3500, "tomme"),
    ("Reblochon", "Reblochon", "Pour la tartiflette.", "For tartiflette.", 2800, "tomme"),
    ("Raclette du Valais AOP", "Raclette du Valais PDO", "Au lait cru, à râcler.", "Raw milk, for scraping.", 3200, "cheese-wedge"),
    ("Raclette nature", "Plain raclette cheese", "Tranches pour le four.", "Slices for the grill.", 2400, "cheese-wedge"),
    ("Emmentaler AOP", "Emmentaler PDO", "Les grands trous.", "The big holes.", 2590, "cheese-wedge"),
    ("Appenzeller", "Appenzeller", "Saumure aux herbes.", "Herbal brine.", 2990, "cheese-wedge"),
    ("Tête de Moine AOP", "Tête de Moine PDO", "À racler en rosettes.", "Shaved into rosettes.", 4200, "cheese-wheel"),
    ("Sbrinz AOP", "Sbrinz PDO", "Pâte extra-dure, à râper.", "Extra-hard, for grating.", 4400, "cheese-wedge"),
    ("L'Etivaz AOP", "L'Etivaz PDO", "Fromage d'alpage au feu de bois.", "Alpine cheese made over a wood fire.", 4300, "cheese-wheel"),
    ("Tomme de chèvre", "Goat's tomme", "Lait de chèvre de Dardagny.", "Goat's milk from Dardagny.", 4600, "tomme"),
    ("Crottin de chèvre", "Goat's cheese crottin", "Frais ou affiné.", "Fresh or aged.", 450, "tomme"),
    ("Bleu de Genève", "Geneva blue", "Persillé doux.", "Mild blue.", 3900, "cheese-wedge"),
    ("Mozzarella de Perly", "Perly mozzarella", "Filée le matin.", "Stretched in the morning.", 390, "tomme"),
    ("Fromage frais aux herbes", "Herb cream cheese", "Pot de 150 g.", "150 g tub.", 480, "yoghurt"),
]
FONDUES = [
    ("Fondue moitié-moitié", "Half-and-half fondue", "Gruyère et vacherin, 200 g par personne.", "Gruyère and vacherin, 200 g per person.", 3200),
    ("Fondue genevoise", "Geneva fondue", "Avec une touche de vin de Satigny.", "With a dash of Satigny wine.", 3300),
    ("Fondue aux bolets", "Porcini fondue", "Bolets séchés.", "Dried porcini.", 3900),
]
DAIRY = [
    ("Lait entier", "Whole milk", "Lait pasteurisé de Bernex, 1 litre.", "Pasteurised milk from Bernex, 1 litre.", 190, "litre", "milk", "food.dairy.milk"),
    ("Lait cru", "Raw milk", "À bouillir avant consommation.", "Boil before drinking.", 170, "litre", "milk", "food.dairy.milk"),
    ("Lait demi-écrémé", "Semi-skimmed milk", "1 litre.", "1 litre.", 180, "litre", "milk", "food.dairy.milk"),
    ("Babeurre", "Buttermilk", "1 litre.", "1 litre.", 220, "litre", "milk", "food.dairy.milk"),
    ("Yaourt nature", "Plain yoghurt", "Pot de 180 g.", "180 g pot.", 120, "piece", "yoghurt", "food.dairy.yoghurt"),
    ("Yaourt fraise", "Strawberry yoghurt", "Fraises de Jussy.", "Jussy strawberries.", 140, "piece", "yoghurt", "food.dairy.yoghurt"),
    ("Yaourt abricot", "Apricot yoghurt", "Abricots du Valais.", "Valais apricots.", 140, "piece", "yoghurt", "food.dairy.yoghurt"),
    ("Yaourt moka", "Mocha yoghurt", "Café torréfié à Carouge.", "Coffee roasted in Carouge.", 140, "piece", "yoghurt", "food.dairy.yoghurt"),
    ("Yaourt à la vanille", "Vanilla yoghurt", "Vraie vanille.", "Real vanilla.", 140, "piece", "yoghurt", "food.dairy.yoghurt"),
    ("Séré maigre", "Low-fat quark", "Pot de 500 g.", "500 g tub.", 350, "piece", "yoghurt", "food.dairy.yoghurt"),
    ("Séré à la crème", "Full-fat quark", "Pot de 500 g.", "500 g tub.", 420, "piece", "yoghurt", "food.dairy.yoghurt"),
    ("Beurre de choix", "Premium butter", "Plaque de 250 g.", "250 g block.", 480, "piece", "butter", "food.dairy.butter_cream"),
    ("Beurre salé", "Salted butter", "Plaque de 200 g.", "200 g block.", 450, "piece", "butter", "food.dairy.butter_cream"),
    ("Crème entière", "Double cream", "35 %, 2,5 dl.", "35 %, 250 ml.", 320, "piece", "milk", "food.dairy.butter_cream"),
    ("Double crème de la Gruyère", "Gruyère double cream", "Pour les meringues, 2,5 dl.", "For meringues, 250 ml.", 690, "piece", "milk", "food.dairy.butter_cream"),
    ("Crème acidulée", "Sour cream", "1,8 dl.", "180 ml.", 260, "piece", "yoghurt", "food.dairy.butter_cream"),
]


def dairy():
    shop_hours = [slot(d, 8, 0, 12, 30) for d in ("tue", "wed", "thu", "fri", "sat")] + [slot(d, 15, 0, 18, 30) for d in ("tue", "thu", "fri")]
    shop = {"type": "pickup", "place": "Fromagerie des Bossons, Chemin des Bossons 14, Onex", "postcode": "1213", "hours": shop_hours}
    cold = [shop, {"type": "courier"}]
    origin = {"text": "Lait de Bernex et de Dardagny, affiné à Onex", "postcode": "1213"}
    items = []
    for fr, en, dfr, den, price, pic in CHEESES:
        unit = "piece" if "Crottin" in fr or "Mozzarella" in fr or "frais" in fr else "kg"
        variants = None
        if unit == "kg":
            variants = [{"id": "250g", "label": text("Morceau de 250 g", "250 g piece"), "amount": price // 4, "stock": RNG.randrange(5, 40)},
                        {"id": "500g", "label": text("Morceau de 500 g", "500 g piece"), "amount": price // 2, "stock": RNG.randrange(5, 30)}]
        items.append(listing(slugify(fr), "food.dairy.cheese", fr, en, f"{dfr} Coupé à la commande.", f"{den} Cut to order.",
                             price, unit, pic + ".png", cold, origin, RNG.randrange(3, 40), 30, variants=variants, lead=24))
    for fr, en, dfr, den, price in FONDUES:
        items.append(listing(slugify(fr), "food.dairy.cheese", fr, en, f"Mélange prêt à fondre. {dfr}", f"Ready-to-melt mix. {den}",
                             price, "kg", "cheese-wedge.png", cold, origin, RNG.randrange(10, 40), 30,
                             variants=[{"id": "2p", "label": text("Pour 2 (400 g)", "For 2 (400 g)"), "amount": price * 2 // 5},
                                       {"id": "4p", "label": text("Pour 4 (800 g)", "For 4 (800 g)"), "amount": price * 4 // 5}], lead=24))
    items += shop_items(DAIRY, "food.dairy.milk", "milk", cold, origin, 30, "Garder au frais.", "Keep refrigerated.", lead=24)
    items.append(listing("plateau-de-fromages", "food.baskets", "Plateau de fromages genevois", "Geneva cheese board",
                         "Six fromages choisis par le fromager, pour 6 à 8 personnes.", "Six cheeses chosen by the cheesemonger, serves 6-8.",
                         6500, "box", "cheese-wedge.png", cold, origin, 10, 30, lead=48))
    return company("fromagerie-des-bossons", "producer", "Cheese dairy and shop in Onex.",
                   ["producer", "shop"], 11628170, text("Fromagerie des Bossons", "Bossons Cheese Dairy"),
                   text("Fromagerie de quartier: tommes maison au lait cru de Bernex, gruyère d'alpage, mélanges à fondue.",
                        "Neighbourhood cheese dairy: our own raw-milk tommes from Bernex, alpine Gruyère, fondue mixes."),
                   "Chemin des Bossons 14", "1213", "Onex", 461858, 61060,
                   "info@fromagerie-bossons.ch", "+41 22 792 18 03", "https://fromagerie-bossons.ch", shop_hours,
                   [{"type": "cash_on_pickup"}, {"type": "card_on_pickup"}, {"type": "card_on_delivery"},
                    {"type": "bank_transfer", "iban": IBAN, "holder": "Fromagerie des Bossons SA"},
                    {"type": "local_currency", "currency": "LEM", "share_pct": 30}],
                   listings=items)


# ------------------------------------------------------------------------------------------------
# Domaine du Mandement, Satigny.
# ------------------------------------------------------------------------------------------------
GRAPES = [
    ("Chasselas", "Chasselas", "white", 1450), ("Chasselas vieilles vignes", "Old-vine Chasselas", "white", 1950),
    ("Aligoté", "Aligoté", "white", 1750), ("Chardonnay", "Chardonnay", "white", 2200),
    ("Pinot gris", "Pinot gris", "white", 2300), ("Sauvignon blanc", "Sauvignon blanc", "white", 2100),
    ("Kerner", "Kerner", "white", 1900), ("Viognier", "Viognier", "white", 2600), ("Doral", "Doral", "white", 2000),
    ("Altesse", "Altesse", "white", 2400),
    ("Gamay", "Gamay", "red", 1550), ("Gamay vieilles vignes", "Old-vine Gamay", "red", 2100),
    ("Pinot noir", "Pinot noir", "red", 2400), ("Gamaret", "Gamaret", "red", 2500), ("Garanoir", "Garanoir", "red", 2300),
    ("Merlot", "Merlot", "red", 2700), ("Cabernet franc", "Cabernet franc", "red", 2900), ("Syrah", "Syrah", "red", 3200),
    ("Assemblage rouge du Mandement", "Mandement red blend", "red", 2800),
    ("Œil-de-Perdrix", "Œil-de-Perdrix rosé", "rose", 1800), ("Rosé de Gamay", "Gamay rosé", "rose", 1600),
]


def winery():
    cellar_hours = [slot("fri", 16, 0, 19, 0), slot("sat", 9, 0, 12, 30)]
    cellar = {"type": "pickup", "place": "Caveau du domaine, Route du Mandement 12, Satigny", "postcode": "1242", "hours": cellar_hours}
    ful = [cellar, {"type": "courier"},
           {"type": "own_delivery", "postcodes": ["1242", "1217", "1218", "1219", "1203", "1201", "1202"], "fee": 1500}]
    origin = {"text": "Domaine du Mandement, Satigny", "postcode": "1242"}
    items = []
    for fr, en, colour, price in GRAPES:
        word = {"white": ("blanc", "white"), "red": ("rouge", "red"), "rose": ("rosé", "rosé")}[colour]
        items.append(listing(slugify(fr) + "-2024", "food.drinks.wine", f"{fr} 2024, Genève AOC", f"{en} 2024, Geneva AOC",
                             f"Vin {word[0]} du Mandement, vendanges manuelles. Bouteille de 75 cl.",
                             f"{word[1].capitalize()} wine from the Mandement, hand-picked. 75 cl bottle.",
                             price, "bottle", f"wine-{colour if colour != 'rose' else 'rose'}.png".replace("wine-rose", "wine-rose"), ful, origin,
                             RNG.randrange(24, 300), 20,
                             variants=[{"id": "75cl", "label": text("Bouteille 75 cl", "75 cl bottle"), "amount": price},
                                       {"id": "carton-6", "label": text("Carton de 6", "Case of 6"), "amount": price * 6 * 95 // 100}]))
    for fr, en, colour, price in GRAPES[::3]:
        items.append(listing(slugify(fr) + "-2022-reserve", "food.drinks.wine", f"{fr} 2022 Réserve", f"{en} 2022 Reserve",
                             "Élevé 18 mois en fût de chêne genevois.", "Aged 18 months in Geneva oak.",
                             price + 1200, "bottle", "wine-red.png" if colour == "red" else "wine-white.png", ful, origin,
                             RNG.randrange(12, 60), 20))
    for fr, en, dfr, den, price, unit, pic, cat in (
            ("Magnum de Gamay", "Gamay magnum", "1,5 litre pour les fêtes.", "1.5 litres for parties.", 3600, "bottle", "wine-red", "food.drinks.wine"),
            ("Mousseux brut du Mandement", "Mandement brut sparkling", "Méthode traditionnelle, 75 cl.", "Traditional method, 75 cl.", 2900, "bottle", "wine-white", "food.drinks.wine"),
            ("Vin doux de Pinot gris", "Sweet Pinot gris", "Vendanges tardives, 50 cl.", "Late harvest, 50 cl.", 3400, "bottle", "wine-white", "food.drinks.wine"),
            ("Jus de raisin", "Grape juice", "Chasselas non fermenté, 1 litre.", "Unfermented Chasselas, 1 litre.", 650, "bottle", "juice", "food.drinks.cider_juice"),
            ("Marc de Gamay", "Gamay marc", "Eau-de-vie, 50 cl.", "Brandy, 50 cl.", 4500, "bottle", "wine-white", "food.drinks.spirits"),
            ("Vinaigre de vin rouge", "Red wine vinegar", "Vieilli en fût, 50 cl.", "Barrel-aged, 50 cl.", 1200, "bottle", "wine-red", "food.grocery.oils"),
            ("Huile de noix", "Walnut oil", "Noix du domaine, pressée à froid, 25 cl.", "Estate walnuts, cold-pressed, 25 cl.", 1800, "bottle", "honey", "food.grocery.oils"),
            ("Carton découverte Genève", "Geneva discovery case", "Six vins du domaine.", "Six of our wines.", 11500, "box", "wine-rose", "food.baskets"),
            ("Dégustation au caveau", "Cellar tasting", "Six vins commentés, 1 h 30.", "Six wines with commentary, 1 h 30.", 2500, "session", "wine-red", "services.lessons"),
    ):
        service = {"duration_min": 90, "places": ["at_seller"]} if unit == "session" else None
        items.append(listing(slugify(fr), cat, fr, en, dfr, den, price, unit, pic + ".png",
                             [] if service else ful, origin, RNG.randrange(6, 80), 20, service=service,
                             lead=48 if service else None))
    return company("domaine-du-mandement", "producer", "Wine grower in Satigny (GRTA).",
                   ["producer"], 10962144, text("Domaine du Mandement", "Mandement Estate"),
                   text("Vigneron-encaveur à Satigny, 14 hectares sur les coteaux du Mandement.",
                        "Grower and winemaker in Satigny, 14 hectares on the Mandement slopes."),
                   "Route du Mandement 12", "1242", "Satigny", 462149, 60322,
                   "cave@domaine-mandement.ch", "+41 22 753 10 44", "https://domaine-mandement.ch", cellar_hours,
                   [{"type": "cash_on_pickup"}, {"type": "card_on_pickup"},
                    {"type": "bank_transfer", "iban": QR_IBAN, "holder": "Domaine du Mandement"},
                    {"type": "local_currency", "currency": "LEM", "share_pct": 20}],
                   listings=items)


BEERS = [
    ("Blonde de Carouge", "Carouge Blonde", "Légère et florale, 4,8 %.", "Light and floral, 4.8 %."),
    ("Blanche du Rhône", "Rhône White", "Bière de blé à la coriandre, 5 %.", "Wheat beer with coriander, 5 %."),
    ("Ambrée de l'Arve", "Arve Amber", "Notes de caramel, 5,5 %.", "Caramel notes, 5.5 %."),
    ("IPA des Tours", "Tours IPA", "Houblons Cascade et Citra, 6,2 %.", "Cascade and Citra hops, 6.2 %."),
    ("Session IPA", "Session IPA", "Très houblonnée, 4,2 %.", "Very hoppy, 4.2 %."),
    ("Stout du Salève", "Salève Stout", "Café et chocolat noir, 6 %.", "Coffee and dark chocolate, 6 %."),
    ("Porter fumé", "Smoked porter", "Malt fumé au hêtre, 5,8 %.", "Beech-smoked malt, 5.8 %."),
    ("Saison de la Praille", "Praille Saison", "Sèche et poivrée, 6 %.", "Dry and peppery, 6 %."),
    ("Triple de l'Escalade", "Escalade Tripel", "Bière de décembre, 8,5 %.", "December beer, 8.5 %."),
    ("Bière de Noël", "Christmas ale", "Épices et orange, 7 %.", "Spice and orange, 7 %."),
    ("Pale Ale au miel", "Honey pale ale", "Miel de Choulex, 5 %.", "Choulex honey, 5 %."),
    ("Sour aux framboises", "Raspberry sour", "Framboises de Jussy, 4,5 %.", "Jussy raspberries, 4.5 %."),
    ("Lager genevoise", "Geneva lager", "Garde froide 6 semaines, 4,9 %.", "Six weeks cold-conditioned, 4.9 %."),
    ("Bière sans alcool", "Alcohol-free beer", "0,5 %, houblonnée.", "0.5 %, hoppy."),
    ("Brune des Voirons", "Voirons Brown", "Malt torréfié, 6,5 %.", "Roasted malt, 6.5 %."),
    ("Rousse à l'épeautre", "Spelt red ale", "Épeautre genevois, 5,2 %.", "Geneva spelt, 5.2 %."),
    ("Double IPA", "Double IPA", "Pour amateurs, 8 %.", "For enthusiasts, 8 %."),
    ("Witbier au yuzu", "Yuzu witbier", "Acidulée, 4,6 %.", "Tangy, 4.6 %."),
]


def brewery():
    hours = [slot("thu", 17, 0, 21, 0), slot("fri", 17, 0, 22, 0), slot("sat", 11, 0, 18, 0)]
    taproom = {"type": "pickup", "place": "Brasserie de Carouge, Rue Jacques-Dalphin 40, Carouge", "postcode": "1227", "hours": hours}
    ful = [taproom, {"type": "courier"}]
    origin = {"text": "Brassée à Carouge", "postcode": "1227"}
    items = []
    for fr, en, dfr, den in BEERS:
        price = 380 if "sans" in fr else 450
        items.append(listing(slugify(fr) + "-33cl", "food.drinks.beer", f"{fr} 33 cl", f"{en} 33 cl",
                             f"{dfr} Non filtrée, refermentée en bouteille.", f"{den} Unfiltered, bottle-conditioned.",
                             price, "bottle", "beer-bottle.png", ful, origin, RNG.randrange(48, 400), 50,
                             variants=[{"id": "unite", "label": text("À l'unité", "Single bottle"), "amount": price},
                                       {"id": "carton-24", "label": text("Carton de 24", "Case of 24"), "amount": price * 24 * 90 // 100}]))
    for fr, en, dfr, den in BEERS[:8]:
        items.append(listing(slugify(fr) + "-growler", "food.drinks.beer", f"{fr} en growler 1 l", f"{en} 1 l growler",
                             f"{dfr} Tirée à la pression, consigne 10 francs.", f"{den} Drawn from the tap, 10 franc deposit.",
                             1200, "litre", "beer-glass.png", [taproom], origin, RNG.randrange(10, 40), 50))
    for fr, en, dfr, den, price, unit, pic, cat in (
            ("Fût de 20 l Blonde", "20 l keg of Blonde", "Pour vos fêtes, tireuse prêtée.", "For parties, tap lent.", 16000, "piece", "beer-glass", "food.drinks.beer"),
            ("Fût de 20 l IPA", "20 l keg of IPA", "Pour vos fêtes, tireuse prêtée.", "For parties, tap lent.", 18000, "piece", "beer-glass", "food.drinks.beer"),
            ("Coffret dégustation 6 bières", "6-beer tasting box", "Six bières du moment.", "Six current beers.", 2900, "box", "beer-bottle", "food.baskets"),
            ("Cidre brut de Genève", "Geneva dry cider", "Pommes de Troinex, 75 cl.", "Troinex apples, 75 cl.", 1200, "bottle", "juice", "food.drinks.cider_juice"),
            ("Limonade au sureau", "Elderflower lemonade", "Maison, 33 cl.", "Home-made, 33 cl.", 380, "bottle", "juice", "food.drinks.cider_juice"),
            ("Whisky de malt genevois", "Geneva malt whisky", "Distillé de notre moût, 50 cl, 43 %.", "Distilled from our wort, 50 cl, 43 %.", 7900, "bottle", "beer-bottle", "food.drinks.spirits"),
            ("Drêches pour le pain", "Spent grain for baking", "Sachet de 1 kg, séché.", "1 kg bag, dried.", 300, "piece", "bread", "food.grocery.flour_grains"),
            ("Atelier brassage amateur", "Home-brewing workshop", "Une journée pour brasser votre bière.", "A day brewing your own beer.", 18000, "session", "beer-glass", "services.lessons"),
            ("Visite de la brasserie", "Brewery tour", "Visite et dégustation de 4 bières.", "Tour and tasting of 4 beers.", 2500, "session", "beer-glass", "services.lessons"),
    ):
        service = {"duration_min": 480 if "Atelier" in fr else 90, "places": ["at_seller"]} if unit == "session" else None
        items.append(listing(slugify(fr), cat, fr, en, dfr, den, price, unit, pic + ".png", [] if service else ful,
                             origin, RNG.randrange(4, 60), 50, service=service, lead=72 if service or "Fût" in fr else None))
    return company("brasserie-de-carouge", "producer", "Craft brewery in Carouge.",
                   ["producer", "shop"], 11234567, text("Brasserie de Carouge", "Carouge Brewery"),
                   text("Microbrasserie coopérative de Carouge: bières non filtrées, malts et houblons suisses.",
                        "Cooperative microbrewery in Carouge: unfiltered beers, Swiss malts and hops."),
                   "Rue Jacques-Dalphin 40", "1227", "Carouge", 461829, 61398,
                   "salut@brasserie-carouge.ch", "+41 22 342 77 10", "https://brasserie-carouge.ch", hours,
                   [{"type": "cash_on_pickup"}, {"type": "card_on_pickup"}, {"type": "cash_on_delivery"},
                    {"type": "local_currency", "currency": "LEM", "share_pct": 100}],
                   listings=items)


POTTERY = [
    ("Bol à café au lait", "Café au lait bowl", 3200, "bowl"), ("Bol à soupe", "Soup bowl", 3600, "bowl"),
    ("Bol à riz", "Rice bowl", 2400, "bowl"), ("Saladier", "Salad bowl", 8500, "bowl"),
    ("Assiette plate", "Dinner plate", 3800, "bowl"), ("Assiette creuse", "Pasta plate", 3900, "bowl"),
    ("Assiette à dessert", "Dessert plate", 2900, "bowl"), ("Plat à gratin", "Gratin dish", 7500, "bowl"),
    ("Caquelon à fondue", "Fondue pot", 9500, "bowl"), ("Tasse à expresso", "Espresso cup", 2200, "mug"),
    ("Mug en grès", "Stoneware mug", 3400, "mug"), ("Théière", "Teapot", 12000, "mug"),
    ("Pichet", "Jug", 6500, "vase"), ("Vase soliflore", "Bud vase", 2800, "vase"),
    ("Grand vase", "Large vase", 14500, "vase"), ("Pot à herbes", "Herb pot", 3500, "vase"),
    ("Beurrier", "Butter dish", 4200, "bowl"), ("Huilier", "Oil bottle", 3800, "vase"),
    ("Lampe en porcelaine", "Porcelain lamp", 18000, "vase"), ("Photophore", "Candle holder", 3200, "vase"),
    ("Cendrier du lac", "Lake dish", 2600, "bowl"), ("Plat à tarte", "Tart dish", 5800, "bowl"),
    ("Set de 4 gobelets", "Set of 4 tumblers", 9600, "mug"), ("Sucrier", "Sugar bowl", 3600, "mug"),
]
GLAZES = [("Bleu Léman", "Léman blue"), ("Vert Salève", "Salève green"), ("Blanc de Jura", "Jura white")]


def crafts():
    hours = [slot("wed", 14, 0, 18, 30), slot("thu", 14, 0, 18, 30), slot("sat", 10, 0, 17, 0)]
    shop = {"type": "pickup", "place": "Atelier Terre et Feu, Rue de Carouge 61", "postcode": "1205", "hours": hours}
    ful = [shop, {"type": "courier"}]
    origin = {"text": "Tourné à la main à Plainpalais", "postcode": "1205"}
    items = []
    for fr, en, price, pic in POTTERY:
        variants = [{"id": slugify(g[0]), "label": text(g[0], g[1]), "amount": price, "stock": RNG.randrange(1, 8)} for g in GLAZES]
        items.append(listing(slugify(fr), "crafts.ceramics", fr, en,
                             "Grès émaillé, cuit à 1280 °C, passe au lave-vaisselle. Chaque pièce est unique.",
                             "Glazed stoneware fired at 1280 °C, dishwasher safe. Every piece is unique.",
                             price, "piece", pic + ".png", ful, origin, None, 50, variants=variants))
    for fr, en, dfr, den, price, unit, pic, cat, minutes in (
            ("Initiation au tour", "Wheel-throwing taster", "Deux heures au tour, terre et cuisson comprises.", "Two hours at the wheel, clay and firing included.", 8500, "session", "lesson", "services.lessons", 120),
            ("Cours de poterie (10 soirs)", "Pottery course (10 evenings)", "Le mardi soir, de 19 h à 21 h 30.", "Tuesday evenings, 7 to 9.30 pm.", 52000, "session", "lesson", "services.lessons", 150),
            ("Atelier enfants", "Children's workshop", "Modelage pour les 6-12 ans, mercredi après-midi.", "Modelling for ages 6-12, Wednesday afternoon.", 4500, "session", "lesson", "services.lessons", 90),
            ("Location de tour", "Wheel rental", "Pour potiers autonomes, à la journée.", "For independent potters, by the day.", 6000, "day", "lesson", "services.lessons", 480),
            ("Cuisson de vos pièces", "Kiln firing of your pieces", "Cuisson grès, par demi-four.", "Stoneware firing, per half kiln.", 7000, "session", "vase", "services.repair", 1440),
            ("Réparation kintsugi", "Kintsugi repair", "Réparation à l'or de vos céramiques cassées.", "Gold repair of your broken ceramics.", 6500, "session", "bowl", "services.repair", 60),
    ):
        items.append(listing(slugify(fr), cat, fr, en, dfr, den, price, unit, pic + ".png", [], origin,
                             RNG.randrange(2, 10), 50, lead=72, service={"duration_min": minutes, "places": ["at_seller"]}))
    for fr, en, price, cat in (("Cuillère en poirier", "Pear-wood spoon", 2800, "crafts.woodwork"),
                               ("Planche à fromage en noyer", "Walnut cheese board", 6900, "crafts.woodwork"),
                               ("Torchon en lin", "Linen tea towel", 2400, "crafts.textiles"),
                               ("Savon au petit-lait", "Whey soap", 900, "crafts.cosmetics"),
                               ("Boucles d'oreilles en porcelaine", "Porcelain earrings", 3800, "crafts.jewellery")):
        items.append(listing(slugify(fr), cat, fr, en, "Fait par un artisan ami de l'atelier, à Genève.",
                             "Made by a fellow Geneva craftsperson.", price, "piece", "mug.png", ful, origin, RNG.randrange(3, 20), 50))
    return company("atelier-terre-et-feu", "producer", "Pottery workshop in Plainpalais.",
                   ["producer", "shop", "service_provider"], 12345670, text("Atelier Terre et Feu", "Earth and Fire Pottery"),
                   text("Atelier de céramique: vaisselle en grès tournée à la main, cours et stages.",
                        "Ceramics studio: hand-thrown stoneware tableware, classes and workshops."),
                   "Rue de Carouge 61", "1205", "Genève", 461957, 61431,
                   "atelier@terre-et-feu.ch", "+41 22 320 55 18", "https://terre-et-feu.ch", hours,
                   [{"type": "cash_on_pickup"}, {"type": "card_on_pickup"},
                    {"type": "local_currency", "currency": "LEM", "share_pct": 100}],
                   listings=items)


BIKE_SERVICES = [
    ("Révision complète", "Full service", "Réglages, nettoyage, graissage, contrôle des freins.", "Adjustments, cleaning, lubrication, brake check.", 11000, 120),
    ("Révision express", "Express tune-up", "Freins et vitesses réglés pendant que vous attendez.", "Brakes and gears adjusted while you wait.", 4500, 30),
    ("Réparation de crevaison", "Puncture repair", "Chambre à air comprise.", "Inner tube included.", 2500, 20),
    ("Changement de pneu", "Tyre change", "Main-d'œuvre, pneu en sus.", "Labour, tyre extra.", 2000, 20),
    ("Réglage des freins", "Brake adjustment", "Patins ou disques.", "Pads or discs.", 2500, 20),
    ("Purge de freins hydrauliques", "Hydraulic brake bleed", "Par frein.", "Per brake.", 4500, 45),
    ("Réglage du dérailleur", "Derailleur adjustment", "Indexation et limites.", "Indexing and limits.", 2500, 20),
    ("Changement de chaîne", "Chain replacement", "Main-d'œuvre, chaîne en sus.", "Labour, chain extra.", 2000, 15),
    ("Dévoilage de roue", "Wheel truing", "Rayons retendus.", "Spokes re-tensioned.", 3000, 30),
    ("Montage de roue", "Wheel build", "Roue montée à la main.", "Hand-built wheel.", 9000, 120),
    ("Révision de vélo électrique", "E-bike service", "Révision plus diagnostic du moteur et de la batterie.", "Service plus motor and battery diagnostics.", 15000, 150),
    ("Diagnostic batterie", "Battery diagnostic", "Test de capacité.", "Capacity test.", 4000, 30),
    ("Révision de vélo cargo", "Cargo bike service", "Pour les longtails et biporteurs.", "For longtails and front-loaders.", 16000, 180),
    ("Révision de vélo enfant", "Children's bike service", "Jusqu'à 24 pouces.", "Up to 24 inches.", 6000, 60),
    ("Réparation à domicile", "Repair at your home", "Nous venons avec l'atelier mobile, déplacement compris en ville.", "We come with the mobile workshop, travel included in town.", 6500, 60),
    ("Marquage antivol", "Anti-theft marking", "Gravure et enregistrement.", "Engraving and registration.", 2500, 15),
    ("Cours de mécanique vélo", "Bike mechanics class", "Apprenez à réparer votre vélo, 3 heures.", "Learn to fix your bike, 3 hours.", 6000, 180),
    ("Atelier libre-service", "Self-service workshop", "Outils et conseils, à l'heure.", "Tools and advice, by the hour.", 1500, 60),
    ("Remise en état d'un vélo d'occasion", "Second-hand bike overhaul", "Pour le remettre sur la route.", "To get it back on the road.", 18000, 240),
    ("Pose d'un porte-bagages", "Rack fitting", "Main-d'œuvre.", "Labour.", 2500, 20),
]
BIKE_PARTS = [
    ("Chambre à air 28 pouces", "28-inch inner tube", 1200), ("Pneu anti-crevaison", "Puncture-proof tyre", 4900),
    ("Chaîne 9-10 vitesses", "9-10 speed chain", 3500), ("Patins de frein (paire)", "Brake pads (pair)", 1800),
    ("Éclairage LED avant et arrière", "LED front and rear lights", 4500), ("Cadenas en U", "U-lock", 6900),
    ("Sonnette", "Bell", 1200), ("Garde-boue (paire)", "Mudguards (pair)", 3900),
    ("Vélo de ville révisé", "Overhauled city bike", 45000), ("Vélo enfant 20 pouces révisé", "Overhauled 20-inch kids' bike", 22000),
]


def bike():
    hours = [slot(d, 9, 0, 18, 30) for d in ("tue", "wed", "thu", "fri")] + [slot("sat", 9, 0, 16, 0)]
    shop = {"type": "pickup", "place": "Vélo-Secours, Rue des Eaux-Vives 94", "postcode": "1207", "hours": hours}
    origin = {"text": "Atelier des Eaux-Vives", "postcode": "1207"}
    items = []
    for fr, en, dfr, den, price, minutes in BIKE_SERVICES:
        places = ["at_customer"] if "domicile" in fr else ["at_seller"]
        unit = "hour" if "libre" in fr else "session"
        items.append(listing(slugify(fr), "services.lessons" if "Cours" in fr else "services.bike_repair", fr, en,
                             dfr, den, price, unit, ("wheel" if "roue" in fr.lower() else "spanner" if minutes < 60 else "bike") + ".png",
                             [], origin, None, 100, lead=24, service={"duration_min": minutes, "places": places}))
    for fr, en, price in BIKE_PARTS:
        items.append(listing(slugify(fr), "services.bike_repair", fr, en, "Pièce posée gratuitement si achetée avec une réparation.",
                             "Fitted free when bought with a repair.", price, "piece",
                             "bike.png" if "Vélo" in fr else "wheel.png", [shop, {"type": "courier"}], origin, RNG.randrange(1, 20), 100))
    return company("velo-secours-eaux-vives", "service_provider", "Bike repair workshop in the Eaux-Vives.",
                   ["service_provider", "shop"], 13579246, text("Vélo-Secours Eaux-Vives", "Vélo-Secours Eaux-Vives bike repair"),
                   text("Atelier associatif de réparation de vélos, réinsertion professionnelle, atelier mobile.",
                        "Non-profit bike repair workshop, job training, mobile workshop."),
                   "Rue des Eaux-Vives 94", "1207", "Genève", 462019, 61613,
                   "atelier@velo-secours.ch", "+41 22 786 40 12", "https://velo-secours.ch", hours,
                   [{"type": "cash_on_pickup"}, {"type": "card_on_pickup"}, {"type": "card_on_delivery"},
                    {"type": "local_currency", "currency": "LEM", "share_pct": 100}],
                   listings=items)


PLATFORM = "@terroir-en-ville"
HONEY = [
    ("Miel de fleurs printanier", "Spring blossom honey", "Crémeux, doux.", "Creamy, mild.", 1400),
    ("Miel de fleurs d'été", "Summer blossom honey", "Liquide, fruité.", "Runny, fruity.", 1400),
    ("Miel d'acacia", "Acacia honey", "Reste liquide longtemps.", "Stays runny a long time.", 1700),
    ("Miel de forêt", "Forest honey", "Miellat sombre, malté.", "Dark honeydew, malty.", 1800),
    ("Miel de châtaignier", "Chestnut honey", "Corsé, légèrement amer.", "Bold, slightly bitter.", 1800),
    ("Miel de tilleul", "Linden honey", "Mentholé.", "Minty.", 1700),
    ("Miel de colza", "Rapeseed honey", "Très fin, blanc.", "Very fine, white.", 1300),
    ("Miel de pissenlit", "Dandelion honey", "Jaune vif, rare.", "Bright yellow, rare.", 1900),
    ("Miel en rayon", "Comb honey", "Un cadre découpé.", "A cut comb.", 2400),
    ("Miel à la truffe", "Truffle honey", "Pour le fromage.", "For cheese.", 2900),
]


def honey_items():
    origin = {"text": "Rucher de Choulex", "postcode": "1244"}
    ful = [{"type": "pickup", "place": "Terroir en ville, Rue de Genève 88, Thônex", "postcode": "1226",
            "hours": [slot("thu", 15, 0, 19, 0), slot("sat", 9, 0, 13, 0)]}, {"type": "courier"}]
    items = []
    for fr, en, dfr, den, price in HONEY:
        items.append(listing("choulex-" + slugify(fr), "food.grocery.honey", fr + ", Choulex", en + ", Choulex",
                             f"{dfr} Pot de 500 g, ruches à Choulex.", f"{den} 500 g jar, hives in Choulex.",
                             price, "piece", "honey.png", ful, origin, RNG.randrange(5, 40), 50, behalf="@rucher-de-choulex",
                             variants=[{"id": "250g", "label": text("Pot de 250 g", "250 g jar"), "amount": price * 55 // 100},
                                       {"id": "500g", "label": text("Pot de 500 g", "500 g jar"), "amount": price}]))
    for fr, en, price, pic, cat in (("Pollen frais", "Fresh pollen", 1500, "honey", "food.grocery.honey"),
                                    ("Propolis en teinture", "Propolis tincture", 1600, "honey", "crafts.cosmetics"),
                                    ("Bougie en cire d'abeille", "Beeswax candle", 1200, "honey", "crafts.cosmetics"),
                                    ("Baume à la cire d'abeille", "Beeswax balm", 1400, "honey", "crafts.cosmetics"),
                                    ("Emballage à la cire (3)", "Beeswax wraps (3)", 2200, "honey", "crafts.textiles"),
                                    ("Pain d'épices au miel", "Honey gingerbread", 950, "bread", "food.bakery.pastry"),
                                    ("Hydromel", "Mead", 2400, "wine-white", "food.drinks.spirits"),
                                    ("Visite du rucher", "Apiary visit", 3000, "honey", "services.lessons")):
        service = {"duration_min": 120, "places": ["at_seller"]} if "Visite" in fr else None
        items.append(listing("choulex-" + slugify(fr), cat, fr, en, "Du Rucher de Choulex.", "From the Choulex apiary.",
                             price, "session" if service else "piece", pic + ".png", [] if service else ful, origin,
                             RNG.randrange(3, 30), 50, behalf="@rucher-de-choulex", service=service, lead=72 if service else None))
    return items


ORCHARD = [
    ("Pommes Gala", "Gala apples", 450, "apples"), ("Pommes Golden", "Golden apples", 420, "apples"),
    ("Pommes Braeburn", "Braeburn apples", 480, "apples"), ("Pommes Boskoop", "Boskoop apples", 450, "apples"),
    ("Pommes Jazz", "Jazz apples", 520, "apples"), ("Pommes Pinova", "Pinova apples", 480, "apples"),
    ("Poires Williams", "Williams pears", 560, "pears"), ("Poires Conférence", "Conference pears", 540, "pears"),
    ("Poires à botzi", "Botzi pears", 690, "pears"), ("Coings", "Quinces", 600, "pears"),
    ("Cerises", "Cherries", 1400, "cherries"), ("Pruneaux", "Damson plums", 650, "cherries"),
    ("Mirabelles", "Mirabelle plums", 900, "cherries"), ("Abricots", "Apricots", 980, "apples"),
    ("Noix", "Walnuts", 1600, "potatoes"),
]


def orchard_items():
    origin = {"text": "Vergers de Troinex", "postcode": "1256"}
    ful = [{"type": "pickup", "place": "Terroir en ville, Rue de Genève 88, Thônex", "postcode": "1226",
            "hours": [slot("thu", 15, 0, 19, 0), slot("sat", 9, 0, 13, 0)]}, {"type": "courier"}]
    items = []
    for fr, en, price, pic in ORCHARD:
        items.append(listing("troinex-" + slugify(fr), "food.fruit", fr + " de Troinex", en + " from Troinex",
                             "Cueillies à maturité, production intégrée.", "Picked ripe, integrated production.",
                             price, "kg", pic + ".png", ful, origin, RNG.randrange(20, 300), 50, behalf="@vergers-de-troinex"))
    for fr, en, price, pic, cat, unit in (
            ("Jus de pomme", "Apple juice", 450, "juice", "food.drinks.cider_juice", "litre"),
            ("Jus pomme-coing", "Apple and quince juice", 520, "juice", "food.drinks.cider_juice", "litre"),
            ("Jus pomme-poire", "Apple and pear juice", 490, "juice", "food.drinks.cider_juice", "litre"),
            ("Cidre doux", "Sweet cider", 900, "juice", "food.drinks.cider_juice", "bottle"),
            ("Vin cuit de poire", "Pear syrup (vin cuit)", 1800, "jam", "food.grocery.jams", "piece"),
            ("Confiture d'abricots", "Apricot jam", 850, "jam", "food.grocery.jams", "piece"),
            ("Confiture de cerises", "Cherry jam", 850, "jam", "food.grocery.jams", "piece"),
            ("Gelée de coings", "Quince jelly", 900, "jam", "food.grocery.jams", "piece"),
            ("Compote de pommes", "Apple sauce", 750, "jam", "food.grocery.jams", "piece"),
            ("Pommes séchées", "Dried apple rings", 650, "apples", "food.fruit", "piece"),
            ("Eau-de-vie de poire Williams", "Williams pear brandy", 4800, "wine-white", "food.drinks.spirits", "bottle"),
            ("Cageot de pommes mélangées", "Mixed apple crate", 3500, "basket", "food.baskets", "box"),
    ):
        items.append(listing("troinex-" + slugify(fr), cat, fr, en, "Transformé à la ferme, fruits de Troinex.",
                             "Made on the farm from Troinex fruit.", price, unit, pic + ".png", ful, origin,
                             RNG.randrange(10, 80), 50, behalf="@vergers-de-troinex"))
    return items


def platform():
    hours = [slot("thu", 15, 0, 19, 0), slot("sat", 9, 0, 13, 0)]
    own = [listing("panier-terroir-" + s, "food.baskets", fr, en,
                   "Un panier composé des produits de nos membres: fruits, miel, jus.",
                   "A basket of our members' produce: fruit, honey, juice.", price, "box", "basket.png",
                   [{"type": "pickup", "place": "Terroir en ville, Rue de Genève 88, Thônex", "postcode": "1226", "hours": hours},
                    {"type": "courier"}], {"text": "Producteurs de Terroir en ville", "postcode": "1226"}, 20, 100, lead=48)
           for s, fr, en, price in (("petit", "Petit panier du terroir", "Small local basket", 3500),
                                    ("grand", "Grand panier du terroir", "Large local basket", 6500))]
    return company("terroir-en-ville", "platform", "Sector platform relaying two small producers without nodes.",
                   ["platform", "shop"], 14725836, text("Terroir en ville", "Terroir en ville"),
                   text("Coopérative qui vend en ligne et à son dépôt de Thônex les produits de petits producteurs sans ordinateur.",
                        "Cooperative that sells small producers' goods online and at its Thônex depot, for those without a computer."),
                   "Rue de Genève 88", "1226", "Thônex", 461958, 62019,
                   "contact@terroir-en-ville.ch", "+41 22 348 60 60", "https://terroir-en-ville.ch", hours,
                   [{"type": "cash_on_pickup"}, {"type": "card_on_pickup"},
                    {"type": "bank_transfer", "iban": IBAN, "holder": "Cooperative Terroir en ville"},
                    {"type": "local_currency", "currency": "LEM", "share_pct": 100}],
                   listings=own + honey_items() + orchard_items())


def member(slug, comment, name_fr, name_en, dfr, den, street, postcode, locality, lat, lon):
    return {"slug": slug, "role": "producer", "node": False, "comment": comment,
            "profile": {"roles": ["producer"], "legal_form": "individual", "logo": f"logo-{slug}.png",
                        "postcode": postcode, "point": {"lat_e4": lat, "lon_e4": lon}, "languages": ["fr"],
                        "name": text(name_fr, name_en), "description": text(dfr, den),
                        "address": {"street": street, "postcode": postcode, "locality": locality, "country": "CH"},
                        "payment": [{"type": "cash_on_pickup"}, {"type": "local_currency", "currency": "LEM", "share_pct": 100}]},
            "memberships": [{"platform": PLATFORM, "scope": ["publish", "relay"], "until": UNTIL_2028}]}


def courier(slug, comment, name, desc, street, postcode, lat, lon, uid_n, phone, offers):
    return company(slug, "courier", comment, ["courier"], uid_n, name, desc, street, postcode, "Genève", lat, lon,
                   f"livraisons@{slug}.ch", phone, f"https://{slug}.ch", [],
                   [{"type": "card_on_delivery"}, {"type": "local_currency", "currency": "LEM", "share_pct": 100}],
                   delivery_offers=offers)


def couriers():
    weekdays = ("mon", "tue", "wed", "thu", "fri")
    cargo = courier("velocargo-geneve", "Cargo-bike courier for the city centre.",
                    text("VéloCargo Genève", "VéloCargo Geneva"),
                    text("Livraisons en vélo cargo électrique, sans émissions, dans le centre-ville.",
                         "Zero-emission electric cargo-bike deliveries in the city centre."),
                    "Boulevard Carl-Vogt 52", "1205", 461982, 61372, 15935728, "+41 22 321 08 08", [
                        {"key": "centre-ville", "zones": [{"postcodes": CENTRE}],
                         "fees": {"currency": "CHF", "base": 800, "per_kg": 20, "free_above": 8000},
                         "slots": [slot(d, 9, 0, 12, 0) for d in weekdays] + [slot(d, 14, 0, 19, 0) for d in weekdays] + [slot("sat", 9, 0, 13, 0)],
                         "vehicle": "cargo_bike",
                         "limits": {"max_weight_g": 80000, "max_length_cm": 80, "max_width_cm": 60, "max_height_cm": 60},
                         "note": text("Caisse isotherme pour les produits frais.", "Insulated box for fresh goods.")},
                        {"key": "premiere-couronne", "zones": [{"postcodes": ["1213", "1225", "1226", "1227", "1212", "1218", "1219", "1224"]}],
                         "fees": {"currency": "CHF", "base": 1200, "per_kg": 30},
                         "slots": [slot(d, 14, 0, 18, 0) for d in weekdays],
                         "vehicle": "cargo_bike",
                         "limits": {"max_weight_g": 60000, "max_length_cm": 80, "max_width_cm": 60, "max_height_cm": 60}},
                    ])
    van = courier("leman-e-livraisons", "Electric van courier for the whole canton.",
                  text("Léman e-Livraisons", "Léman e-Deliveries"),
                  text("Fourgon électrique réfrigéré: tout le canton, chaîne du froid respectée.",
                       "Refrigerated electric van: the whole canton, cold chain kept."),
                  "Chemin du Pont-du-Centenaire 109", "1228", 461668, 61150, 16842097, "+41 22 794 52 20", [
                      {"key": "canton", "zones": [{"postcodes": [str(p) for p in range(1201, 1210)] + ["1212", "1213", "1214", "1215", "1216", "1217", "1218", "1219", "1220", "1222", "1223", "1224", "1225", "1226", "1227", "1228", "1231", "1232", "1233", "1234", "1236", "1237", "1239", "1241", "1242", "1243", "1244", "1245", "1246", "1247", "1248", "1251", "1252", "1253", "1254", "1255", "1256", "1257", "1258", "1281", "1283", "1284", "1285", "1286", "1287", "1288", "1290", "1292", "1293", "1294", "1298"]}],
                       "fees": {"currency": "CHF", "base": 1500, "per_km": 80, "free_above": 15000},
                       "slots": [slot(d, 8, 0, 12, 0) for d in weekdays] + [slot(d, 13, 30, 18, 0) for d in weekdays],
                       "vehicle": "e_van",
                       "limits": {"max_weight_g": 500000, "max_length_cm": 200, "max_width_cm": 120, "max_height_cm": 120},
                       "note": text("Produits frais entre 2 et 6 °C.", "Fresh goods kept at 2-6 °C.")},
                      {"key": "gros-volumes", "zones": [{"center": {"lat_e4": 462044, "lon_e4": 61432}, "radius_m": 15000}],
                       "fees": {"currency": "CHF", "base": 4500, "per_km": 120},
                       "slots": [slot("sat", 8, 0, 12, 0)],
                       "vehicle": "e_van",
                       "limits": {"max_weight_g": 900000, "max_length_cm": 300, "max_width_cm": 150, "max_height_cm": 150},
                       "note": text("Fûts, cartons de vin, mobilier.", "Kegs, wine cases, furniture.")},
                  ])
    return [cargo, van]


def certifier():
    def att(subject, label, number):
        return {"subject": subject, "label": label, "valid_from": FROM_2026, "valid_until": UNTIL_2028,
                "evidence": f"https://certif-terroir-leman.ch/certificats/{label}-2026-{number:03d}"}
    atts = [att("@ferme-du-cret", "grta", 14), att("@ferme-du-cret", "bio", 3),
            att("@domaine-du-mandement", "grta", 27), att("@fromagerie-des-bossons", "grta", 41),
            att("@vergers-de-troinex", "grta", 52), att("@rucher-de-choulex", "grta", 58),
            att("@boulangerie-des-paquis", "grta", 66),
            att("@fromagerie-des-bossons/tomme-des-bossons", "bio", 9),
            att("@fromagerie-des-bossons/lait-cru", "bio", 10),
            att("@domaine-du-mandement/chasselas-2024", "bio", 12),
            att("@domaine-du-mandement/gamay-2024", "bio", 13),
            att("@boulangerie-des-paquis/pain-a-l-epeautre", "bio", 20),
            att("@brasserie-de-carouge/blonde-de-carouge-33cl", "grta", 71),
            att("@terroir-en-ville/choulex-miel-de-fleurs-printanier", "bio", 30),
            att("@terroir-en-ville/troinex-jus-de-pomme", "grta", 80)]
    return company("certif-terroir-leman", "certifier", "Certification body issuing the GRTA and organic labels.",
                   ["certifier"], 17394628, text("Certification Terroir Léman", "Terroir Léman Certification"),
                   text("Organisme de contrôle agréé: label régional GRTA (Genève Région – Terre Avenir) et certification bio.",
                        "Accredited inspection body: the GRTA regional label (Genève Région – Terre Avenir) and organic certification."),
                   "Route de Chêne 30", "1208", "Genève", 462000, 61685,
                   "controle@certif-terroir-leman.ch", "+41 22 839 44 00", "https://certif-terroir-leman.ch", [], [],
                   attestations=atts)


def consumer():
    return {"slug": "camille", "role": "consumer", "comment": "The demo's own node: the consumer who shops.",
            "profile": {"roles": ["consumer"], "legal_form": "individual", "logo": "logo-camille.png",
                        "postcode": "1203", "languages": ["fr", "en"], "name": text("Camille", "Camille")}}


def main():
    os.makedirs(OUT, exist_ok=True)
    actors = [certifier(), platform(),
              member("rucher-de-choulex", "Beekeeper in Choulex without a node; relayed by terroir-en-ville.",
                     "Rucher de Choulex", "Choulex Apiary", "Trente ruches entre vergers et forêt de Choulex.",
                     "Thirty hives between the orchards and woods of Choulex.", "Chemin des Briffods 8", "1244", "Choulex", 462262, 62241),
              member("vergers-de-troinex", "Orchard in Troinex without a node; relayed by terroir-en-ville.",
                     "Vergers de Troinex", "Troinex Orchards", "Pommes, poires et fruits à noyau, jus pressés à la ferme.",
                     "Apples, pears and stone fruit, juices pressed on the farm.", "Chemin de la Grand-Cour 15", "1256", "Troinex", 461630, 61480),
              farm(), bakery(), dairy(), winery(), brewery(), crafts(), bike()] + couriers() + [consumer()]
    total = 0
    for a in actors:
        write_actor(a)
        total += len(a.get("listings", []))
    print(f"{len(actors)} actors, {total} listings")


if __name__ == "__main__":
    main()
