//! A seller as a consumer sees it: who they are, where, how they are paid, their labels (by
//! name, with who issued them, so a consumer can judge a label by its issuer) and offers.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fluent_bundle::FluentValue;
use maud::html;
use smartket_protocol::AuthorKey;
use smartket_protocol::kinds::{PaymentMeans, Subject};

use super::UiState;
use super::i18n::Tr;
use super::i18n::pick;
use super::layout::{Frame, page};
use super::market::InMarket;
use super::names::profile;
use super::shop::{grid, query_base};

fn payment_line(tr: Tr, means: &PaymentMeans) -> String {
    match means {
        PaymentMeans::CashOnPickup => tr.t("means-cash-pickup"),
        PaymentMeans::CashOnDelivery => tr.t("means-cash-delivery"),
        PaymentMeans::CardOnPickup => tr.t("means-card-pickup"),
        PaymentMeans::CardOnDelivery => tr.t("means-card-delivery"),
        PaymentMeans::BankTransfer { .. } => tr.t("means-transfer"),
        PaymentMeans::LocalCurrency {
            currency,
            share_pct,
            ..
        } => tr.args(
            "means-local",
            &[
                ("currency", FluentValue::from(currency.as_str())),
                ("pct", FluentValue::from(*share_pct)),
            ],
        ),
        PaymentMeans::Other { label, .. } => pick(label, tr).to_owned(),
        _ => tr.t("means-other"),
    }
}

/// A seller's page: profile, labels, payment means and every current offer.
pub(super) async fn show(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    Path(author): Path<String>,
) -> Response {
    let here = format!("/vendeur/{author}");
    let found = author
        .parse::<AuthorKey>()
        .ok()
        .and_then(|a| profile(&state, &a).map(|p| (a, p)));
    let Some((author, profile)) = found else {
        let body = html! { p.notice { (tr.t("seller-not-found")) } };
        return (
            StatusCode::NOT_FOUND,
            page(Frame::plain(tr, tr.t("seller-not-found"), &here), body),
        )
            .into_response();
    };
    let name = pick(&profile.name, tr).to_owned();
    let mut query = query_base(&state, tr, m.id());
    query.filters.sellers = vec![author.to_hex()];
    query.limit = 200;
    let offers = state.node.search(query).await;
    let body = html! {
        article.seller {
            header {
                @if let Some(logo) = &profile.logo {
                    img.logo src=(format!("/api/v1/blobs/{}?author={author}", logo.to_hex())) alt="";
                }
                h1 { (name) }
            }
            p.lead { (pick(&profile.description, tr)) }
            (super::labels::labels(&state, tr, m.id(), &[Subject::Actor { key: author }]))
            dl.facts {
                @if let Some(a) = &profile.address {
                    dt { (tr.t("seller-address")) }
                    dd { (a.street) ", " (a.postcode) " " (a.locality) }
                }
                @if let Some(c) = &profile.contact {
                    @if let Some(phone) = &c.phone { dt { (tr.t("seller-phone")) } dd { a href=(format!("tel:{phone}")) { (phone) } } }
                    @if let Some(email) = &c.email { dt { (tr.t("seller-email")) } dd { a href=(format!("mailto:{email}")) { (email) } } }
                    @if let Some(web) = &c.website { dt { (tr.t("seller-website")) } dd { a href=(web) rel="noopener" { (web) } } }
                }
                @if !profile.payment.is_empty() {
                    dt { (tr.t("seller-payment")) }
                    dd { ul.plain { @for m in &profile.payment { li { (payment_line(tr, m)) } } } }
                }
            }
        }
        section aria-labelledby="offers" {
            @match &offers {
                Ok(results) => {
                    h2 #offers { (tr.args("seller-offers", &[("count", FluentValue::from(results.total))])) }
                    (grid(&state, tr, &results.hits))
                }
                Err(e) => {
                    h2 #offers { (tr.args("seller-offers", &[("count", FluentValue::from(0))])) }
                    p.notice { (e.to_string()) }
                }
            }
        }
    };
    page(
        Frame::plain(tr, name, &here).in_market(m.choice(state.node.markets())),
        body,
    )
}
