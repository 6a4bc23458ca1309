//! The `smartket` command.

fn main() {
    println!("smartket {}", env!("CARGO_PKG_VERSION"));
}
