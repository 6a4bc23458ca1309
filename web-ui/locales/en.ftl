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

# Forms of the back office and node pages
form-has-errors = Some values do not fit: see the messages next to the fields.
form-refused = The node refused: { $reason }
form-cancel = Cancel

# Settings
settings-title = Settings
settings-saved = Settings saved.
settings-save = Save
settings-save-failed = The settings could not be saved; see the node's log.
settings-issuers = Trusted label issuers
settings-issuers-help = Labels from these issuers count in search and on offers.
settings-issuers-none = No issuer known yet.
settings-issuer-new = Add an issuer by its key (64 hex characters)
settings-location = My location
settings-location-help = For distances and delivery. Leave empty not to give it.
settings-lat = Latitude (degrees, e.g. 46.19)
settings-lon = Longitude (degrees, e.g. 6.14)
settings-languages = Preferred language
settings-languages-browser = The browser's
settings-languages-fr = French, then English
settings-languages-en = English, then French
settings-markets = Markets joined
settings-error-issuer = An author key is 64 hex characters (0-9, a-f).
settings-error-lat = A latitude between -90 and 90 degrees, e.g. 46.19.
settings-error-lon = A longitude between -180 and 180 degrees, e.g. 6.14.
settings-error-postcode = A postcode of 1 to 16 letters, digits, spaces or hyphens.
settings-error-languages = Choose one of the language orders offered.

# Node status
status-title = Node status
status-identity = Identity
status-name = Name
status-author = Author key
status-peer-id = Peer id
status-listen = Listening on
status-none = none
status-unknown = unknown (the network does not answer)
status-peers = { $count ->
    [0] No peer connected
    [one] 1 peer connected
   *[other] { $count } peers connected
}
status-no-peers = The node is connected to no peer.
status-sync = Sync
status-last-sync = Last sync
status-never = never
status-sync-totals = Since start: { $fetched } records received, { $pushed } sent, { $failed } sessions failed.
status-run-going = Running: { $done } of { $total } peers, { $fetched } records received.
status-run-done = Last requested sync: { $done } of { $total } peers, { $fetched } records received.
status-sync-now = Sync now
status-records = Records held
status-kind = Kind
status-count = Count
status-mailbox = Order messages
status-outbox-pending = { $count ->
    [0] No message waiting to be sent
    [one] 1 message waiting to be sent
   *[other] { $count } messages waiting to be sent
}
status-outbox-in-mailbox = { $count ->
    [0] No message held by a cooperative
    [one] 1 message held by a cooperative for its recipient
   *[other] { $count } messages held by a cooperative for their recipients
}
status-unpublished = { $count ->
    [0] No record waiting to be published
    [one] 1 record to publish once a peer is there
   *[other] { $count } records to publish once a peer is there
}
status-mailbox-kept = { $count ->
    [0] Cooperative mailbox: no message kept for others
    [one] Cooperative mailbox: 1 message kept for others
   *[other] Cooperative mailbox: { $count } messages kept for others
}
kind-profile = Profiles
kind-listing = Listings
kind-delivery_offer = Delivery offers
kind-attestation = Labels
kind-membership = Memberships
kind-tombstone = Deletions

# Courier
jobs-title = My delivery jobs
jobs-none = No delivery job yet.
jobs-route = From { $from } to { $to }
jobs-window = Between { $from } and { $to }
jobs-fee = Fee: { $fee }
offers-title = My delivery offers
offers-none = No offer published.
offer-new = New delivery offer
offer-edit = Offer “{ $key }”
offer-created = Offer published.
offer-saved = Offer changed.
offer-deleted = Offer withdrawn.
offer-not-found = This offer does not exist (any more).
offer-change = Change
offer-delete = Withdraw
offer-save = Publish
offer-what = The offer
offer-key = Offer name
offer-key-help = (a short id, e.g. bike-centre; cannot be changed later)
offer-note-fr = Description in French
offer-note-en = Description in English
offer-where = Area served
offer-postcodes = Postcodes served
offer-postcodes-help = (comma separated, e.g. 1204, 1205)
offer-fees = Price
offer-currency = Currency
offer-base = Price of a delivery
offer-free-above = Free for orders from
offer-optional = (optional)
offer-vehicle-limits = Vehicle and parcel size
offer-vehicle = Vehicle
offer-weight = Largest weight (kg)
offer-length = Largest length (cm)
offer-width = Largest width (cm)
offer-height = Largest height (cm)
offer-slots = Weekly slots
offer-day = Day
offer-from = From
offer-to = To
offer-summary-fee = { $fee } a delivery
offer-summary-free = (free from { $amount })
offer-error-key = A name of 1 to 128 characters, without “/”, other than “nouvelle”.
offer-error-exists = An offer already has this name: change it or choose another name.
offer-error-postcodes = Comma-separated postcodes (2 to 10 capital letters, digits, spaces or hyphens; at most 128, no duplicates).
offer-error-currency = One of the market's currencies.
offer-error-amount = An amount such as 8.50.
offer-error-vehicle = One of the vehicles offered.
offer-error-weight = A weight between 0.001 and 3500 kg.
offer-error-side = A size between 1 and 1000 cm.
offer-error-slot = Each day ticked has a start time before its end time.
offer-error-slots = Tick at least one day.
offer-error-note = At most 1000 characters.
vehicle-on_foot = On foot
vehicle-bike = Bicycle
vehicle-e_bike = E-bike
vehicle-cargo_bike = Cargo bike
vehicle-scooter = Scooter
vehicle-e_van = Electric van
vehicle-van = Van
vehicle-car = Car
vehicle-cold_van = Refrigerated van
day-mon = Monday
day-tue = Tuesday
day-wed = Wednesday
day-thu = Thursday
day-fri = Friday
day-sat = Saturday
day-sun = Sunday

# Certifier
attestations-issued = Labels issued
attestations-none = No label issued.
attestation-issue = Issue a label
attestation-issued = Label issued.
attestation-revoked = Label revoked.
attestation-what = The label
attestation-label = Label
attestation-label-help = (e.g. grta, bio; lowercase letters, digits, “_”, “.”, “-”)
attestation-subject = Given to
attestation-subject-pick = A known actor or listing
attestation-actors = Actors
attestation-listings = Listings
attestation-listing-help = Or a listing by its author's key and its id:
attestation-listing-author = Listing author's key
attestation-listing-key = Listing id
attestation-validity = Validity
attestation-valid-until = Valid until
attestation-valid-until-help = (empty: one year)
attestation-evidence = Evidence (https:// address)
attestation-issued-on = Issued on
attestation-revoke = Revoke
attestation-revoke-one = Revoke the label { $label } of { $subject }
attestation-error-label = 1 to 64 lowercase letters, digits, “_”, “.” or “-”.
attestation-error-subject = Choose an actor or a listing.
attestation-error-listing-key = The listing's id, 1 to 128 characters.
attestation-error-valid-until = A date to come.
attestation-error-evidence = An address starting with https://.
attestation-error-exists = This label is already given to this subject: revoke it first to issue it again.
