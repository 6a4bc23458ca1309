//! Dates and times as the Geneva market reads them. Records and orders count milliseconds since
//! the epoch; people read and type calendar days and clock times. The market's local time is
//! taken as UTC+1, as the checkout's delivery windows do, so summer times read an hour early.

/// Geneva's offset from UTC, ms (winter time).
const OFFSET_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// (year, month, day) of `days` since 1970-01-01 (H. Hinnant's civil-from-days).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 of a calendar day (days-from-civil).
fn days_of(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn local(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX - OFFSET_MS) + OFFSET_MS
}

/// The day of `ms`, `2026-11-28`.
pub(super) fn date(ms: u64) -> String {
    let (y, m, d) = civil(local(ms).div_euclid(DAY_MS));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The day and time of `ms`, `2026-11-28 13:05`.
pub(super) fn date_time(ms: u64) -> String {
    let minutes = local(ms).rem_euclid(DAY_MS) / 60_000;
    format!("{} {:02}:{:02}", date(ms), minutes / 60, minutes % 60)
}

/// Midnight (Geneva) starting the day typed as `2026-11-28`.
pub(super) fn parse_date(text: &str) -> Option<u64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_of(year, month, day);
    // 31 February and the like come back as another day: refused.
    if civil(days) != (year, month, day) {
        return None;
    }
    u64::try_from(days * DAY_MS - OFFSET_MS).ok()
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
    use super::*;

    #[test]
    fn days_and_times_read_in_geneva_and_parse_back() {
        // Saturday 28 November 2026, 12:00 UTC = 13:00 in Geneva.
        assert_eq!(date_time(1_795_867_200_000), "2026-11-28 13:00");
        assert_eq!(date(0), "1970-01-01");
        let midnight = parse_date("2026-11-28").unwrap();
        assert_eq!(date_time(midnight), "2026-11-28 00:00");
        assert_eq!(
            parse_date("2024-02-29").map(date).as_deref(),
            Some("2024-02-29")
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
}
