//! What a payer must do to pay an order: the part handed over in person, the part in the local
//! currency to the seller's wallet, the part by bank transfer with a Swiss QR-bill. Each means
//! is a [`PaymentService`], so another local currency or payment service plugs in beside them.

use serde::Serialize;
use smartket_protocol::Market;
use smartket_protocol::kinds::{PaymentMeans, Profile};
use smartket_protocol::messages::{Order, PaymentChoice};
use smartket_protocol::qrbill::{self, order_short_id};
use utoipa::ToSchema;

/// One part of what the payer pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PaymentPart {
    /// Handed over in person, in cash or by card, at pick-up or on delivery.
    InPerson {
        /// `cash_on_pickup`, `cash_on_delivery`, `card_on_pickup`, `card_on_delivery`.
        how: String,
        /// Minor units.
        amount: u64,
        /// Currency.
        currency: String,
    },
    /// Paid in a local currency to the seller's wallet, quoting the reference.
    LocalCurrency {
        /// Currency (`LEM`).
        currency: String,
        /// Minor units of it.
        amount: u64,
        /// The seller's wallet or account in that currency, when its profile names one.
        wallet: Option<String>,
        /// What to write with the payment.
        reference: String,
    },
    /// A bank transfer with a Swiss QR-bill (`spec/qrbill.md`).
    QrBill {
        /// Minor units.
        amount: u64,
        /// `CHF` or `EUR`.
        currency: String,
        /// The creditor account (IBAN or QR-IBAN).
        account: String,
        /// The QR or creditor reference.
        reference: String,
        /// The QR code's text.
        payload: String,
        /// The QR code as SVG, with the Swiss cross.
        svg: String,
    },
    /// A part no service here can describe (the reason says why).
    Unavailable {
        /// Why.
        reason: String,
    },
}

/// What a service needs to describe a part.
pub struct PaymentContext<'a> {
    /// The order.
    pub order: &'a Order,
    /// The seller's current profile, when known.
    pub seller: Option<&'a Profile>,
    /// The order's market (currencies and their parity).
    pub market: Option<&'a Market>,
}

/// One way to be paid. Implement it for another local currency's app or a payment service.
pub trait PaymentService: Send + Sync {
    /// The part of `ctx.order` paid by `choice`: `amount` minor units of `currency`; `None` when
    /// this service does not handle the choice.
    fn part(
        &self,
        ctx: &PaymentContext<'_>,
        choice: &PaymentChoice,
        amount: u64,
        currency: &str,
    ) -> Option<PaymentPart>;
}

/// Cash and card, in person.
pub struct InPerson;

impl PaymentService for InPerson {
    fn part(
        &self,
        _: &PaymentContext<'_>,
        choice: &PaymentChoice,
        amount: u64,
        currency: &str,
    ) -> Option<PaymentPart> {
        let how = match choice {
            PaymentChoice::CashOnPickup => "cash_on_pickup",
            PaymentChoice::CashOnDelivery => "cash_on_delivery",
            PaymentChoice::CardOnPickup => "card_on_pickup",
            PaymentChoice::CardOnDelivery => "card_on_delivery",
            _ => return None,
        };
        Some(PaymentPart::InPerson {
            how: how.into(),
            amount,
            currency: currency.into(),
        })
    }
}

/// A local currency paid to the wallet the seller's profile names (the Léman and its kin).
pub struct LocalWallet;

impl PaymentService for LocalWallet {
    fn part(
        &self,
        ctx: &PaymentContext<'_>,
        choice: &PaymentChoice,
        amount: u64,
        currency: &str,
    ) -> Option<PaymentPart> {
        let PaymentChoice::LocalCurrency { currency: code, .. } = choice else {
            return None;
        };
        let wallet = ctx.seller.and_then(|p| {
            p.payment.iter().find_map(|m| match m {
                PaymentMeans::LocalCurrency {
                    currency, wallet, ..
                } if currency == code => wallet.clone(),
                _ => None,
            })
        });
        Some(PaymentPart::LocalCurrency {
            currency: currency.into(),
            amount,
            wallet,
            reference: format!("smartket {}", order_short_id(&ctx.order.order_id)),
        })
    }
}

/// A bank transfer with a Swiss QR-bill for the seller's account.
pub struct SwissQrBill;

impl PaymentService for SwissQrBill {
    fn part(
        &self,
        ctx: &PaymentContext<'_>,
        choice: &PaymentChoice,
        _: u64,
        _: &str,
    ) -> Option<PaymentPart> {
        if *choice != PaymentChoice::BankTransfer {
            return None;
        }
        let unavailable = |reason: String| Some(PaymentPart::Unavailable { reason });
        let Some(seller) = ctx.seller else {
            return unavailable("the seller's profile is not known here".into());
        };
        let Some(means) = seller
            .payment
            .iter()
            .find(|m| matches!(m, PaymentMeans::BankTransfer { .. }))
        else {
            return unavailable("the seller takes no bank transfer".into());
        };
        let Some(address) = &seller.address else {
            return unavailable("the seller's profile has no address for a QR-bill".into());
        };
        let bill = match qrbill::order_bill(ctx.order, means, address, "") {
            Ok(bill) => bill,
            Err(e) => return unavailable(format!("no QR-bill: {e}")),
        };
        let payload = match bill.payload() {
            Ok(payload) => payload,
            Err(e) => return unavailable(format!("no QR-bill: {e}")),
        };
        let svg = match qr_svg(&payload) {
            Some(svg) => svg,
            None => return unavailable("the QR-bill does not fit a QR code".into()),
        };
        Some(PaymentPart::QrBill {
            amount: bill.amount.unwrap_or_default(),
            currency: bill.currency.code().into(),
            account: bill.account.clone(),
            reference: bill.reference.value().to_owned(),
            payload,
            svg,
        })
    }
}

/// The payment services a node knows, tried in order.
pub struct Payments(Vec<Box<dyn PaymentService>>);

impl Default for Payments {
    fn default() -> Payments {
        Payments(vec![
            Box::new(InPerson),
            Box::new(LocalWallet),
            Box::new(SwissQrBill),
        ])
    }
}

impl Payments {
    /// The parts of the order's payment: the local-currency share (converted at the market's
    /// parity, rounded down) and the rest, or the whole by one means.
    pub fn parts(&self, ctx: &PaymentContext<'_>) -> Vec<PaymentPart> {
        let base = ctx.market.map_or("CHF", |m| m.base_currency.as_str());
        let total = ctx.order.totals.get(base).copied().unwrap_or_default();
        let mut split = Vec::new();
        match &ctx.order.payment {
            PaymentChoice::LocalCurrency {
                currency,
                share_pct,
                rest,
            } => {
                let share = total.saturating_mul(u64::from(*share_pct)) / 100;
                let parity = ctx
                    .market
                    .and_then(|m| m.currencies.iter().find(|c| &c.code == currency))
                    .map_or((1, 1), |c| (c.parity.num.max(1), c.parity.den.max(1)));
                let local = share.saturating_mul(parity.1) / parity.0;
                split.push((&ctx.order.payment, local, currency.as_str()));
                if let Some(rest) = rest {
                    split.push((rest.as_ref(), total - share, base));
                }
            }
            other => split.push((other, total, base)),
        }
        split
            .into_iter()
            .map(|(choice, amount, currency)| {
                self.0
                    .iter()
                    .find_map(|s| s.part(ctx, choice, amount, currency))
                    .unwrap_or_else(|| PaymentPart::Unavailable {
                        reason: "no payment service here handles this means".into(),
                    })
            })
            .collect()
    }
}

/// The QR code of `text` as SVG (error correction M, as the QR-bill wants), with the Swiss
/// cross in its middle; `None` when the text does not fit a QR code.
pub fn qr_svg(text: &str) -> Option<String> {
    let (size, path) = crate::qr::modules(text)?;
    // The Swiss cross: 7 mm of a 46 mm code, centred, white-edged black square with a white
    // cross.
    let s = size as f64;
    let box_side = s * 7.0 / 46.0;
    let (bx, by) = ((s - box_side) / 2.0, (s - box_side) / 2.0);
    let arm_long = box_side * 0.6;
    let arm_short = box_side * 0.19;
    let (cx, cy) = (s / 2.0, s / 2.0);
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR-bill\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/>\
         <rect x=\"{ox:.2}\" y=\"{oy:.2}\" width=\"{ow:.2}\" height=\"{ow:.2}\" fill=\"#fff\"/>\
         <rect x=\"{bx:.2}\" y=\"{by:.2}\" width=\"{box_side:.2}\" height=\"{box_side:.2}\" fill=\"#000\"/>\
         <rect x=\"{hx:.2}\" y=\"{hy:.2}\" width=\"{arm_long:.2}\" height=\"{arm_short:.2}\" fill=\"#fff\"/>\
         <rect x=\"{vx:.2}\" y=\"{vy:.2}\" width=\"{arm_short:.2}\" height=\"{arm_long:.2}\" fill=\"#fff\"/>\
         </svg>",
        ox = bx - 0.5,
        oy = by - 0.5,
        ow = box_side + 1.0,
        hx = cx - arm_long / 2.0,
        hy = cy - arm_short / 2.0,
        vx = cx - arm_short / 2.0,
        vy = cy - arm_long / 2.0,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use smartket_protocol::messages::{Contact, DeliveryChoice, OrderId};
    use smartket_protocol::{EncryptionPublicKey, RecipientKeys, SecretKey};
    use std::collections::BTreeMap;

    fn order(payment: PaymentChoice, chf: u64) -> Order {
        Order {
            order_id: OrderId([0x21; 16]),
            items: Vec::new(),
            delivery: DeliveryChoice::Pickup,
            address: None,
            contact: Contact {
                name: "Léa".into(),
                phone: None,
                email: None,
            },
            payment,
            totals: BTreeMap::from([("CHF".to_owned(), chf)]),
            note: None,
            reply_to: RecipientKeys {
                author: SecretKey::from_bytes(&[1; 32]).public(),
                enc: EncryptionPublicKey([2; 32]),
            },
            reply_node: None,
        }
    }

    fn seller() -> Profile {
        let body = serde_json::json!({
            "roles": ["producer"], "legal_form": "individual", "name": { "fr": "Fromagerie" },
            "postcode": "1213", "point": { "lat_e4": 462_000, "lon_e4": 61_500 },
            "address": { "street": "Route de Chancy 12", "postcode": "1213",
                         "locality": "Onex", "country": "CH" },
            "enc_key": "11".repeat(32),
            "payment": [
                { "type": "cash_on_pickup" },
                { "type": "local_currency", "currency": "LEM", "wallet": "lem:fromagerie",
                  "share_pct": 50 },
                { "type": "bank_transfer", "iban": "CH4431999123000889012",
                  "holder": "Fromagerie des Bossons" },
            ],
        });
        let payload = crate::record_json::Draft::new(
            SecretKey::from_bytes(&[3; 32]).public(),
            smartket_protocol::Kind::Profile,
            "geneva",
            "profile",
            1000,
        )
        .payload(&body)
        .expect("profile");
        match payload.body {
            smartket_protocol::Body::Profile(p) => p,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_leman_share_and_a_qr_bill_for_the_rest_add_up_to_the_total() {
        let seller = seller();
        let order = order(
            PaymentChoice::LocalCurrency {
                currency: "LEM".into(),
                share_pct: 30,
                rest: Some(Box::new(PaymentChoice::BankTransfer)),
            },
            3301,
        );
        let ctx = PaymentContext {
            order: &order,
            seller: Some(&seller),
            market: None,
        };
        let parts = Payments::default().parts(&ctx);
        let PaymentPart::LocalCurrency { amount, wallet, .. } = &parts[0] else {
            panic!("{parts:?}");
        };
        assert_eq!((*amount, wallet.as_deref()), (990, Some("lem:fromagerie")));
        let PaymentPart::QrBill {
            amount,
            payload,
            svg,
            reference,
            ..
        } = &parts[1]
        else {
            panic!("{parts:?}");
        };
        assert_eq!(*amount, 3301 - 990);
        assert!(
            payload.starts_with("SPC\n0200\n1\nCH4431999123000889012\nS\n"),
            "{payload}"
        );
        assert!(payload.contains("\n23.11\nCHF\n"), "{payload}");
        assert_eq!(reference.len(), 27, "a QR-IBAN takes a QRR reference");
        assert!(svg.starts_with("<svg") && svg.contains("<path"), "{svg}");
    }

    #[test]
    fn cash_covers_the_whole_and_a_missing_bank_account_says_so() {
        let mut seller = seller();
        let cash = order(PaymentChoice::CashOnPickup, 1250);
        let ctx = PaymentContext {
            order: &cash,
            seller: Some(&seller),
            market: None,
        };
        assert_eq!(
            Payments::default().parts(&ctx),
            vec![PaymentPart::InPerson {
                how: "cash_on_pickup".into(),
                amount: 1250,
                currency: "CHF".into()
            }]
        );
        seller
            .payment
            .retain(|m| !matches!(m, PaymentMeans::BankTransfer { .. }));
        let bank = order(PaymentChoice::BankTransfer, 1250);
        let ctx = PaymentContext {
            order: &bank,
            seller: Some(&seller),
            market: None,
        };
        assert!(matches!(
            &Payments::default().parts(&ctx)[0],
            PaymentPart::Unavailable { reason } if reason.contains("no bank transfer")
        ));
    }
}
