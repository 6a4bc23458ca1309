# smartket node interface — English.
site-name = Local market
skip-to-content = Skip to content
search-label = Search the market
search-placeholder = cheese, bread, bike…
search-button = Search
nav-shop = Shop
language = Language
home-title = The local market, with no middleman
home-lead = { $sellers } sellers and { $listings } offers from the region, right on your computer.
categories = Categories
newest = New in
results-count = { $count ->
    [0] No results
    [one] 1 result
   *[other] { $count } results
}
results-for = for “{ $q }”
filters = Filters
filter-category = Category
filter-labels = Recognised labels
filter-payment = Payment
filter-in-stock = In stock only
filter-apply = Apply
filter-clear = Clear all
payment-local = Accepts { $currency }
sort = Sort by
sort-relevance = Relevance
sort-price-asc = Price, low to high
sort-price-desc = Price, high to low
sort-distance = Distance
sort-newest = Newest
in-stock = In stock
out-of-stock = Sold out
sold-by = Sold by { $seller }
distance = { $km } km away
previous = Previous
next = Next
listing-description = Description
listing-fulfilment = Pick-up and delivery
listing-pickup = Pick-up: { $place } ({ $postcode })
listing-delivery = Delivered by the seller
listing-courier = Courier delivery possible
listing-local-share = Up to { $pct } % payable in { $currency }
listing-not-found = This offer no longer exists or has not reached your node yet.
not-logged-in-title = Login needed
not-logged-in = Open the login link that “smartket run” (or “smartket demo”) printed to use this node.
unit-piece = piece
unit-kg = kg
unit-100g = 100 g
unit-litre = litre
unit-bottle = bottle
unit-dozen = dozen
unit-bunch = bunch
unit-hour = hour
unit-box = box
unit-session = session
unit-day = day
