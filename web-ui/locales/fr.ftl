# Interface du nœud smartket — français (langue par défaut du marché de Genève).
site-name = Marché local
skip-to-content = Aller au contenu
search-label = Rechercher dans le marché
search-placeholder = fromage, pain, vélo…
search-button = Rechercher
nav-shop = Boutique
language = Langue
home-title = Le marché local, sans intermédiaire
home-lead = { $sellers } vendeurs et { $listings } offres de la région, directement sur votre ordinateur.
categories = Catégories
newest = Nouveautés
results-count = { $count ->
    [0] Aucun résultat
    [one] 1 résultat
   *[other] { $count } résultats
}
results-for = pour « { $q } »
filters = Filtres
filter-category = Catégorie
filter-labels = Labels reconnus
filter-payment = Paiement
filter-in-stock = En stock seulement
filter-apply = Appliquer
filter-clear = Tout effacer
payment-local = Accepte le { $currency }
sort = Trier par
sort-relevance = Pertinence
sort-price-asc = Prix croissant
sort-price-desc = Prix décroissant
sort-distance = Distance
sort-newest = Nouveauté
in-stock = En stock
out-of-stock = Épuisé
sold-by = Vendu par { $seller }
distance = à { $km } km
previous = Précédent
next = Suivant
listing-description = Description
listing-fulfilment = Retrait et livraison
listing-pickup = Retrait : { $place } ({ $postcode })
listing-delivery = Livraison par le vendeur
listing-courier = Livraison par coursier possible
listing-local-share = Jusqu'à { $pct } % payable en { $currency }
listing-not-found = Cette offre n'existe plus ou n'est pas encore arrivée sur votre nœud.
not-logged-in-title = Connexion nécessaire
not-logged-in = Ouvrez le lien de connexion affiché par « smartket run » (ou « smartket demo ») pour utiliser ce nœud.
unit-piece = pièce
unit-kg = kg
unit-100g = 100 g
unit-litre = litre
unit-bottle = bouteille
unit-dozen = douzaine
unit-bunch = botte
unit-hour = heure
unit-box = caisse
unit-session = séance
unit-day = jour
nav-basket = Panier
nav-orders = Mes commandes
add-to-basket = Ajouter au panier
quantity = Quantité
basket-title = Mon panier
basket-empty = Votre panier est vide.
basket-remove = Retirer
basket-subtotal = Sous-total
basket-seller = Chez { $seller }
checkout-pickup = Retrait chez le vendeur
checkout-payment = Paiement
pay-cash = Espèces au retrait
pay-card = Carte au retrait
pay-bank = Virement (QR-facture)
pay-local = { $pct } % en { $currency }, le reste en espèces
checkout-contact = Vos coordonnées
checkout-name = Nom
checkout-phone = Téléphone
checkout-email = E-mail
checkout-submit = Commander
checkout-changed = Des prix ont changé depuis l'ajout au panier : vérifiez puis confirmez.
checkout-accept = J'ai vu les nouveaux prix
orders-title = Mes commandes
orders-none = Aucune commande pour l'instant.
order-title = Commande { $id }
order-stage = État
order-steps = Étapes
order-pay = Comment payer
order-pay-local = { $amount } à { $wallet }, référence « { $reference } »
order-pay-in-person = { $amount } : { $how }
order-pay-qr = { $amount } par virement, référence { $reference }
order-sent = Envoi au vendeur : { $state }
stage-placed = envoyée
stage-accepted = acceptée
stage-rejected = refusée
stage-ready_for_pickup = prête à retirer
stage-handed_to_courier = confiée au coursier
stage-in_transit = en route
stage-delivered = livrée
stage-completed = terminée
stage-cancelled = annulée
sent-pending = en attente
sent-in_mailbox = en attente dans la boîte aux lettres de la coopérative
sent-delivered = remise au vendeur
sent-refused = refusée par le destinataire
sent-expired = abandonnée
checkout-delivery = Livraison
checkout-courier = Livraison par coursier
checkout-address = Adresse de livraison
checkout-street = Rue et numéro
checkout-postcode = NPA
checkout-city = Localité
nav-manage = Gestion
manage-title = Commandes à traiter
manage-to-do = à traiter
step-reason = Motif (refus, annulation)
step-accepted = Accepter
step-rejected = Refuser
step-payment_confirmed = Paiement reçu
step-ready_for_pickup = Prête à retirer
step-handed_to_courier = Remise au coursier
step-picked_up = Colis pris en charge
step-delivered = Livrée
step-completed = Terminer
step-cancelled = Annuler

# Back office and node pages
nav-settings = Paramètres
nav-status = État du nœud
manage-orders = Commandes
manage-listings = Annonces
manage-import = Import CSV
manage-profile = Profil
manage-memberships = Adhésions
manage-delivery = Offres de livraison
manage-attestations = Labels délivrés
no-market = Ce nœud n'a rejoint aucun marché.
actions = Actions
save = Enregistrer
listing-new = Nouvelle annonce
listing-count = { $count ->
    [0] Aucune annonce pour l'instant.
    [one] Une annonce.
   *[other] { $count } annonces.
}
listing-duplicate = Dupliquer
listing-duplicate-of = Copie de « { $title } »
listing-delete = Supprimer l'annonce
listing-what = L'article
listing-price = Prix et stock
listing-pictures = Photos
listing-saved = Annonce enregistrée et publiée.
listing-deleted = Annonce supprimée.
listing-stock-saved = Stock enregistré.
listing-stock-invalid = Le stock doit être un nombre entier (ou vide s'il n'est pas suivi).
listing-key-taken = une annonce a déjà cette référence
stock-of = Stock de { $title }
form-has-errors = { $count ->
    [one] Un champ est à corriger.
   *[other] { $count } champs sont à corriger.
}
field-key = Référence (SKU)
field-key-hint = Votre référence interne, unique parmi vos annonces ; elle ne change plus ensuite.
field-title_fr = Titre (français)
field-title_en = Titre (anglais)
field-description_fr = Description (français)
field-description_en = Description (anglais)
field-category = Catégorie
field-price = Prix
field-currency = Monnaie
field-unit = Unité
field-stock = Stock
field-stock-hint = Laissez vide si le stock n'est pas suivi (fait sur commande, services).
field-local_share_pct = Part acceptée en monnaie locale (%)
field-origin = Provenance
field-pickup_place = Lieu de retrait
field-pickup_postcode = NPA du lieu de retrait
field-courier = Livrable par un coursier
problem-required = Ce champ est obligatoire.
problem-amount = Montant invalide : par exemple 12.50.
problem-whole = Nombre entier invalide.
problem-category = Catégorie inconnue du marché.
problem-currency = Monnaie inconnue du marché.
problem-unit = Unité inconnue.
problem-invalid = Valeur refusée
picture-n = Photo { $n }
picture-add = Ajouter une photo
picture-hint = JPEG, PNG ou WebP, 8 Mo au plus.
picture-preview = Aperçu de la photo choisie
picture-upload = Envoyer la photo
picture-remove = Retirer
picture-added = Photo ajoutée.
picture-removed = Photo retirée.
picture-missing = Choisissez d'abord une photo.
picture-refused = Ce fichier n'est pas une image JPEG, PNG ou WebP.
picture-too-large = La photo dépasse 8 Mo.
import-lead = Publiez tout votre catalogue d'un coup depuis un tableur : enregistrez-le en CSV (séparé par des virgules ou des points-virgules), une annonce par ligne. Le fichier est d'abord vérifié ; rien n'est publié avant votre confirmation. Une ligne dont la référence existe déjà met à jour cette annonce.
import-template = Télécharger un modèle de fichier
import-columns = Les colonnes
import-columns-help = Obligatoires : key (votre référence), title_fr, category (code de catégorie du marché, par ex. food.dairy.cheese), price (12.50). Les autres peuvent rester vides ; courier vaut « oui » si un coursier peut livrer ; une annonce doit avoir un lieu de retrait ou être livrable.
import-file = Fichier CSV
import-check = Vérifier le fichier
import-no-file = Choisissez d'abord un fichier.
import-unreadable = Ce fichier ne peut pas être lu : { $why }
import-forgotten = Cette vérification n'est plus en mémoire ; envoyez le fichier à nouveau.
import-checked = { $lines } lignes lues : { $ready } prêtes (dont { $updates } mises à jour), { $refused } refusées.
import-go = { $count ->
    [one] Importer l'annonce prête
   *[other] Importer les { $count } annonces prêtes
}
import-other-file = Choisir un autre fichier
import-running = Publication : { $done } sur { $count }
import-done = { $count ->
    [one] Une annonce publiée.
   *[other] { $count } annonces publiées.
}
import-refused = { $count ->
    [one] Une ligne refusée (non importée)
   *[other] { $count } lignes refusées (non importées)
}
import-line = Ligne
import-why = Pourquoi
import-unreadable-at = Ce fichier ne peut pas être lu (ligne { $line }) : { $why }
import-missing-column = Il manque la colonne « { $column } » dans la première ligne.
import-unknown-column = La colonne « { $column } » n'est pas connue ; les colonnes possibles sont dans le modèle.
import-too-many = Plus de { $count } annonces dans un seul fichier : partagez-le en plusieurs.
import-empty = Ce fichier ne contient aucune annonce.
filter-getting = Livraison et retrait
filter-delivered = Livrable à mon NPA ({ $postcode })
filter-set-location = Indiquez votre NPA dans les paramètres pour voir ce qui vous est livrable.
filter-near = Retrait près de chez moi
filter-near-any = peu importe
filter-price = Prix (CHF)
filter-price-min = de
filter-price-max = à
labels = Labels
label-by-trusted = attesté par { $issuer }, certificateur de confiance
label-by-untrusted = déclaré par { $issuer } (émetteur non vérifié)
means-cash-pickup = Espèces au retrait
means-cash-delivery = Espèces à la livraison
means-card-pickup = Carte au retrait
means-card-delivery = Carte à la livraison
means-transfer = Virement (QR-facture)
means-local = { $currency } accepté jusqu'à { $pct } %
means-other = Autre moyen
seller-not-found = Ce vendeur n'est pas (encore) connu de votre nœud.
seller-address = Adresse
seller-phone = Téléphone
seller-email = E-mail
seller-website = Site web
seller-payment = Paiement
seller-offers = { $count ->
    [0] Aucune offre en ce moment
    [one] Une offre
   *[other] { $count } offres
}
