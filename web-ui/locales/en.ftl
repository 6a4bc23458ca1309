# smartket node interface — English.
site-name = Local market
skip-to-content = Skip to content
search-label = Search the market
search-placeholder = cheese, bread, bike…
search-button = Search
nav-shop = Shop
language = Language
market = Market
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
not-logged-in = Open the login link that “smartket run” (or “smartket demo”) printed to use this node. For a new link, type on the node's machine:
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
profile-who = Who you are
profile-roles = Your roles in the market
profile-where = Address and contact
profile-name_fr = Name (French)
profile-name_en = Name (English)
profile-description_fr = About (French)
profile-description_en = About (English)
profile-street = Street and number
profile-postcode = Postcode
profile-locality = Locality
profile-email = E-mail
profile-phone = Phone
profile-website = Website
profile-iban = IBAN or QR-IBAN (for the QR-bill)
profile-holder = Account holder
profile-local-hint = Say which share of your prices you accept in { $currency } and your wallet.
profile-local_wallet = Local currency wallet
profile-local_share_pct = Share accepted in local currency (%)
profile-saved = Profile saved and published.
profile-role-required = Choose at least one role.
profile-address-partial = Give the street, postcode and locality, or leave the address empty.
role-producer = Producer
role-shop = Shop
role-service_provider = Service provider
role-platform = Platform
role-courier = Courier
role-certifier = Certifier
role-consumer = Consumer
role-cooperative = Cooperative
scope-relay = relay my listings
scope-publish = publish listings for me
membership-lead = A platform may relay your listings or publish some for you when you authorise it. Joining takes two steps: the platform countersigns your membership and gives you its signature, then you add it here.
membership-given = Platforms I authorise
membership-members = Members of my platform
membership-none = None yet.
membership-until = until { $date }
membership-end = End it
membership-add = Add a membership
membership-platform-key = Platform key
membership-member-key = Member key
membership-scope = Authorisations
membership-until-ms = End (timestamp given by the platform)
membership-signature = Platform signature
membership-days = Length (days)
membership-countersign = Countersign a membership
membership-countersign-hint = For a platform: countersign a producer's membership, then give them the values shown.
membership-countersigned = Membership of { $member } countersigned. Give these values to the member:
membership-added = Membership published.
membership-ended = Membership ended.
membership-bad-key = This is not an actor key (64 hexadecimal characters).
membership-no-scope = Choose at least one authorisation.
membership-bad-until = The end must be the timestamp the platform gave.
membership-bad-signature = This signature does not match these values: check the key, the authorisations and the end.
newest-near = New near you
listing-couriers = Couriers delivering to { $postcode }
listing-no-courier = No courier serves your postcode yet.
done-order = Order sent
done-accepted = Accepted by the seller
done-rejected = Rejected by the seller
done-payment_confirmed = Payment received
done-ready_for_pickup = Ready for pick-up
done-handed_to_courier = Handed to the courier
done-picked_up = Picked up by the courier
done-delivered = Delivered
done-completed = Completed
done-cancelled = Cancelled
how-cash_on_pickup = cash at pick-up
how-cash_on_delivery = cash on delivery
how-card_on_pickup = card at pick-up
how-card_on_delivery = card on delivery
order-pay-local-in-person = { $amount } in local currency, paid to the seller, reference “{ $reference }”
done-delivery_job = Delivery job sent to the courier
done-chat = Message

# Forms of the back office and node pages
form-check-fields = Some values do not fit: see the messages next to the fields.
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
status-reachable = Reachable
reach-direct = Directly: other nodes connect to this one.
reach-relayed = Through the cooperative ({ $via }): your node is behind a router; orders reach you through the market's cooperative.
reach-unreachable = Not yet: orders wait at the cooperative until your node collects them. Check that a cooperative is among the bootstrap nodes.
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
checkout-no-way = These items cannot all be picked up together nor delivered to you by a courier: order them separately or remove one.
order-not-found = This order is not on this node.
order-who = Who
order-seller = Seller
order-you = You
order-customer = Customer
order-recipient = Deliver to
order-courier = Courier
order-items = Items
order-col-item = Item
order-col-quantity = Quantity
order-col-unit = Unit
order-col-unit-price = Unit price
order-col-total = Total
order-delivery = Delivery
order-delivery-mode = How
order-delivery-pickup = Picked up at the seller's
order-pickup-place = Pick-up place
order-delivery-courier = By courier: { $courier }
order-delivery-seller = Delivered by the seller
order-window = Window
order-fee = Delivery fee
order-address = Delivery address
order-pickup-at = Pick up
order-dropoff-at = Deliver
order-parcel = Parcel
order-parcel-size = { $kg } kg, { $l } × { $w } × { $h } cm
order-courier-fee = Fee
order-note = Note
order-totals = Amounts
order-goods = Items
order-total = Total
order-local-share = Local-currency share
order-local-share-amount = { $amount } ({ $pct } %)
order-payment = Payment
order-pay-choice-local = { $pct } % in { $currency }, the rest: { $rest }
order-paid = paid
order-unpaid = not paid yet
order-by = by { $who }
by-consumer = the customer
by-courier = the courier
by-unknown = unknown
order-receipt = Download the signed receipt (JSON)
manage-day = My round
courier-day-title = Today's round
courier-day-route = Route of the day

# The back office's working day: filters, packing list, CSV exports.
filter-state = State
filter-day = Day
filter-now = To handle now
filter-placed = To accept
filter-accepted = To prepare
filter-ready = Ready
filter-handed = Handed to the courier
filter-all = All
packing-link = Packing list
packing-title = Packing list
packing-heading = Packing list for { $day }
packing-which = The orders of this day still to prepare (placed or accepted); a delivery's day is its window's, a pick-up's the day it was ordered.
packing-none = Nothing to prepare that day.
packing-products = By product ({ $orders ->
    [one] one order
   *[other] { $orders } orders
})
packing-orders = By order
packing-col-stock = In stock
packing-untracked = not tracked
packing-short = { $count } short
export-period = Export a period
export-from = From
export-to = To
export-orders = Export the orders (CSV)
export-lines = Export the order lines (CSV)
csv-number = Order
csv-date = Date
csv-customer = Customer
csv-phone = Phone
csv-email = E-mail
csv-delivery = Delivery
csv-window = Window
csv-goods = Goods
csv-fee = Delivery fee
csv-total = Total
csv-currency = Currency
csv-payment = Payment
csv-paid = Paid
csv-yes = yes
csv-no = no
csv-state = State
csv-item = Item
csv-variant = Variant
csv-quantity = Quantity
csv-unit = Unit
csv-unit-price = Unit price
csv-line-total = Line total

# Access: sessions, phones, logging in and out
menu = Menu
logout = Log out
nav-packing = Packing
settings-access-link = Access: browsers and phones logged in, connect a phone
not-logged-in-demo = In the demo, a new link for an actor:
access-title = Access to this node
access-help = Every browser and phone logged in stays logged in for 30 days after its last visit. Revoke any you do not recognise.
access-sessions = Browsers and phones logged in
access-none = No open session.
access-device = Device
access-scope = Access
access-last-used = Last visit
access-revoke = Revoke
access-browser = Browser
access-this-browser = (this browser)
access-scope-owner = The whole node
access-scope-courier = Courier
access-scope-helper = Seller's helper
access-scope-owner-help = everything, as you
access-scope-courier-help = round, jobs and delivery steps
access-scope-helper-help = orders, packing and stock
access-pair-title = Connect a phone
access-pair-help = Name the phone and choose what it may do. A QR code appears: scan it with the phone, on the same network as this node.
access-pair-needs-https = To connect a phone, the node must also serve HTTPS (section [api], key remote, in smartket.toml), for example:
access-pair-name = Phone's name
access-pair-name-missing = Name the phone, to recognise it in the list.
access-pair-scope = What it may do
access-pair-button = Show the QR code
access-pair-qr = QR code of the phone's login link
access-pair-for = Phone “{ $name }” ({ $scope }): this code works once, for { $minutes } minutes.
access-pair-no-address = No network address found on this machine: the phone will not reach it.
access-pair-step-scan = Scan the code with the phone's camera and open the link.
access-pair-step-certificate = The phone's browser warns that the certificate is not recognised: it is this node's own. Check that its SHA-256 fingerprint is this one before accepting it:
access-pair-step-done = The phone opens its pages and stays logged in; it appears in the list, where you can revoke it.
access-pair-link = The link, to copy if the code does not scan
access-back = Back to access
link-refused-title = Login link refused
link-refused-used = This link is unknown or was already used: each link works once.
link-refused-expired = This link has expired.
link-refused-too-many = Too many wrong links from this address: try again in { $seconds } s.
out-of-scope-title = Page not open to this device
out-of-scope = This device is logged in with “{ $scope }” access, which does not open this page.
out-of-scope-home = Go to my pages

# The basket and checkout like a shop's: quantities, fees, totals, remembered contact.
basket-update = Update the basket
basket-browse = Browse the market
basket-fee = Delivery
basket-fee-free = free
basket-fee-pickup = no fee (pick-up)
basket-seller-total = Total from this seller
basket-grand-total = Total to pay
basket-grand-total-hint = Goods and delivery of all your orders, per currency; each seller receives its own order and payment.
basket-error-quantity = Enter a whole number (0 removes the item).
checkout-notes = Delivery notes (door code, floor)
checkout-reach-hint = A phone or an e-mail, so that the seller and the courier can reach you.
checkout-address-needed = Needed for courier delivery.
checkout-remember = Remember my details on this node (they leave it only inside your encrypted orders)
checkout-error-name = Enter your name.
checkout-error-phone = Invalid phone number: digits and spaces, with a leading + if needed.
checkout-error-email = Invalid e-mail address.
checkout-error-reach = Enter a phone or an e-mail.
checkout-error-street = Enter the street and number for the delivery.
checkout-error-postcode = Invalid postcode.
checkout-error-city = Enter the town.
checkout-error-notes = Notes too long (500 characters at most).
checkout-error-courier = This courier no longer offers this delivery: choose another.
checkout-error-unavailable = No longer available in this quantity: lower it or remove the item.
confirm-title = { $count ->
    [one] Thank you! Your order is sent
   *[other] Thank you! Your { $count } orders are sent
}
confirm-lead = Each seller receives its order and answers you here. Keep the number to talk about it on the phone.
confirm-delivered = courier delivery
orders-earlier = My earlier orders
# Labels by name, from their issuers' definitions.
label-issued-by = attested by { $issuer }
label-rules = The label's rules
# The header's menu, folded on a phone.

# The disk, when it fails
disk-full = This node's disk is full: nothing can be saved.
disk-full-help = Free some space on the computer (photos, downloads); the node carries on by itself, without a restart.
disk-failing = This node's disk refuses writes: nothing can be saved.
disk-failing-help = The node's log says why; the node carries on by itself as soon as the disk answers.
status-disk = Disk
status-disk-ok = The disk takes writes.
