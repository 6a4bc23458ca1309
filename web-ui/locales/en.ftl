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
nav-basket = Basket
nav-orders = My orders
add-to-basket = Add to basket
quantity = Quantity
basket-title = My basket
basket-empty = Your basket is empty.
basket-remove = Remove
basket-subtotal = Subtotal
basket-seller = From { $seller }
checkout-pickup = Pick up at the seller's
checkout-payment = Payment
pay-cash = Cash at pick-up
pay-card = Card at pick-up
pay-bank = Bank transfer (QR-bill)
pay-local = { $pct } % in { $currency }, the rest in cash
checkout-contact = Your details
checkout-name = Name
checkout-phone = Phone
checkout-email = E-mail
checkout-submit = Place the order
checkout-changed = Some prices changed since you added them: check, then confirm.
checkout-accept = I have seen the new prices
orders-title = My orders
orders-none = No orders yet.
order-title = Order { $id }
order-stage = Status
order-steps = Steps
order-pay = How to pay
order-pay-local = { $amount } to { $wallet }, reference “{ $reference }”
order-pay-in-person = { $amount }: { $how }
order-pay-qr = { $amount } by bank transfer, reference { $reference }
order-sent = Sent to the seller: { $state }
stage-placed = sent
stage-accepted = accepted
stage-rejected = rejected
stage-ready_for_pickup = ready to pick up
stage-handed_to_courier = handed to the courier
stage-in_transit = on its way
stage-delivered = delivered
stage-completed = completed
stage-cancelled = cancelled
sent-pending = waiting
sent-in_mailbox = waiting in the cooperative's mailbox
sent-delivered = delivered to the seller
sent-refused = refused by the recipient
sent-expired = given up
checkout-delivery = Delivery
checkout-courier = Courier delivery
checkout-address = Delivery address
checkout-street = Street and number
checkout-postcode = Postcode
checkout-city = Town
nav-manage = Manage
manage-title = Orders to handle
manage-to-do = to do
step-reason = Reason (rejection, cancellation)
step-accepted = Accept
step-rejected = Reject
step-payment_confirmed = Payment received
step-ready_for_pickup = Ready to pick up
step-handed_to_courier = Handed to the courier
step-picked_up = Parcel picked up
step-delivered = Delivered
step-completed = Complete
step-cancelled = Cancel

# Back office and node pages
nav-settings = Settings
nav-status = Node status
manage-orders = Orders
manage-listings = Listings
manage-import = CSV import
manage-profile = Profile
manage-memberships = Memberships
manage-delivery = Delivery offers
manage-attestations = Labels issued
no-market = This node has joined no market.
actions = Actions
save = Save
listing-new = New listing
listing-count = { $count ->
    [0] No listing yet.
    [one] One listing.
   *[other] { $count } listings.
}
listing-duplicate = Duplicate
listing-duplicate-of = Copy of “{ $title }”
listing-delete = Delete the listing
listing-what = The item
listing-price = Price and stock
listing-pictures = Pictures
listing-saved = Listing saved and published.
listing-deleted = Listing deleted.
listing-stock-saved = Stock saved.
listing-stock-invalid = Stock must be a whole number (or empty when not tracked).
listing-key-taken = a listing already has this reference
stock-of = Stock of { $title }
form-has-errors = { $count ->
    [one] One field needs fixing.
   *[other] { $count } fields need fixing.
}
field-key = Reference (SKU)
field-key-hint = Your own reference, unique among your listings; it cannot change later.
field-title_fr = Title (French)
field-title_en = Title (English)
field-description_fr = Description (French)
field-description_en = Description (English)
field-category = Category
field-price = Price
field-currency = Currency
field-unit = Unit
field-stock = Stock
field-stock-hint = Leave empty when stock is not tracked (made to order, services).
field-local_share_pct = Share accepted in local currency (%)
field-origin = Origin
field-pickup_place = Pick-up place
field-pickup_postcode = Pick-up postcode
field-courier = A courier may deliver it
problem-required = This field is required.
problem-amount = Not an amount: for example 12.50.
problem-whole = Not a whole number.
problem-category = Not a category of the market.
problem-currency = Not a currency of the market.
problem-unit = Unknown unit.
problem-invalid = Value refused
picture-n = Picture { $n }
picture-add = Add a picture
picture-hint = JPEG, PNG or WebP, at most 8 MB.
picture-preview = Preview of the chosen picture
picture-upload = Upload the picture
picture-remove = Remove
picture-added = Picture added.
picture-removed = Picture removed.
picture-missing = Choose a picture first.
picture-refused = This file is not a JPEG, PNG or WebP image.
picture-too-large = The picture is larger than 8 MB.
import-lead = Publish your whole catalogue at once from a spreadsheet: save it as CSV (comma or semicolon separated), one listing per line. The file is checked first; nothing is published before you confirm. A line whose reference already exists updates that listing.
import-template = Download a template file
import-columns = The columns
import-columns-help = Required: key (your reference), title_fr, category (a market category code, e.g. food.dairy.cheese), price (12.50). The others may stay empty; courier is “yes” when a courier may deliver; a listing needs a pick-up place or delivery.
import-file = CSV file
import-check = Check the file
import-no-file = Choose a file first.
import-unreadable = This file cannot be read: { $why }
import-forgotten = This check is no longer remembered; send the file again.
import-checked = { $lines } lines read: { $ready } ready (of which { $updates } updates), { $refused } refused.
import-go = { $count ->
    [one] Import the ready listing
   *[other] Import the { $count } ready listings
}
import-other-file = Choose another file
import-running = Publishing: { $done } of { $count }
import-done = { $count ->
    [one] One listing published.
   *[other] { $count } listings published.
}
import-refused = { $count ->
    [one] One line refused (not imported)
   *[other] { $count } lines refused (not imported)
}
import-line = Line
import-why = Why
import-unreadable-at = This file cannot be read (line { $line }): { $why }
import-missing-column = The first line has no column “{ $column }”.
import-unknown-column = The column “{ $column }” is not known; the template has the possible columns.
import-too-many = More than { $count } listings in one file: split it into several.
import-empty = This file holds no listing.
filter-getting = Delivery and pick-up
filter-delivered = Delivered to my postcode ({ $postcode })
filter-set-location = Set your postcode in the settings to see what can be delivered to you.
filter-near = Pick-up near me
filter-near-any = anywhere
filter-price = Price (CHF)
filter-price-min = from
filter-price-max = to
labels = Labels
label-by-trusted = attested by { $issuer }, a certifier you trust
label-by-untrusted = claimed by { $issuer } (issuer not verified)
means-cash-pickup = Cash at pick-up
means-cash-delivery = Cash on delivery
means-card-pickup = Card at pick-up
means-card-delivery = Card on delivery
means-transfer = Bank transfer (QR-bill)
means-local = { $currency } accepted up to { $pct } %
means-other = Other means
seller-not-found = Your node does not know this seller (yet).
seller-address = Address
seller-phone = Phone
seller-email = E-mail
seller-website = Website
seller-payment = Payment
seller-offers = { $count ->
    [0] No offer right now
    [one] One offer
   *[other] { $count } offers
}
