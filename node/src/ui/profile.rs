//! The actor's own profile in the back office: who they are, where, how to reach them and how
//! they are paid. Saving publishes the next signed revision with the node's encryption key, so
//! orders keep reaching it; what the form has no field for (opening hours, map point, legal
//! form, logo) is kept.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use smartket_protocol::kinds::{
    Address, Contact, LegalForm, PaymentMeans, Profile, Role, normalize_iban, validate_iban,
};
use smartket_protocol::{Body, Kind, Market, Payload, RecordError};

use super::UiState;
use super::form::HtmlForm;
use super::i18n::{Tr, choose};
use super::layout::{Frame, manage_nav, page};
use super::market::InMarket;

const HERE: &str = "/gestion/profil";

/// The roles a node may claim, in the order the form lists them.
const ROLES: [(Role, &str); 8] = [
    (Role::Producer, "producer"),
    (Role::Shop, "shop"),
    (Role::ServiceProvider, "service_provider"),
    (Role::Platform, "platform"),
    (Role::Courier, "courier"),
    (Role::Certifier, "certifier"),
    (Role::Consumer, "consumer"),
    (Role::Cooperative, "cooperative"),
];

/// The profile form, every value as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ProfileForm {
    name_fr: String,
    name_en: String,
    description_fr: String,
    description_en: String,
    #[serde(rename = "role")]
    roles: Vec<String>,
    street: String,
    postcode: String,
    locality: String,
    email: String,
    phone: String,
    website: String,
    #[serde(rename = "means")]
    means: Vec<String>,
    iban: String,
    holder: String,
    local_wallet: String,
    local_share_pct: String,
    lang: Option<String>,
}

impl ProfileForm {
    fn of(profile: &Profile) -> ProfileForm {
        let text = |t: &std::collections::BTreeMap<String, String>, l: &str| {
            t.get(l).cloned().unwrap_or_default()
        };
        let mut form = ProfileForm {
            name_fr: text(&profile.name, "fr"),
            name_en: text(&profile.name, "en"),
            description_fr: text(&profile.description, "fr"),
            description_en: text(&profile.description, "en"),
            roles: ROLES
                .iter()
                .filter(|(r, _)| profile.roles.contains(r))
                .map(|(_, n)| (*n).to_owned())
                .collect(),
            ..ProfileForm::default()
        };
        if let Some(a) = &profile.address {
            form.street = a.street.clone();
            form.locality = a.locality.clone();
            form.postcode = a.postcode.clone();
        } else if let Some(p) = &profile.postcode {
            form.postcode = p.clone();
        }
        if let Some(c) = &profile.contact {
            form.email = c.email.clone().unwrap_or_default();
            form.phone = c.phone.clone().unwrap_or_default();
            form.website = c.website.clone().unwrap_or_default();
        }
        for means in &profile.payment {
            match means {
                PaymentMeans::CashOnPickup => form.means.push("cash_on_pickup".into()),
                PaymentMeans::CashOnDelivery => form.means.push("cash_on_delivery".into()),
                PaymentMeans::CardOnPickup => form.means.push("card_on_pickup".into()),
                PaymentMeans::CardOnDelivery => form.means.push("card_on_delivery".into()),
                PaymentMeans::BankTransfer { iban, holder } => {
                    form.iban = iban.clone();
                    form.holder = holder.clone();
                }
                PaymentMeans::LocalCurrency {
                    wallet, share_pct, ..
                } => {
                    form.local_wallet = wallet.clone().unwrap_or_default();
                    form.local_share_pct = share_pct.to_string();
                }
                _ => {}
            }
        }
        form
    }

    /// The profile these fields describe, on top of `keep`; errors as (field, message).
    fn to_profile(
        &self,
        keep: Option<&Profile>,
        enc_key: [u8; 32],
        local: Option<&str>,
        tr: Tr,
    ) -> Result<Profile, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let multi = |pairs: [(&str, &String); 2]| {
            pairs
                .iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(l, v)| ((*l).to_owned(), v.trim().to_owned()))
                .collect::<std::collections::BTreeMap<_, _>>()
        };
        let name = multi([("fr", &self.name_fr), ("en", &self.name_en)]);
        if name.is_empty() {
            errors.push(("name_fr", tr.t("problem-required")));
        }
        let roles: Vec<Role> = ROLES
            .iter()
            .filter(|(_, n)| self.roles.iter().any(|r| r == n))
            .map(|(r, _)| *r)
            .collect();
        if roles.is_empty() {
            errors.push(("role", tr.t("profile-role-required")));
        }
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let address = match (opt(&self.street), opt(&self.locality), opt(&self.postcode)) {
            (Some(street), Some(locality), Some(postcode)) => Some(Address {
                street,
                postcode,
                locality,
                country: keep
                    .and_then(|p| p.address.as_ref().map(|a| a.country.clone()))
                    .unwrap_or_else(|| "CH".into()),
            }),
            (None, None, _) => None,
            _ => {
                errors.push(("street", tr.t("profile-address-partial")));
                None
            }
        };
        let mut payment: Vec<PaymentMeans> = Vec::new();
        for (value, means) in [
            ("cash_on_pickup", PaymentMeans::CashOnPickup),
            ("card_on_pickup", PaymentMeans::CardOnPickup),
            ("cash_on_delivery", PaymentMeans::CashOnDelivery),
            ("card_on_delivery", PaymentMeans::CardOnDelivery),
        ] {
            if self.means.iter().any(|m| m == value) {
                payment.push(means);
            }
        }
        match (opt(&self.iban), opt(&self.holder)) {
            (Some(iban), Some(holder)) => match validate_iban(&normalize_iban(&iban)) {
                Ok(()) => payment.push(PaymentMeans::BankTransfer {
                    iban: normalize_iban(&iban),
                    holder,
                }),
                Err(why) => errors.push(("iban", why.to_owned())),
            },
            (None, None) => {}
            (Some(_), None) => errors.push(("holder", tr.t("problem-required"))),
            (None, Some(_)) => errors.push(("iban", tr.t("problem-required"))),
        }
        if let (Some(code), Some(pct)) = (local, opt(&self.local_share_pct)) {
            match pct.trim_end_matches('%').trim().parse::<u8>() {
                Ok(share_pct) if (1..=100).contains(&share_pct) => {
                    payment.push(PaymentMeans::LocalCurrency {
                        currency: code.to_owned(),
                        wallet: opt(&self.local_wallet),
                        share_pct,
                    });
                }
                _ => errors.push(("local_share_pct", tr.t("problem-whole"))),
            }
        }
        payment.extend(
            keep.map(|p| {
                p.payment
                    .iter()
                    .filter(|m| matches!(m, PaymentMeans::Other { .. }))
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        let contact = Contact {
            email: opt(&self.email),
            phone: opt(&self.phone),
            website: opt(&self.website),
        };
        let has_contact =
            contact.email.is_some() || contact.phone.is_some() || contact.website.is_some();
        Ok(Profile {
            roles,
            name,
            description: multi([("fr", &self.description_fr), ("en", &self.description_en)]),
            postcode: opt(&self.postcode),
            address,
            contact: has_contact.then_some(contact),
            payment,
            enc_key,
            ..keep.cloned().unwrap_or(Profile {
                roles: Vec::new(),
                legal_form: LegalForm::Individual,
                company_id: None,
                name: Default::default(),
                description: Default::default(),
                address: None,
                postcode: None,
                point: None,
                hours: Vec::new(),
                contact: None,
                logo: None,
                payment: Vec::new(),
                enc_key,
                languages: vec!["fr".into()],
                labels: Vec::new(),
            })
        })
    }
}

fn reason(e: &RecordError) -> String {
    match e {
        RecordError::InvalidField { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

/// Where a protocol field path points in the form.
fn form_field(path: &str) -> &'static str {
    match path.split('.').nth(1).unwrap_or("") {
        "name" => "name_fr",
        "description" => "description_fr",
        "address" => "street",
        "postcode" => "postcode",
        "contact" => "email",
        "payment" => "iban",
        _ => "name_fr",
    }
}

fn input(
    tr: Tr,
    form: &ProfileForm,
    errors: &[(&str, String)],
    name: &'static str,
    kind: &str,
) -> Markup {
    let value = match name {
        "name_fr" => &form.name_fr,
        "name_en" => &form.name_en,
        "description_fr" => &form.description_fr,
        "description_en" => &form.description_en,
        "street" => &form.street,
        "postcode" => &form.postcode,
        "locality" => &form.locality,
        "email" => &form.email,
        "phone" => &form.phone,
        "website" => &form.website,
        "iban" => &form.iban,
        "holder" => &form.holder,
        "local_wallet" => &form.local_wallet,
        _ => &form.local_share_pct,
    };
    let error = errors.iter().find(|(f, _)| *f == name);
    let id = format!("f-{name}");
    let error_id = format!("e-{name}");
    html! {
        div.field {
            label for=(id) { (tr.t(&format!("profile-{name}"))) }
            @if kind == "textarea" {
                textarea id=(id) name=(name) rows="4" aria-invalid=[error.map(|_| "true")]
                    aria-describedby=[error.map(|_| &error_id)] { (value) }
            } @else {
                input id=(id) type=(kind) name=(name) value=(value) aria-invalid=[error.map(|_| "true")]
                    aria-describedby=[error.map(|_| &error_id)];
            }
            @if let Some((_, message)) = error { p.error id=(error_id) { (message) } }
        }
    }
}

fn render(
    market: &Market,
    tr: Tr,
    form: &ProfileForm,
    errors: &[(&str, String)],
    notice: Option<String>,
) -> Response {
    let local = local_currency(market);
    let role_error = errors.iter().find(|(f, _)| *f == "role");
    let body = html! {
        (manage_nav(tr, HERE))
        h1 { (tr.t("manage-profile")) }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        @if !errors.is_empty() {
            p.notice.error role="alert" { (tr.args("form-has-errors", &[("count", errors.len().into())])) }
        }
        form.stacked method="post" action=(HERE) novalidate {
            fieldset {
                legend { (tr.t("profile-who")) }
                (input(tr, form, errors, "name_fr", "text"))
                (input(tr, form, errors, "name_en", "text"))
                (input(tr, form, errors, "description_fr", "textarea"))
                (input(tr, form, errors, "description_en", "textarea"))
            }
            fieldset aria-describedby=[role_error.map(|_| "e-role")] {
                legend { (tr.t("profile-roles")) }
                @for (_, name) in ROLES {
                    label.check {
                        input type="checkbox" name="role" value=(name) checked[form.roles.iter().any(|r| r == name)];
                        " " (tr.t(&format!("role-{name}")))
                    }
                }
                @if let Some((_, m)) = role_error { p.error #e-role { (m) } }
            }
            fieldset {
                legend { (tr.t("profile-where")) }
                (input(tr, form, errors, "street", "text"))
                (input(tr, form, errors, "postcode", "text"))
                (input(tr, form, errors, "locality", "text"))
                (input(tr, form, errors, "email", "email"))
                (input(tr, form, errors, "phone", "tel"))
                (input(tr, form, errors, "website", "url"))
            }
            fieldset {
                legend { (tr.t("seller-payment")) }
                @for (value, id) in [("cash_on_pickup", "means-cash-pickup"), ("card_on_pickup", "means-card-pickup"),
                                     ("cash_on_delivery", "means-cash-delivery"), ("card_on_delivery", "means-card-delivery")] {
                    label.check {
                        input type="checkbox" name="means" value=(value) checked[form.means.iter().any(|m| m == value)];
                        " " (tr.t(id))
                    }
                }
                (input(tr, form, errors, "iban", "text"))
                (input(tr, form, errors, "holder", "text"))
                @if let Some(code) = &local {
                    p.hint { (tr.args("profile-local-hint", &[("currency", code.as_str().into())])) }
                    (input(tr, form, errors, "local_wallet", "text"))
                    (input(tr, form, errors, "local_share_pct", "number"))
                }
            }
            button type="submit" { (tr.t("save")) }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        page(Frame::plain(tr, tr.t("manage-profile"), HERE), body),
    )
        .into_response()
}

fn local_currency(market: &Market) -> Option<String> {
    market
        .currencies
        .iter()
        .find(|c| c.local)
        .map(|c| c.code.clone())
}

fn own_profile(state: &UiState, market: &str) -> Option<Profile> {
    match state
        .node
        .own()
        .current(market, Kind::Profile, "profile")
        .ok()??
        .payload
        .body
    {
        Body::Profile(p) => Some(p),
        _ => None,
    }
}

/// `?notice=saved` after saving.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ProfileQuery {
    notice: Option<String>,
}

/// The profile form, filled with the current profile.
pub(super) async fn show(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    Query(q): Query<ProfileQuery>,
) -> Response {
    let form = own_profile(&state, m.id())
        .map(|p| ProfileForm::of(&p))
        .unwrap_or_default();
    let notice = q
        .notice
        .filter(|n| n == "saved")
        .map(|_| tr.t("profile-saved"));
    render(&m.market, tr, &form, &[], notice)
}

/// Publishes the profile from the form, or shows the form again with its errors.
pub(super) async fn save(
    State(state): State<UiState>,
    m: InMarket,
    headers: HeaderMap,
    HtmlForm(form): HtmlForm<ProfileForm>,
) -> Response {
    let tr = choose(form.lang.as_deref(), &headers, &state.settings().languages);
    let market = m.id().to_owned();
    let keep = own_profile(&state, &market);
    let enc_key = state.node.encryption_key().public().0;
    let local = local_currency(&m.market);
    let profile = match form.to_profile(keep.as_ref(), enc_key, local.as_deref(), tr) {
        Ok(p) => p,
        Err(errors) => return render(&m.market, tr, &form, &errors, None),
    };
    let checked = Payload::new(
        market.clone(),
        "profile",
        0,
        1,
        Body::Profile(profile.clone()),
    )
    .validate();
    if let Err(e) = checked {
        let field = match &e {
            RecordError::InvalidField { field, .. } => form_field(field),
            _ => "name_fr",
        };
        return render(&m.market, tr, &form, &[(field, reason(&e))], None);
    }
    match state
        .node
        .own()
        .put(&market, "profile", Body::Profile(profile), None)
        .await
    {
        Ok(_) => Redirect::to(&format!("{HERE}?notice=saved")).into_response(),
        Err(e) => render(&m.market, tr, &form, &[("name_fr", e.to_string())], None),
    }
}
