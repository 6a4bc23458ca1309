//! A whole catalogue from a CSV file, in two steps: the file is checked and every refused line
//! shown with its reasons before anything is published; then the ready lines are published in
//! the background while the page shows the progress. A line whose key the seller already uses
//! updates that listing (its pictures and what a row has no column for are kept), so the same
//! spreadsheet can be imported again after a change.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use smartket_protocol::kinds::Listing;
use smartket_protocol::{Body, Kind};

use super::UiState;
use super::i18n::Tr;
use super::layout::{Frame, manage_nav, page};
use super::market::InMarket;
use crate::listing_rows::{CsvError, CsvLine, Line, read_csv};

const BASE: &str = "/gestion/import";

/// Checked files a seller has not imported yet and imports under way, by id. Only the last few
/// are kept: a check nobody imports is forgotten.
#[derive(Debug, Default)]
pub(super) struct Imports {
    jobs: Mutex<HashMap<String, Arc<Mutex<Job>>>>,
    order: Mutex<Vec<String>>,
}

/// Checks and imports kept at once.
const KEPT: usize = 8;

impl Imports {
    fn insert(&self, id: String, job: Job) {
        let (Ok(mut jobs), Ok(mut order)) = (self.jobs.lock(), self.order.lock()) else {
            return;
        };
        jobs.insert(id.clone(), Arc::new(Mutex::new(job)));
        order.push(id);
        while order.len() > KEPT {
            let old = order.remove(0);
            jobs.remove(&old);
        }
    }

    fn get(&self, id: &str) -> Option<Arc<Mutex<Job>>> {
        self.jobs.lock().ok()?.get(id).cloned()
    }
}

/// One checked file and, once started, its import.
#[derive(Debug)]
struct Job {
    lines: Vec<CsvLine>,
    /// Keys of ready lines that change an existing listing.
    updates: Vec<String>,
    stage: Stage,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    Checked,
    Running {
        done: usize,
    },
    Done {
        done: usize,
        failed: Vec<(String, String)>,
    },
}

impl Job {
    fn ready(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| matches!(l.outcome, Line::Ready { .. }))
            .count()
    }
}

fn new_id() -> Option<String> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).ok()?;
    Some(hex::encode(bytes))
}

/// The columns, as the page explains them and the template carries them.
const TEMPLATE: &str = "key;title_fr;title_en;description_fr;description_en;category;price;currency;unit;stock;local_share_pct;origin;pickup_place;pickup_postcode;courier\n\
tomme-01;Tomme fraîche;Fresh tomme;Au lait cru;Raw milk;food.dairy.cheese;8.50;CHF;piece;12;30;Bernex;Marché de Plainpalais;1205;oui\n";

/// A CSV file with the header and one example line, to fill in a spreadsheet.
pub(super) async fn template() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"smartket-annonces.csv\"",
            ),
        ],
        TEMPLATE,
    )
        .into_response()
}

fn frame<'a>(tr: Tr, here: &'a str) -> Frame<'a> {
    Frame::plain(tr, tr.t("manage-import"), here)
}

fn upload_form(tr: Tr, error: Option<String>) -> Markup {
    html! {
        p { (tr.t("import-lead")) }
        p { a href=(format!("{BASE}/modele.csv")) download { (tr.t("import-template")) } }
        details {
            summary { (tr.t("import-columns")) }
            p.muted { code { (TEMPLATE.lines().next().unwrap_or_default()) } }
            p.muted { (tr.t("import-columns-help")) }
        }
        @if let Some(error) = &error { p.notice.error role="alert" { (error) } }
        form.stacked method="post" action=(BASE) enctype="multipart/form-data" {
            div.field {
                label for="csv" { (tr.t("import-file")) }
                input #csv type="file" name="csv" accept=".csv,text/csv" required
                    aria-invalid=[error.as_ref().map(|_| "true")];
            }
            button type="submit" { (tr.t("import-check")) }
        }
    }
}

/// The page to choose a file.
pub(super) async fn start(State(_state): State<UiState>, tr: Tr) -> Response {
    let body = html! {
        (manage_nav(tr, BASE))
        h1 { (tr.t("manage-import")) }
        (upload_form(tr, None))
    };
    page(frame(tr, BASE), body)
}

/// Reads and checks the uploaded file, then shows what would be imported and what not.
pub(super) async fn check(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    mut multipart: Multipart,
) -> Response {
    let refuse = |message: String| {
        let body = html! {
            (manage_nav(tr, BASE))
            h1 { (tr.t("manage-import")) }
            (upload_form(tr, Some(message)))
        };
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            page(frame(tr, BASE), body),
        )
            .into_response()
    };
    let mut bytes = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("csv") => match field.bytes().await {
                Ok(b) => bytes = Some(b),
                Err(e) => {
                    return refuse(tr.args(
                        "import-unreadable",
                        &[("why", FluentValue::from(e.to_string()))],
                    ));
                }
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                return refuse(tr.args(
                    "import-unreadable",
                    &[("why", FluentValue::from(e.to_string()))],
                ));
            }
        }
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return refuse(tr.t("import-no-file"));
    };
    let market = m.market.clone();
    let lines = match read_csv(&bytes, &market) {
        Ok(lines) => lines,
        Err(e) => return refuse(csv_error(tr, &e)),
    };
    let updates = lines
        .iter()
        .filter_map(|l| match &l.outcome {
            Line::Ready { key, .. } => state
                .node
                .own()
                .current(&market.id, Kind::Listing, key)
                .ok()
                .flatten()
                .map(|_| key.clone()),
            Line::Refused(_) => None,
        })
        .collect();
    let Some(id) = new_id() else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "random source").into_response();
    };
    state.imports.insert(
        id.clone(),
        Job {
            lines,
            updates,
            stage: Stage::Checked,
        },
    );
    Redirect::to(&format!("{BASE}/{id}")).into_response()
}

/// Why a file cannot be read, in the user's language.
fn csv_error(tr: Tr, e: &CsvError) -> String {
    match e {
        CsvError::Unreadable { line, reason } => tr.args(
            "import-unreadable-at",
            &[
                ("line", FluentValue::from(*line)),
                ("why", FluentValue::from(reason.as_str())),
            ],
        ),
        CsvError::MissingColumn(column) => tr.args(
            "import-missing-column",
            &[("column", FluentValue::from(*column))],
        ),
        CsvError::UnknownColumn(column) => tr.args(
            "import-unknown-column",
            &[("column", FluentValue::from(column.as_str()))],
        ),
        CsvError::TooManyRows => tr.args(
            "import-too-many",
            &[("count", FluentValue::from(crate::listing_rows::MAX_ROWS))],
        ),
        CsvError::Empty => tr.t("import-empty"),
    }
}

fn refused_table(tr: Tr, lines: &[CsvLine]) -> Markup {
    let refused: Vec<&CsvLine> = lines
        .iter()
        .filter(|l| matches!(l.outcome, Line::Refused(_)))
        .collect();
    html! {
        @if !refused.is_empty() {
            h2 { (tr.args("import-refused", &[("count", FluentValue::from(refused.len()))])) }
            div.table-wrap {
                table {
                    thead { tr {
                        th scope="col" { (tr.t("import-line")) }
                        th scope="col" { (tr.t("field-key")) }
                        th scope="col" { (tr.t("import-why")) }
                    } }
                    tbody {
                        @for line in refused {
                            tr {
                                td { (line.number) }
                                td { code { (line.key) } }
                                td {
                                    @if let Line::Refused(errors) = &line.outcome {
                                        ul.plain {
                                            @for e in errors {
                                                li {
                                                    strong { (tr.t(&format!("field-{}", e.field))) } " : "
                                                    (tr.t(e.problem.message_id()))
                                                    @if let crate::listing_rows::Problem::Protocol(why) = &e.problem { " (" (why) ")" }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A checked file (its errors, the button to import), an import's progress, or its outcome.
pub(super) async fn show(State(state): State<UiState>, tr: Tr, Path(id): Path<String>) -> Response {
    let here = format!("{BASE}/{id}");
    let Some(job) = state.imports.get(&id) else {
        let body = html! {
            (manage_nav(tr, BASE))
            h1 { (tr.t("manage-import")) }
            (upload_form(tr, Some(tr.t("import-forgotten"))))
        };
        return (StatusCode::NOT_FOUND, page(frame(tr, &here), body)).into_response();
    };
    let Ok(job) = job.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let ready = job.ready();
    let total = job.lines.len();
    let updates = job.updates.len();
    let progress = match &job.stage {
        Stage::Checked => html! {
            div #import data-import-progress="checked" {
                p.lead {
                    (tr.args("import-checked", &[
                        ("lines", FluentValue::from(total)),
                        ("ready", FluentValue::from(ready)),
                        ("refused", FluentValue::from(total - ready)),
                        ("updates", FluentValue::from(updates)),
                    ]))
                }
                @if ready > 0 {
                    form method="post" action=(format!("{here}/importer")) {
                        button type="submit" { (tr.args("import-go", &[("count", FluentValue::from(ready))])) }
                    }
                }
                p { a href=(BASE) { (tr.t("import-other-file")) } }
            }
        },
        Stage::Running { done } => html! {
            div #import data-import-progress="running" {
                label for="progress" { (tr.args("import-running", &[("done", FluentValue::from(*done)), ("count", FluentValue::from(ready))])) }
                progress #progress value=(done) max=(ready) { (done) " / " (ready) }
            }
        },
        Stage::Done { done, failed } => html! {
            div #import data-import-progress="done" {
                progress value=(done) max=(ready) aria-hidden="true" {}
                p.notice role="status" { (tr.args("import-done", &[("count", FluentValue::from(*done))])) }
                @for (key, why) in failed { p.error { code { (key) } " : " (why) } }
                p { a href="/gestion/annonces" { (tr.t("manage-listings")) } }
            }
        },
    };
    let body = html! {
        (manage_nav(tr, BASE))
        h1 { (tr.t("manage-import")) }
        (progress)
        (refused_table(tr, &job.lines))
    };
    page(frame(tr, &here), body)
}

/// Starts publishing the ready lines of a checked file; the page then shows the progress.
pub(super) async fn run(
    State(state): State<UiState>,
    m: InMarket,
    Path(id): Path<String>,
) -> Response {
    let Some(job) = state.imports.get(&id) else {
        return Redirect::to(&format!("{BASE}/{id}")).into_response();
    };
    let market = m.id().to_owned();
    let listings: Vec<(String, Listing)> = {
        let Ok(mut job) = job.lock() else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        if job.stage != Stage::Checked {
            return Redirect::to(&format!("{BASE}/{id}")).into_response();
        }
        job.stage = Stage::Running { done: 0 };
        job.lines
            .iter()
            .filter_map(|l| match &l.outcome {
                Line::Ready { key, listing } => Some((key.clone(), (**listing).clone())),
                Line::Refused(_) => None,
            })
            .collect()
    };
    let node = state.node.clone();
    node.spawn(publish_all(state, market, listings, job));
    Redirect::to(&format!("{BASE}/{id}")).into_response()
}

/// What a row has no column for is kept from the listing it updates.
fn merged(row: Listing, existing: Option<Listing>) -> Listing {
    match existing {
        Some(old) => Listing {
            images: old.images,
            variants: old.variants,
            lead_time_h: old.lead_time_h,
            service: old.service,
            on_behalf_of: old.on_behalf_of,
            ..row
        },
        None => row,
    }
}

async fn publish_all(
    state: UiState,
    market: String,
    listings: Vec<(String, Listing)>,
    job: Arc<Mutex<Job>>,
) {
    let mut done = 0;
    let mut failed = Vec::new();
    for (key, listing) in listings {
        let existing = state
            .node
            .own()
            .current(&market, Kind::Listing, &key)
            .ok()
            .flatten()
            .and_then(|r| match r.payload.body {
                Body::Listing(l) => Some(l),
                _ => None,
            });
        match state
            .node
            .own()
            .put(
                &market,
                &key,
                Body::Listing(merged(listing, existing)),
                None,
            )
            .await
        {
            Ok(_) => done += 1,
            Err(e) => failed.push((key, e.to_string())),
        }
        if let Ok(mut job) = job.lock() {
            job.stage = Stage::Running { done };
        }
    }
    tracing::info!(done, failed = failed.len(), "CSV import finished");
    if let Ok(mut job) = job.lock() {
        job.stage = Stage::Done { done, failed };
    }
}
