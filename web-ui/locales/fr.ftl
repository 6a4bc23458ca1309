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

# Forms of the back office and node pages
form-has-errors = Certaines valeurs ne conviennent pas : voir les messages à côté des champs.
form-refused = Le nœud a refusé : { $reason }
form-cancel = Annuler

# Settings
settings-title = Paramètres
settings-saved = Paramètres enregistrés.
settings-save = Enregistrer
settings-save-failed = Les paramètres n'ont pas pu être enregistrés ; voir le journal du nœud.
settings-issuers = Émetteurs de labels de confiance
settings-issuers-help = Les labels de ces émetteurs comptent dans la recherche et sur les annonces.
settings-issuers-none = Aucun émetteur connu pour l'instant.
settings-issuer-new = Ajouter un émetteur par sa clé (64 caractères hexadécimaux)
settings-location = Ma position
settings-location-help = Pour les distances et la livraison. Laissez vide pour ne pas la donner.
settings-lat = Latitude (degrés, ex. 46.19)
settings-lon = Longitude (degrés, ex. 6.14)
settings-languages = Langue préférée
settings-languages-browser = Celle du navigateur
settings-languages-fr = Français, puis anglais
settings-languages-en = Anglais, puis français
settings-markets = Marchés rejoints
settings-error-issuer = Une clé d'auteur compte 64 caractères hexadécimaux (0-9, a-f).
settings-error-lat = Une latitude entre -90 et 90 degrés, par exemple 46.19.
settings-error-lon = Une longitude entre -180 et 180 degrés, par exemple 6.14.
settings-error-postcode = Un NPA de 1 à 16 lettres, chiffres, espaces ou traits d'union.
settings-error-languages = Choisissez un ordre des langues proposé.

# Node status
status-title = État du nœud
status-identity = Identité
status-name = Nom
status-author = Clé d'auteur
status-peer-id = Identifiant de pair
status-listen = Adresses d'écoute
status-none = aucune
status-unknown = inconnu (le réseau ne répond pas)
status-peers = { $count ->
    [0] Aucun pair connecté
    [one] 1 pair connecté
   *[other] { $count } pairs connectés
}
status-no-peers = Le nœud n'est connecté à aucun pair.
status-sync = Synchronisation
status-last-sync = Dernière synchronisation
status-never = jamais
status-sync-totals = Depuis le démarrage : { $fetched } fiches reçues, { $pushed } envoyées, { $failed } sessions échouées.
status-run-going = En cours : { $done } pairs sur { $total }, { $fetched } fiches reçues.
status-run-done = Dernière synchronisation demandée : { $done } pairs sur { $total }, { $fetched } fiches reçues.
status-sync-now = Synchroniser maintenant
status-records = Fiches détenues
status-kind = Type
status-count = Nombre
status-mailbox = Messages des commandes
status-outbox-pending = { $count ->
    [0] Aucun message en attente d'envoi
    [one] 1 message en attente d'envoi
   *[other] { $count } messages en attente d'envoi
}
status-outbox-in-mailbox = { $count ->
    [0] Aucun message gardé par une coopérative
    [one] 1 message gardé par une coopérative pour son destinataire
   *[other] { $count } messages gardés par une coopérative pour leur destinataire
}
status-unpublished = { $count ->
    [0] Aucune fiche en attente de publication
    [one] 1 fiche à publier dès qu'un pair sera là
   *[other] { $count } fiches à publier dès qu'un pair sera là
}
status-mailbox-kept = { $count ->
    [0] Boîte aux lettres de la coopérative : aucun message gardé pour d'autres
    [one] Boîte aux lettres de la coopérative : 1 message gardé pour d'autres
   *[other] Boîte aux lettres de la coopérative : { $count } messages gardés pour d'autres
}
kind-profile = Profils
kind-listing = Annonces
kind-delivery_offer = Offres de livraison
kind-attestation = Labels
kind-membership = Adhésions
kind-tombstone = Suppressions

# Courier
jobs-title = Mes courses
jobs-none = Aucune course pour l'instant.
jobs-route = De { $from } à { $to }
jobs-window = Entre { $from } et { $to }
jobs-fee = Rémunération : { $fee }
offers-title = Mes offres de livraison
offers-none = Aucune offre publiée.
offer-new = Nouvelle offre de livraison
offer-edit = Offre « { $key } »
offer-created = Offre publiée.
offer-saved = Offre modifiée.
offer-deleted = Offre retirée.
offer-not-found = Cette offre n'existe pas (ou plus).
offer-change = Modifier
offer-delete = Retirer
offer-save = Publier
offer-what = L'offre
offer-key = Nom de l'offre
offer-key-help = (identifiant court, ex. velo-centre ; ne change plus ensuite)
offer-note-fr = Description en français
offer-note-en = Description en anglais
offer-where = Zone desservie
offer-postcodes = NPA desservis
offer-postcodes-help = (séparés par des virgules, ex. 1204, 1205)
offer-fees = Tarif
offer-currency = Monnaie
offer-base = Prix d'une livraison
offer-free-above = Gratuite dès une commande de
offer-optional = (facultatif)
offer-vehicle-limits = Véhicule et taille des colis
offer-vehicle = Véhicule
offer-weight = Poids maximal (kg)
offer-length = Longueur maximale (cm)
offer-width = Largeur maximale (cm)
offer-height = Hauteur maximale (cm)
offer-slots = Créneaux de chaque semaine
offer-day = Jour
offer-from = De
offer-to = À
offer-summary-fee = { $fee } la livraison
offer-summary-free = (gratuite dès { $amount })
offer-error-key = Un nom de 1 à 128 caractères, sans « / », autre que « nouvelle ».
offer-error-exists = Une offre porte déjà ce nom : modifiez-la ou choisissez un autre nom.
offer-error-postcodes = Des NPA séparés par des virgules (2 à 10 lettres majuscules, chiffres, espaces ou traits d'union ; 128 au plus, sans doublon).
offer-error-currency = Une monnaie du marché.
offer-error-amount = Un montant comme 8.50.
offer-error-vehicle = Un des véhicules proposés.
offer-error-weight = Un poids entre 0.001 et 3500 kg.
offer-error-side = Une mesure entre 1 et 1000 cm.
offer-error-slot = Chaque jour coché a une heure de début avant l'heure de fin.
offer-error-slots = Cochez au moins un jour.
offer-error-note = 1000 caractères au plus.
vehicle-on_foot = À pied
vehicle-bike = Vélo
vehicle-e_bike = Vélo électrique
vehicle-cargo_bike = Vélo-cargo
vehicle-scooter = Scooter
vehicle-e_van = Camionnette électrique
vehicle-van = Camionnette
vehicle-car = Voiture
vehicle-cold_van = Camionnette frigorifique
day-mon = Lundi
day-tue = Mardi
day-wed = Mercredi
day-thu = Jeudi
day-fri = Vendredi
day-sat = Samedi
day-sun = Dimanche

# Certifier
attestations-issued = Labels délivrés
attestations-none = Aucun label délivré.
attestation-issue = Délivrer un label
attestation-issued = Label délivré.
attestation-revoked = Label révoqué.
attestation-what = Le label
attestation-label = Label
attestation-label-help = (ex. grta, bio ; lettres minuscules, chiffres, « _ », « . », « - »)
attestation-subject = Attribué à
attestation-subject-pick = Un acteur ou une annonce connus
attestation-actors = Acteurs
attestation-listings = Annonces
attestation-listing-help = Ou une annonce par la clé de son auteur et son identifiant :
attestation-listing-author = Clé de l'auteur de l'annonce
attestation-listing-key = Identifiant de l'annonce
attestation-validity = Validité
attestation-valid-until = Valable jusqu'au
attestation-valid-until-help = (vide : un an)
attestation-evidence = Justificatif (adresse https://)
attestation-issued-on = Délivré le
attestation-revoke = Révoquer
attestation-revoke-one = Révoquer le label { $label } de { $subject }
attestation-error-label = 1 à 64 lettres minuscules, chiffres, « _ », « . » ou « - ».
attestation-error-subject = Choisissez un acteur ou une annonce.
attestation-error-listing-key = L'identifiant de l'annonce, 1 à 128 caractères.
attestation-error-valid-until = Une date à venir.
attestation-error-evidence = Une adresse commençant par https://.
attestation-error-exists = Ce label est déjà délivré à ce sujet : révoquez-le d'abord pour le délivrer à nouveau.
