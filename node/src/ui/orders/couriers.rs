//! The courier offers that reach the user's postcode, each with the window of its next slot:
//! what a basket's delivery choice and an offer's page list.

use smartket_protocol::{Body, Kind};

use crate::ui::UiState;
use crate::ui::i18n::Tr;

/// Courier offers serving the user's postcode, as (form value, label): the value names the
/// courier, the offer and the window of its next slot.
pub(in crate::ui) fn courier_options(
    state: &UiState,
    tr: Tr,
    markets: &[&str],
) -> Vec<(String, String)> {
    let settings = state.settings();
    let Some(postcode) = settings.location.and_then(|l| l.postcode) else {
        return Vec::new();
    };
    let offers: Vec<_> = markets
        .iter()
        .flat_map(|market| {
            state
                .node
                .store()
                .current_in_market(market, Some(Kind::DeliveryOffer))
                .unwrap_or_default()
        })
        .collect();
    let now = crate::clock::now_ms();
    offers
        .into_iter()
        .filter_map(|record| {
            let Body::DeliveryOffer(offer) = &record.payload.body else {
                return None;
            };
            if !offer.zones.iter().any(|z| z.postcodes.contains(&postcode)) {
                return None;
            }
            let (from, to) = next_window(&offer.slots, now)?;
            let courier = record.payload.author;
            let name = crate::ui::names::actor_name(state, tr, &courier);
            let fee = crate::ui::shop::price(state, offer.fees.base, &offer.fees.currency);
            Some((
                format!(
                    "courier:{}:{}:{from}:{to}",
                    courier.to_hex(),
                    record.payload.key
                ),
                format!(
                    "{name} — {fee} — {}–{}",
                    crate::ui::dates::date_time(from),
                    crate::ui::dates::date_time(to)
                        .rsplit(' ')
                        .next()
                        .unwrap_or_default()
                ),
            ))
        })
        .collect()
}

/// The next window of `slots` after a day from `now_ms` (slots are local Geneva time, taken
/// as UTC+1 here: a summer-time window starts an hour early).
fn next_window(slots: &[smartket_protocol::kinds::TimeSlot], now_ms: u64) -> Option<(u64, u64)> {
    const DAY: u64 = 86_400_000;
    const CET: u64 = 3_600_000;
    let today = (now_ms + CET) / DAY;
    (1..=7u64).find_map(|ahead| {
        let day = today + ahead;
        // 1970-01-01 was a Thursday: day 0 → index 3 with Monday = 0.
        let weekday = ((day + 3) % 7) as usize;
        slots.iter().find(|s| s.day as usize == weekday).map(|s| {
            let midnight = day * DAY - CET;
            (
                midnight + u64::from(s.start) * 60_000,
                midnight + u64::from(s.end) * 60_000,
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use smartket_protocol::kinds::{TimeSlot, Weekday};

    use super::next_window;

    #[test]
    fn the_next_window_is_the_courier_s_next_slot_day_in_geneva_time() {
        // Saturday 28 November 2026, 12:00 UTC; the courier rides Tuesdays 9:00–12:00.
        let slots = [TimeSlot {
            day: Weekday::Tue,
            start: 540,
            end: 720,
        }];
        assert_eq!(
            next_window(&slots, 1_795_867_200_000),
            Some((1_796_112_000_000, 1_796_122_800_000))
        );
        assert_eq!(next_window(&[], 1_795_867_200_000), None);
    }
}
