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
