# Interface du nœud smartket — français (langue par défaut du marché de Genève).
site-name = Marché local
skip-to-content = Aller au contenu
search-label = Rechercher dans le marché
search-placeholder = fromage, pain, vélo…
search-button = Rechercher
nav-shop = Boutique
language = Langue
market = Marché
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
not-logged-in = Ouvrez le lien de connexion affiché par « smartket run » (ou « smartket demo ») pour utiliser ce nœud. Pour un nouveau lien, tapez sur la machine du nœud :
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
profile-who = Qui vous êtes
profile-roles = Vos rôles sur le marché
profile-where = Adresse et contact
profile-name_fr = Nom (français)
profile-name_en = Nom (anglais)
profile-description_fr = Présentation (français)
profile-description_en = Présentation (anglais)
profile-street = Rue et numéro
profile-postcode = NPA
profile-locality = Localité
profile-email = E-mail
profile-phone = Téléphone
profile-website = Site web
profile-iban = IBAN ou QR-IBAN (pour la QR-facture)
profile-holder = Titulaire du compte
profile-local-hint = Indiquez la part de vos prix que vous acceptez en { $currency } et votre portefeuille.
profile-local_wallet = Portefeuille en monnaie locale
profile-local_share_pct = Part acceptée en monnaie locale (%)
profile-saved = Profil enregistré et publié.
profile-role-required = Choisissez au moins un rôle.
profile-address-partial = Indiquez la rue, le NPA et la localité, ou laissez l'adresse vide.
role-producer = Producteur
role-shop = Commerce
role-service_provider = Prestataire de services
role-platform = Plateforme
role-courier = Coursier
role-certifier = Certificateur
role-consumer = Consommateur
role-cooperative = Coopérative
scope-relay = relayer mes annonces
scope-publish = publier des annonces pour moi
membership-lead = Une plateforme peut relayer vos annonces ou en publier pour vous si vous l'y autorisez. L'adhésion se fait en deux temps : la plateforme contresigne votre adhésion et vous transmet sa signature, puis vous l'ajoutez ici.
membership-given = Plateformes que j'autorise
membership-members = Membres de ma plateforme
membership-none = Aucune pour l'instant.
membership-until = jusqu'au { $date }
membership-end = Mettre fin
membership-add = Ajouter une adhésion
membership-platform-key = Clé de la plateforme
membership-member-key = Clé du membre
membership-scope = Autorisations
membership-until-ms = Fin (horodatage donné par la plateforme)
membership-signature = Signature de la plateforme
membership-days = Durée (jours)
membership-countersign = Contresigner une adhésion
membership-countersign-hint = Pour une plateforme : contresignez l'adhésion d'un producteur, puis transmettez-lui les valeurs affichées.
membership-countersigned = Adhésion de { $member } contresignée. Transmettez ces valeurs au membre :
membership-added = Adhésion publiée.
membership-ended = Adhésion terminée.
membership-bad-key = Cette clé n'est pas une clé d'acteur (64 caractères hexadécimaux).
membership-no-scope = Choisissez au moins une autorisation.
membership-bad-until = La fin doit être l'horodatage donné par la plateforme.
membership-bad-signature = Cette signature ne correspond pas à ces valeurs : vérifiez la clé, les autorisations et la fin.
newest-near = Nouveautés près de chez vous
listing-couriers = Coursiers qui livrent au { $postcode }
listing-no-courier = Aucun coursier ne dessert encore votre NPA.
done-order = Commande envoyée
done-accepted = Acceptée par le vendeur
done-rejected = Refusée par le vendeur
done-payment_confirmed = Paiement reçu
done-ready_for_pickup = Prête à retirer
done-handed_to_courier = Remise au coursier
done-picked_up = Prise en charge par le coursier
done-delivered = Livrée
done-completed = Terminée
done-cancelled = Annulée
how-cash_on_pickup = espèces au retrait
how-cash_on_delivery = espèces à la livraison
how-card_on_pickup = carte au retrait
how-card_on_delivery = carte à la livraison
order-pay-local-in-person = { $amount } en monnaie locale, réglés au vendeur, référence « { $reference } »
done-delivery_job = Course transmise au coursier
done-chat = Message

# Forms of the back office and node pages
form-check-fields = Certaines valeurs ne conviennent pas : voir les messages à côté des champs.
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
status-reachable = Joignable
reach-direct = Directement : les autres nœuds se connectent à celui-ci.
reach-relayed = Par la coopérative ({ $via }) : votre nœud est derrière un routeur, les commandes vous parviennent par la coopérative du marché.
reach-unreachable = Pas encore : les commandes attendent à la coopérative jusqu'à ce que votre nœud les relève. Vérifiez qu'une coopérative figure parmi les nœuds d'amorçage.
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
checkout-no-way = Ces articles ne peuvent être ni retirés ensemble ni livrés par un coursier chez vous : passez-les en deux commandes ou retirez-en un.
order-not-found = Cette commande n'est pas sur ce nœud.
order-who = Qui
order-seller = Vendeur
order-you = Vous
order-customer = Client
order-recipient = À livrer à
order-courier = Coursier
order-items = Articles
order-col-item = Article
order-col-quantity = Quantité
order-col-unit = Unité
order-col-unit-price = Prix unitaire
order-col-total = Total
order-delivery = Livraison
order-delivery-mode = Mode
order-delivery-pickup = Retrait chez le vendeur
order-pickup-place = Lieu de retrait
order-delivery-courier = Par coursier : { $courier }
order-delivery-seller = Livrée par le vendeur
order-window = Créneau
order-fee = Frais de livraison
order-address = Adresse de livraison
order-pickup-at = Enlèvement
order-dropoff-at = Livraison
order-parcel = Colis
order-parcel-size = { $kg } kg, { $l } × { $w } × { $h } cm
order-courier-fee = Rémunération
order-note = Note
order-totals = Montants
order-goods = Articles
order-total = Total
order-local-share = Part en monnaie locale
order-local-share-amount = { $amount } ({ $pct } %)
order-payment = Paiement
order-pay-choice-local = { $pct } % en { $currency }, le reste : { $rest }
order-paid = payée
order-unpaid = pas encore payée
order-by = par { $who }
by-consumer = le client
by-courier = le coursier
by-unknown = inconnu
order-receipt = Télécharger le reçu signé (JSON)
manage-day = Ma tournée
courier-day-title = Ma tournée du jour
courier-day-route = Itinéraire du jour

# The back office's working day: filters, packing list, CSV exports.
filter-state = État
filter-day = Jour
filter-now = À traiter maintenant
filter-placed = À accepter
filter-accepted = À préparer
filter-ready = Prêtes
filter-handed = Remises au coursier
filter-all = Toutes
packing-link = Liste de préparation
packing-title = Liste de préparation
packing-heading = Liste de préparation du { $day }
packing-which = Les commandes de ce jour encore à préparer (envoyées ou acceptées) ; le jour d'une livraison est celui de son créneau, celui d'un retrait le jour de la commande.
packing-none = Rien à préparer ce jour-là.
packing-products = Par produit ({ $orders ->
    [one] une commande
   *[other] { $orders } commandes
})
packing-orders = Par commande
packing-col-stock = En stock
packing-untracked = non suivi
packing-short = il en manque { $count }
export-period = Exporter une période
export-from = Du
export-to = Au
export-orders = Exporter les commandes (CSV)
export-lines = Exporter les lignes de commande (CSV)
csv-number = Commande
csv-date = Date
csv-customer = Client
csv-phone = Téléphone
csv-email = E-mail
csv-delivery = Livraison
csv-window = Créneau
csv-goods = Marchandises
csv-fee = Frais de livraison
csv-total = Total
csv-currency = Monnaie
csv-payment = Paiement
csv-paid = Payée
csv-yes = oui
csv-no = non
csv-state = État
csv-item = Article
csv-variant = Variante
csv-quantity = Quantité
csv-unit = Unité
csv-unit-price = Prix unitaire
csv-line-total = Total de la ligne

# Access: sessions, phones, logging in and out
menu = Menu
logout = Se déconnecter
nav-packing = Préparation
settings-access-link = Accès : navigateurs et téléphones connectés, connecter un téléphone
not-logged-in-demo = Dans la démo, un nouveau lien pour un acteur :
access-title = Accès à ce nœud
access-help = Chaque navigateur et chaque téléphone connecté reste connecté 30 jours après sa dernière visite. Révoquez ceux que vous ne reconnaissez pas.
access-sessions = Navigateurs et téléphones connectés
access-none = Aucune session ouverte.
access-device = Appareil
access-scope = Accès
access-last-used = Dernière visite
access-revoke = Révoquer
access-browser = Navigateur
access-this-browser = (ce navigateur)
access-scope-owner = Tout le nœud
access-scope-courier = Coursier
access-scope-helper = Aide du vendeur
access-scope-owner-help = tout, comme vous
access-scope-courier-help = tournée, courses et étapes de livraison
access-scope-helper-help = commandes, préparation et stock
access-pair-title = Connecter un téléphone
access-pair-help = Donnez un nom au téléphone et choisissez ce qu'il pourra faire. Un code QR s'affiche : scannez-le avec le téléphone, sur le même réseau que ce nœud.
access-pair-needs-https = Pour connecter un téléphone, le nœud doit servir aussi en HTTPS (section [api], clé remote, dans smartket.toml), par exemple :
access-pair-name = Nom du téléphone
access-pair-name-missing = Donnez un nom au téléphone, pour le reconnaître dans la liste.
access-pair-scope = Ce qu'il pourra faire
access-pair-button = Afficher le code QR
access-pair-qr = Code QR du lien de connexion du téléphone
access-pair-for = Téléphone « { $name } » ({ $scope }) : ce code marche une fois, pendant { $minutes } minutes.
access-pair-no-address = Aucune adresse réseau trouvée sur cette machine : le téléphone ne pourra pas la joindre.
access-pair-step-scan = Scannez le code avec l'appareil photo du téléphone et ouvrez le lien.
access-pair-step-certificate = Le navigateur du téléphone avertit que le certificat n'est pas reconnu : c'est le certificat de ce nœud. Vérifiez que son empreinte SHA-256 est celle-ci avant de l'accepter :
access-pair-step-done = Le téléphone ouvre ses pages et reste connecté ; il apparaît dans la liste, d'où vous pouvez le révoquer.
access-pair-link = Le lien, à recopier si le code ne se scanne pas
access-back = Retour aux accès
link-refused-title = Lien de connexion refusé
link-refused-used = Ce lien est inconnu ou a déjà servi : chaque lien ne marche qu'une fois.
link-refused-expired = Ce lien a expiré.
link-refused-too-many = Trop de liens erronés depuis cette adresse : réessayez dans { $seconds } s.
out-of-scope-title = Page non accessible depuis cet appareil
out-of-scope = Cet appareil est connecté avec l'accès « { $scope } », qui n'ouvre pas cette page.
out-of-scope-home = Aller à mes pages

# The basket and checkout like a shop's: quantities, fees, totals, remembered contact.
basket-update = Mettre à jour le panier
basket-browse = Parcourir le marché
basket-fee = Livraison
basket-fee-free = offerte
basket-fee-pickup = aucun frais (retrait)
basket-seller-total = Total chez ce vendeur
basket-grand-total = Total à payer
basket-grand-total-hint = Marchandises et livraison de toutes vos commandes, par monnaie ; chaque vendeur reçoit sa commande et son paiement.
basket-error-quantity = Indiquez un nombre entier (0 retire l'article).
checkout-notes = Indications pour la livraison (code, étage)
checkout-reach-hint = Un téléphone ou un e-mail, pour que le vendeur et le coursier puissent vous joindre.
checkout-address-needed = Nécessaire pour la livraison par coursier.
checkout-remember = Mémoriser mes coordonnées sur ce nœud (elles ne le quittent que dans vos commandes chiffrées)
checkout-error-name = Indiquez votre nom.
checkout-error-phone = Numéro de téléphone invalide : chiffres et espaces, avec + au début si besoin.
checkout-error-email = Adresse e-mail invalide.
checkout-error-reach = Indiquez un téléphone ou un e-mail.
checkout-error-street = Indiquez la rue et le numéro pour la livraison.
checkout-error-postcode = NPA invalide.
checkout-error-city = Indiquez la localité.
checkout-error-notes = Indications trop longues (500 caractères au plus).
checkout-error-courier = Ce coursier ne propose plus cette livraison : choisissez-en une autre.
checkout-error-unavailable = Plus disponible dans cette quantité : réduisez-la ou retirez l'article.
confirm-title = { $count ->
    [one] Merci ! Votre commande est envoyée
   *[other] Merci ! Vos { $count } commandes sont envoyées
}
confirm-lead = Chaque vendeur reçoit sa commande et vous répond ici. Gardez le numéro pour en parler au téléphone.
confirm-delivered = livraison par coursier
orders-earlier = Mes commandes précédentes
# Labels by name, from their issuers' definitions.
label-issued-by = attesté par { $issuer }
label-rules = Le règlement du label
# The header's menu, folded on a phone.

# The disk, when it fails
disk-full = Le disque de ce nœud est plein : rien ne peut être enregistré.
disk-full-help = Libérez de la place sur l'ordinateur (photos, téléchargements) ; le nœud reprend tout seul, sans redémarrer.
disk-failing = Le disque de ce nœud refuse les écritures : rien ne peut être enregistré.
disk-failing-help = Le journal du nœud dit pourquoi ; le nœud reprend tout seul dès que le disque répond.
status-disk = Disque
status-disk-ok = Le disque accepte les écritures.
