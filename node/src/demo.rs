//! `smartket demo`: a whole Geneva market on one machine, so that someone can try the shop
//! without finding producers first. The market's actors and catalogues are data
//! (`examples/geneva/actors/`), loaded and checked by [`seed`] before anything is published.
pub mod run;
pub mod seed;
