//! QR codes drawn as SVG: the QR-bill's (with the Swiss cross, in `orders::payment`) and a
//! phone's pairing link. One drawing of the modules for both, so both scan the same way.

/// The dark modules of `text`'s QR code (error correction M) as an SVG path, with the code's
/// side in modules including a quiet zone of 4; `None` when the text does not fit a QR code.
pub fn modules(text: &str) -> Option<(usize, String)> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).ok()?;
    let width = code.width();
    let quiet = 4;
    let mut path = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (x, y) = (i % width + quiet, i / width + quiet);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some((width + 2 * quiet, path))
}

/// `text`'s QR code as a plain SVG image labelled `label` for screen readers.
pub fn svg(text: &str, label: &str) -> Option<String> {
    let (size, path) = modules(text)?;
    let label = label
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"{label}\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}
