//! Points and distances. A point is packed into one `u64` fast field so that one column read
//! gives both coordinates: the distance filter and the distance sort each read a single value
//! per matching document.

use smartket_protocol::kinds::GeoPoint;

/// Offsets that make the protocol's signed 1e-4 degree coordinates non-negative.
const LAT_OFFSET: i64 = 900_000;
const LON_OFFSET: i64 = 1_800_000;
/// Mean Earth radius, metres.
const EARTH_RADIUS_M: f64 = 6_371_000.0;

/// Packs a point: latitude in the high 32 bits, longitude in the low ones.
pub(crate) fn pack(point: GeoPoint) -> u64 {
    let lat = (i64::from(point.lat_e4) + LAT_OFFSET).clamp(0, i64::from(u32::MAX));
    let lon = (i64::from(point.lon_e4) + LON_OFFSET).clamp(0, i64::from(u32::MAX));
    ((lat as u64) << 32) | lon as u64
}

/// The point [`pack`] packed.
pub(crate) fn unpack(packed: u64) -> GeoPoint {
    let lat = i64::from((packed >> 32) as u32) - LAT_OFFSET;
    let lon = i64::from(packed as u32) - LON_OFFSET;
    GeoPoint {
        lat_e4: lat as i32,
        lon_e4: lon as i32,
    }
}

/// Great-circle distance in metres (haversine): exact enough for "within 3 km" at the
/// protocol's 11 m resolution.
pub(crate) fn distance_m(a: GeoPoint, b: GeoPoint) -> f64 {
    let rad = |e4: i32| f64::from(e4) / 10_000.0 * std::f64::consts::PI / 180.0;
    let (lat1, lat2) = (rad(a.lat_e4), rad(b.lat_e4));
    let dlat = lat2 - lat1;
    let dlon = rad(b.lon_e4) - rad(a.lon_e4);
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_round_trips_extreme_points() {
        for (lat_e4, lon_e4) in [
            (0, 0),
            (-900_000, -1_800_000),
            (900_000, 1_800_000),
            (462_044, 61_432),
        ] {
            let p = GeoPoint { lat_e4, lon_e4 };
            assert_eq!(unpack(pack(p)), p);
        }
    }

    #[test]
    fn plainpalais_to_carouge_is_about_two_kilometres() {
        let plainpalais = GeoPoint {
            lat_e4: 461_975,
            lon_e4: 61_420,
        };
        let carouge = GeoPoint {
            lat_e4: 461_840,
            lon_e4: 61_390,
        };
        let d = distance_m(plainpalais, carouge);
        assert!((1400.0..1600.0).contains(&d), "{d}");
    }
}
