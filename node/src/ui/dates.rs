//! Dates and times as Geneva reads them: Central European Time with the EU's summer time (last
//! Sunday of March to last Sunday of October, switching at 01:00 UTC), written the Swiss way
//! (`28.11.2026 14:30`). Records carry UTC milliseconds; only pages turn them into local time.

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;

/// (year, month, day) of a count of days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days since 1970-01-01 of a civil date (the inverse of [`civil`]).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The day of the last Sunday of `month` in `year`, as days since 1970-01-01.
fn last_sunday(year: i64, month: i64) -> i64 {
    let last = days_from_civil(year, month + 1, 1) - 1;
    // 1970-01-01 was a Thursday: (days + 4) mod 7 is 0 on Sundays.
    last - (last + 4).rem_euclid(7)
}

/// Geneva's offset from UTC at `ms`, in milliseconds.
fn offset_ms(ms: i64) -> i64 {
    let (year, _, _) = civil(ms.div_euclid(DAY_MS));
    let start = last_sunday(year, 3) * DAY_MS + HOUR_MS;
    let end = last_sunday(year, 10) * DAY_MS + HOUR_MS;
    if (start..end).contains(&ms) {
        2 * HOUR_MS
    } else {
        HOUR_MS
    }
}

fn local(ms: u64) -> i64 {
    let ms = i64::try_from(ms).unwrap_or(i64::MAX / 2);
    ms + offset_ms(ms)
}

/// The local date of `ms`: `28.11.2026`.
pub(super) fn date(ms: u64) -> String {
    let (y, m, d) = civil(local(ms).div_euclid(DAY_MS));
    format!("{d:02}.{m:02}.{y}")
}

/// The local date of `ms` as `<input type=date>` and spreadsheets write it: `2026-11-28`.
pub(super) fn iso_date(ms: u64) -> String {
    let (y, m, d) = civil(local(ms).div_euclid(DAY_MS));
    format!("{y}-{m:02}-{d:02}")
}

/// The local date and time of `ms`: `28.11.2026 14:30`.
pub(super) fn date_time(ms: u64) -> String {
    let local = local(ms);
    let minutes = local.rem_euclid(DAY_MS) / 60_000;
    format!("{} {:02}:{:02}", date(ms), minutes / 60, minutes % 60)
}

/// A time window as one reads it: `28.11.2026 09:00–12:00`, or both ends in full when it spans
/// days.
pub(super) fn window(from: u64, to: u64) -> String {
    let (start, end) = (date_time(from), date_time(to));
    match (start.split_once(' '), end.split_once(' ')) {
        (Some((day, _)), Some((end_day, end_time))) if day == end_day => {
            format!("{start}–{end_time}")
        }
        _ => format!("{start} – {end}"),
    }
}

/// Midnight (Geneva) starting the day typed as `2026-11-28` (what `<input type=date>` sends).
pub(super) fn parse_date(text: &str) -> Option<u64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // 31 February and the like come back as another day: refused.
    if civil(days) != (year, month, day) {
        return None;
    }
    // Midnight local is midnight UTC less the offset in force then (never at a switch).
    let midnight = days * DAY_MS;
    u64::try_from(midnight - offset_ms(midnight)).ok()
}

/// Minutes after midnight of a clock time typed as `9:30` or `09:30` (`24:00` ends a day).
pub(super) fn parse_minutes(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let total = h.checked_mul(60)?.checked_add(m)?;
    (m < 60 && total <= 1440).then_some(total)
}

/// A clock time from minutes after midnight, `09:30`.
pub(super) fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::{clock, date, date_time, iso_date, parse_date, parse_minutes, window};

    #[test]
    fn typed_days_are_geneva_midnights() {
        assert_eq!(
            parse_date("2026-11-28").map(date_time).as_deref(),
            Some("28.11.2026 00:00")
        );
        assert_eq!(
            parse_date("2026-07-01").map(date_time).as_deref(),
            Some("01.07.2026 00:00")
        );
        assert_eq!(
            parse_date("2024-02-29").map(date).as_deref(),
            Some("29.02.2024")
        );
        assert_eq!(
            parse_date("2026-07-01").map(iso_date).as_deref(),
            Some("2026-07-01"),
            "a typed day reads back the same"
        );
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("demain"), None);
    }

    #[test]
    fn clock_times_are_minutes_after_midnight() {
        assert_eq!(parse_minutes("09:30"), Some(570));
        assert_eq!(parse_minutes("24:00"), Some(1440));
        assert_eq!(parse_minutes("12:60"), None);
        assert_eq!(parse_minutes("25:00"), None);
        assert_eq!(parse_minutes("midi"), None);
        assert_eq!(clock(570), "09:30");
    }

    #[test]
    fn winter_is_utc_plus_one_and_summer_utc_plus_two() {
        assert_eq!(date(0), "01.01.1970");
        // 2026-11-28 13:30 UTC
        assert_eq!(date_time(1_795_872_600_000), "28.11.2026 14:30");
        // 2026-07-01 10:00 UTC
        assert_eq!(date_time(1_782_900_000_000), "01.07.2026 12:00");
        // Summer time in 2026 starts 29 March 01:00 UTC and ends 25 October 01:00 UTC.
        assert_eq!(date_time(1_774_745_940_000), "29.03.2026 01:59");
        assert_eq!(date_time(1_774_746_000_000), "29.03.2026 03:00");
        assert_eq!(date_time(1_792_889_940_000), "25.10.2026 02:59");
        assert_eq!(date_time(1_792_890_000_000), "25.10.2026 02:00");
        assert_eq!(date(951_782_400_000), "29.02.2000");
    }

    #[test]
    fn a_window_within_a_day_names_the_day_once() {
        // 2026-11-28 13:30 UTC, then three hours later, then the next day.
        let from = 1_795_872_600_000;
        assert_eq!(window(from, from + 3 * 3_600_000), "28.11.2026 14:30–17:30");
        assert_eq!(
            window(from, from + 24 * 3_600_000),
            "28.11.2026 14:30 – 29.11.2026 14:30"
        );
    }
}
