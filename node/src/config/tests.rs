//! The documented file round-trips, errors name where they are, and the layers apply in order.

use std::path::Path;

use super::*;

#[test]
fn the_documented_file_parses_back_to_the_same_config() {
    let mut config = Config::default();
    config.node.name = "Ferme des Grands Bois".into();
    config.node.role = "producer".into();
    config.blobs.gc_grace_secs = 60;
    config.mailbox.collect_every_secs = 45;
    let text = config.to_documented_toml();
    assert_eq!(Config::from_toml(Path::new("x"), &text).unwrap(), config);
}

/// Found by the `config_file` fuzz target: the owner's certificate and key, and the event
/// capacity, were left out of the written file.
#[test]
fn every_field_set_survives_the_documented_file() {
    let text = "[network]\nevent_capacity = 64\nexternal = [\"/ip4/192.0.2.1/tcp/4417\"]\n\n\
                [api]\nremote = \"0.0.0.0:8418\"\nnames = [\"ferme.example\"]\n\
                tls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\n";
    let config = Config::from_toml(Path::new("x"), text).unwrap();
    assert_eq!(config.network.event_capacity, 64);
    assert!(config.api.tls_cert.is_some() && config.api.tls_key.is_some());
    let written = config.to_documented_toml();
    assert_eq!(
        Config::from_toml(Path::new("x"), &written).unwrap(),
        config,
        "{written}"
    );
}

#[test]
fn parse_errors_name_the_file_line_and_field() {
    let text = "[node]\nrole = \"producer\"\n\n[network]\nlisten = [\"not-an-addr\"]\n";
    let err = Config::from_toml(Path::new("/d/smartket.toml"), text).unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("/d/smartket.toml"), "{shown}");
    assert!(shown.contains("line 5"), "{shown}");
    assert!(shown.contains("not-an-addr"), "{shown}");

    let err = Config::from_toml(Path::new("f"), "[network]\nbootstrapp = []\n").unwrap_err();
    assert!(err.to_string().contains("bootstrapp"), "{err}");
}

#[test]
fn layers_apply_in_order_defaults_file_env_flags() {
    let mut config =
        Config::from_toml(Path::new("f"), "[api]\nlisten = \"127.0.0.1:9000\"\n").unwrap();
    assert_eq!(config.api.listen.port(), 9000);
    config
        .apply_env(|var| (var == "SMARTKET_API").then(|| "127.0.0.1:9100".to_string()))
        .unwrap();
    assert_eq!(config.api.listen.port(), 9100);
    config.apply_flags(&Overrides {
        api: Some("127.0.0.1:9200".parse().unwrap()),
        ..Overrides::default()
    });
    assert_eq!(config.api.listen.port(), 9200);
    assert_eq!(config.node.role, "consumer");
}

#[test]
fn a_bad_env_value_is_named() {
    let mut config = Config::default();
    let err = config
        .apply_env(|var| (var == "SMARTKET_BOOTSTRAP").then(|| "nope".to_string()))
        .unwrap_err();
    assert!(err.to_string().contains("SMARTKET_BOOTSTRAP"), "{err}");
}

#[test]
fn plain_http_off_loopback_is_refused_even_with_the_old_flag_and_https_is_the_way() {
    let mut config = Config::default();
    config.api.listen = "0.0.0.0:8417".parse().unwrap();
    let error = config.validate().unwrap_err().to_string();
    assert!(error.contains("api.remote"), "{error}");
    config.api.allow_remote = true;
    let error = config.validate().unwrap_err().to_string();
    assert!(error.contains("no longer"), "{error}");
    config.api.listen = "127.0.0.1:8417".parse().unwrap();
    config.api.remote = Some("0.0.0.0:8418".parse().unwrap());
    assert!(config.validate().is_ok());
    config.api.tls_cert = Some("cert.pem".into());
    assert!(config.validate().is_err(), "a certificate without its key");
}

#[test]
fn a_file_written_by_an_earlier_version_still_loads() {
    let text = "[api]\nlisten = \"127.0.0.1:8417\"\nallow_remote = false\n";
    let config = Config::from_toml(Path::new("f"), text).unwrap();
    assert!(config.validate().is_ok());
    let documented = Config::default().to_documented_toml();
    assert!(!documented.contains("allow_remote"), "{documented}");
    let again = Config::from_toml(Path::new("f"), &documented).unwrap();
    assert_eq!(again.api, Config::default().api);
}

#[test]
fn the_mailbox_round_is_read_from_the_file_and_never_zero() {
    let text = "[mailbox]\ncollect_every_secs = 600\n";
    let config = Config::from_toml(Path::new("f"), text).unwrap();
    assert_eq!(config.mailbox.collect_every_secs, 600);
    let mut config = Config::default();
    config.mailbox.collect_every_secs = 0;
    assert!(config.validate().is_err());
}

#[test]
fn scheduled_backups_are_read_from_the_file_and_survive_the_documented_file() {
    let text =
        "[backup]\ndir = \"backups\"\nevery_hours = 6\nkeep = 3\npassphrase_file = \"pass\"\n";
    let config = Config::from_toml(Path::new("f"), text).unwrap();
    assert_eq!(config.backup.dir.as_deref(), Some(Path::new("backups")));
    assert_eq!((config.backup.every_hours, config.backup.keep), (6, 3));
    let written = config.to_documented_toml();
    assert_eq!(Config::from_toml(Path::new("f"), &written).unwrap(), config);
    let mut config = Config::default();
    assert_eq!(config.backup.dir, None, "off unless asked for");
    config.backup.keep = 0;
    assert!(config.validate().is_err());
}

#[test]
fn blob_collection_timing_is_read_from_the_file_and_never_zero() {
    let text = "[blobs]\ngc_every_secs = 2\ngc_grace_secs = 1\n";
    let config = Config::from_toml(Path::new("f"), text).unwrap();
    assert_eq!(
        config.blobs,
        BlobsSection {
            gc_every_secs: 2,
            gc_grace_secs: 1
        }
    );
    let mut config = Config::default();
    config.blobs.gc_every_secs = 0;
    assert!(config.validate().is_err());
}
