//! From a smartket order to its QR-bill (`spec/qrbill.md` §5).
//!
//! Both the seller's node (which sends the reference on acceptance) and the buyer's node (which
//! shows the bill) must arrive at the same payload from the same order, so every choice here is
//! a fixed rule rather than a setting: the creditor is the seller's bank-transfer means and
//! profile address, the amount is what is left in francs (or euros) after any local-currency
//! share, the reference comes from the order id, and the debtor stays empty (the payer's bank
//! fills it in, and the buyer's address need not be shown to anyone else).

use super::{Address, Currency, QrBill, QrBillError, Reference, qrr_from_order_id};
use crate::kinds::Address as ProfileAddress;
use crate::kinds::payment::{PaymentMeans, is_qr_iban};
use crate::messages::{Order, OrderId, PaymentChoice};

/// The first 8 hex digits of the order id: enough for a person to tell their orders apart on a
/// bank statement, short enough to leave the message room.
pub fn order_short_id(order_id: &OrderId) -> String {
    hex::encode(&order_id.0[..4])
}

/// The bill's unstructured message: `smartket order <short id>`.
pub fn order_message(order_id: &OrderId) -> String {
    format!("smartket order {}", order_short_id(order_id))
}

/// The reference an order's bill carries for this account: its QR reference (with the bank's
/// customer `qrr_prefix`, usually empty) for a QR-IBAN, its creditor reference otherwise.
pub fn order_reference(
    account: &str,
    order_id: &OrderId,
    qrr_prefix: &str,
) -> Result<Reference, QrBillError> {
    if is_qr_iban(account) {
        Ok(Reference::Qrr(qrr_from_order_id(&order_id.0, qrr_prefix)?))
    } else {
        Ok(Reference::Scor(super::scor_from_order_id(&order_id.0)))
    }
}

/// What the order leaves to pay by bank transfer: its CHF (or EUR) total, less the share paid
/// in the local currency when the buyer chose one (that share rounded down to the centime, so
/// the transfer takes the odd centime and the two parts always add up to the total). Totals in
/// other currencies (a local currency's own prices) are not part of the transfer.
pub fn transfer_amount(order: &Order) -> Result<(Currency, u64), QrBillError> {
    let local_pct = match &order.payment {
        PaymentChoice::BankTransfer => 0,
        PaymentChoice::LocalCurrency {
            share_pct,
            rest: Some(rest),
            ..
        } if **rest == PaymentChoice::BankTransfer => *share_pct,
        _ => {
            return Err(QrBillError::Order {
                reason: "the buyer did not choose a bank transfer",
            });
        }
    };
    let mut payable = order
        .totals
        .iter()
        .filter_map(|(code, total)| Currency::from_code(code).ok().map(|c| (c, *total)));
    let (currency, total) = payable.next().ok_or(QrBillError::Order {
        reason: "nothing is due in CHF or EUR",
    })?;
    if payable.next().is_some() {
        return Err(QrBillError::Order {
            reason: "amounts due in both CHF and EUR cannot share one bill",
        });
    }
    // total ≤ 10^12 and pct ≤ 100, so the product cannot overflow.
    let local = total.saturating_mul(u64::from(local_pct)) / 100;
    Ok((currency, total - local))
}

/// Splits a profile's one-line street (`Rue du Lac 1268`, `12, rue de Carouge`) into street name
/// and building number, as the structured address wants: a last word, or else a first word
/// (without a trailing comma), that starts with a digit and has at most 16 characters is the
/// number. Anything else stays whole in the street name, which the guidelines allow.
pub fn split_street(street: &str) -> (String, String) {
    let street = street.trim();
    let is_number =
        |w: &str| w.chars().next().is_some_and(|c| c.is_ascii_digit()) && w.chars().count() <= 16;
    if let Some((name, last)) = street.rsplit_once(' ')
        && is_number(last)
        && !name.trim().is_empty()
    {
        return (
            name.trim_end().trim_end_matches(',').to_owned(),
            last.to_owned(),
        );
    }
    if let Some((first, name)) = street.split_once(' ') {
        let number = first.trim_end_matches(',');
        if is_number(number) && !name.trim().is_empty() {
            return (name.trim_start().to_owned(), number.to_owned());
        }
    }
    (street.to_owned(), String::new())
}

/// The QR-bill for an order the seller accepted: `means` must be the seller's
/// [`PaymentMeans::BankTransfer`] and `address` its profile address; `qrr_prefix` is the
/// customer number the seller's bank puts at the start of QR references (empty for most).
pub fn order_bill(
    order: &Order,
    means: &PaymentMeans,
    address: &ProfileAddress,
    qrr_prefix: &str,
) -> Result<QrBill, QrBillError> {
    let PaymentMeans::BankTransfer { iban, holder } = means else {
        return Err(QrBillError::Order {
            reason: "the seller's payment means is not a bank transfer",
        });
    };
    let (currency, amount) = transfer_amount(order)?;
    let (street, building_number) = split_street(&address.street);
    let bill = QrBill {
        account: iban.clone(),
        creditor: Address {
            name: holder.clone(),
            street,
            building_number,
            postcode: address.postcode.clone(),
            town: address.locality.clone(),
            country: address.country.clone(),
        },
        amount: Some(amount),
        currency,
        debtor: None,
        reference: order_reference(iban, &order.order_id, qrr_prefix)?,
        message: order_message(&order.order_id),
        billing_information: String::new(),
        alternative_schemes: Vec::new(),
    };
    bill.validate()?;
    Ok(bill)
}
