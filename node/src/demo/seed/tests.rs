//! The shipped Geneva seed loads; broken copies of it fail with the file and field named.

use smartket_protocol::Market;

use super::*;

fn geneva() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/geneva")
}

/// A copy of the Geneva seed in a temporary directory, to break on purpose.
fn copy_of_geneva() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    let src = geneva();
    std::fs::copy(src.join("market.toml"), tmp.path().join("market.toml")).expect("copy");
    for sub in ["actors", "pictures"] {
        std::fs::create_dir(tmp.path().join(sub)).expect("mkdir");
        for entry in std::fs::read_dir(src.join(sub)).expect("read dir") {
            let entry = entry.expect("entry");
            std::fs::copy(entry.path(), tmp.path().join(sub).join(entry.file_name()))
                .expect("copy");
        }
    }
    tmp
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join("actors").join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn the_geneva_seed_loads_with_hundreds_of_listings() {
    let seed = match Seed::load(&geneva()) {
        Ok(seed) => seed,
        Err(e) => panic!("the Geneva seed does not load: {e}"),
    };
    assert_eq!(seed.market, "geneva");
    assert!(seed.listing_count() >= 300, "{}", seed.listing_count());
    assert!(seed.actors.len() >= 12);
    assert!(seed.pictures.len() >= 25);
    assert_eq!(seed.actors[0].role, SeedRole::Certifier);
    assert_eq!(seed.actors.last().map(|a| a.role), Some(SeedRole::Consumer));
}

#[test]
fn every_listing_category_is_in_the_market_taxonomy() {
    let text = std::fs::read_to_string(geneva().join("market.toml")).expect("market.toml");
    let market = Market::from_toml(&text).expect("market parses");
    let seed = Seed::load(&geneva()).expect("seed loads");
    for actor in &seed.actors {
        for (key, listing) in actor.listings() {
            assert!(
                market.has_category(&listing.category),
                "{}/{key}: {}",
                actor.slug,
                listing.category
            );
        }
    }
}

#[test]
fn relayed_producers_publish_their_membership_before_the_platform_publishes_for_them() {
    let seed = Seed::load(&geneva()).expect("seed loads");
    let position = |slug: &str| seed.actors.iter().position(|a| a.slug == slug);
    let platform = position("terroir-en-ville").expect("platform");
    let delegated: Vec<AuthorKey> = seed.actors[platform]
        .listings()
        .filter_map(|(_, l)| l.on_behalf_of)
        .collect();
    assert!(delegated.len() >= 20);
    for member in delegated {
        let at = seed.actors.iter().position(|a| a.key() == member);
        assert!(at.is_some_and(|at| at < platform));
    }
}

#[test]
fn an_unknown_reference_names_the_file_and_field() {
    let tmp = copy_of_geneva();
    edit(
        tmp.path(),
        "certif-terroir-leman.toml",
        "subject = \"@ferme-du-cret\"",
        "subject = \"@ferme-du-cretin\"",
    );
    let err = Seed::load(tmp.path()).expect_err("a broken reference");
    let text = err.to_string();
    assert!(matches!(err, SeedError::UnknownRef { .. }), "{text}");
    assert!(text.contains("certif-terroir-leman.toml"), "{text}");
    assert!(text.contains("attestations[0].subject"), "{text}");
    assert!(text.contains("@ferme-du-cretin"), "{text}");
}

#[test]
fn a_reference_to_a_missing_listing_is_refused() {
    let tmp = copy_of_geneva();
    edit(
        tmp.path(),
        "certif-terroir-leman.toml",
        "@domaine-du-mandement/gamay-2024",
        "@domaine-du-mandement/gamay-1999",
    );
    let err = Seed::load(tmp.path()).expect_err("a broken listing reference");
    assert!(matches!(err, SeedError::UnknownRef { .. }), "{err}");
}

#[test]
fn a_missing_picture_names_the_file_field_and_picture() {
    let tmp = copy_of_geneva();
    std::fs::remove_file(tmp.path().join("pictures/honey.png")).expect("rm");
    let err = Seed::load(tmp.path()).expect_err("a missing picture");
    let text = err.to_string();
    assert!(matches!(err, SeedError::Picture { .. }), "{text}");
    assert!(text.contains("honey.png"), "{text}");
    assert!(text.contains(".toml"), "{text}");
    assert!(text.contains("images[0]"), "{text}");
}

#[test]
fn a_category_outside_the_taxonomy_is_refused_with_the_listing_named() {
    let tmp = copy_of_geneva();
    edit(
        tmp.path(),
        "ferme-du-cret.toml",
        "category = \"food.vegetables\"",
        "category = \"food.legumes\"",
    );
    let err = Seed::load(tmp.path()).expect_err("an unknown category");
    let text = err.to_string();
    assert!(matches!(err, SeedError::Invalid { .. }), "{text}");
    assert!(text.contains("body.category"), "{text}");
}

#[test]
fn an_invalid_iban_is_refused_by_the_protocol_check() {
    let tmp = copy_of_geneva();
    edit(
        tmp.path(),
        "ferme-du-cret.toml",
        "CH4431999123000889012",
        "CH4431999123000889013",
    );
    let err = Seed::load(tmp.path()).expect_err("a bad IBAN");
    assert!(err.to_string().contains("iban"), "{err}");
}
