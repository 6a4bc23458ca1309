//! The delivery job a seller hands the courier with its acceptance: pick-up from the seller's
//! profile, drop-off from the order, a parcel estimate, the agreed window and fee.
//!
//! Its own module because it is the one place the seller's profile becomes a courier's stop,
//! with the defaults used when the profile says less.

use smartket_protocol::messages::{Address, Contact, DeliveryJob};

use super::track::Track;
use super::{OrderError, Orders};

impl Orders {
    /// The delivery job a seller sends the courier of a courier-delivered order.
    pub(super) fn job_for(
        &self,
        track: &Track,
    ) -> Result<Option<(smartket_protocol::AuthorKey, DeliveryJob)>, OrderError> {
        let Some(order) = &track.order else {
            return Ok(None);
        };
        let smartket_protocol::messages::DeliveryChoice::Courier {
            courier,
            window,
            fee,
            ..
        } = &order.delivery
        else {
            return Ok(None);
        };
        let dropoff_address = order.address.clone().ok_or_else(|| {
            OrderError::NotAllowed("a courier order must carry an address".into())
        })?;
        let profile = self.own_profile()?;
        let place = profile.as_ref().and_then(|p| p.address.clone());
        let pickup_address = Address {
            lines: vec![
                place
                    .as_ref()
                    .map_or_else(|| "(see the seller's profile)".into(), |a| a.street.clone()),
            ],
            postcode: place
                .as_ref()
                .map(|a| a.postcode.clone())
                .or_else(|| profile.as_ref().and_then(|p| p.postcode.clone()))
                .unwrap_or_else(|| "1200".into()),
            city: place
                .as_ref()
                .map_or_else(|| "Genève".into(), |a| a.locality.clone()),
            country: place.map_or_else(|| "CH".into(), |a| a.country),
            notes: None,
        };
        let seller_name = profile
            .as_ref()
            .and_then(|p| p.name.values().next().cloned())
            .unwrap_or_else(|| "Seller".into());
        let reach = profile
            .as_ref()
            .and_then(|p| p.contact.clone())
            .filter(|c| c.phone.is_some() || c.email.is_some())
            .ok_or_else(|| {
                OrderError::NotAllowed(
                    "add a phone number or an e-mail to your profile's contact, so the courier \
                     can reach you at pick-up"
                        .into(),
                )
            })?;
        let weight_g = order
            .items
            .iter()
            .map(|i| i.quantity.saturating_mul(500))
            .sum::<u32>()
            .clamp(1, smartket_protocol::messages::MAX_WEIGHT_G);
        Ok(Some((
            *courier,
            DeliveryJob {
                order_id: order.order_id,
                pickup: smartket_protocol::messages::Stop {
                    address: pickup_address,
                    contact: Contact {
                        name: seller_name.chars().take(100).collect(),
                        phone: reach.phone,
                        email: reach.email,
                    },
                },
                dropoff: smartket_protocol::messages::Stop {
                    address: dropoff_address,
                    contact: order.contact.clone(),
                },
                window: *window,
                parcel: smartket_protocol::messages::Parcel {
                    weight_g,
                    length_cm: 40,
                    width_cm: 30,
                    height_cm: 30,
                },
                fee: fee.clone(),
                notify: Some(order.reply_to),
                notify_node: order.reply_node,
                note: None,
            },
        )))
    }
}
