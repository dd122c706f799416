//! HTML building blocks shared by every repr: escaping, the summary tables, the page wrapper.
//!
//! Theme rule: no hard-coded text or background colours. Text inherits the notebook's colour,
//! SVG strokes use `currentColor`, fills are translucent, so JupyterLab's light and dark themes
//! both render it legibly. No external assets, no scripts.

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// dask's two-column summary table: rows of (heading, array value, chunk value); a `None` chunk
/// value spans both columns.
pub fn dask_table(rows: &[(&str, String, Option<String>)]) -> String {
    let mut t = String::from(
        "<table style=\"border-collapse: collapse;\">\n<thead><tr><td> </td><th> Array </th><th> Chunk </th></tr></thead>\n<tbody>\n",
    );
    for (h, a, c) in rows {
        match c {
            Some(c) => t.push_str(&format!(
                "<tr><th> {} </th><td> {} </td><td> {} </td></tr>\n",
                escape(h),
                escape(a),
                escape(c)
            )),
            None => t.push_str(&format!(
                "<tr><th> {} </th><td colspan=\"2\"> {} </td></tr>\n",
                escape(h),
                escape(a)
            )),
        }
    }
    t.push_str("</tbody></table>");
    t
}

/// Table on the left, drawing on the right, optional `<pre>` preview underneath.
pub fn side_by_side(table: &str, svg: &str, preview: Option<&str>) -> String {
    let mut s = format!(
        "<div class=\"accel-repr\"><table><tr><td style=\"vertical-align: top;\">{table}</td><td style=\"vertical-align: top;\">{svg}</td></tr></table>"
    );
    if let Some(p) = preview {
        // shown, not collapsed: with an HTML repr present, Jupyter displays only the HTML, so the
        // values must be readable here (numpy's summarised layout keeps this short)
        s.push_str(&format!(
            "<pre style=\"color: inherit; background: transparent; margin-top: 0.5em;\">{}</pre>",
            escape(p)
        ));
    }
    s.push_str("</div>");
    s
}

/// Python's `repr(float)`: shortest round-trip, exponent form below 1e-4 and from 1e16 up.
pub fn py_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let a = x.abs();
    if a != 0.0 && !(1e-4..1e16).contains(&a) {
        let s = format!("{x:e}");
        let (m, e) = s.split_once('e').unwrap();
        let e: i32 = e.parse().unwrap();
        return format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    }
    let s = format!("{x}");
    if s.contains('.') {
        s
    } else {
        s + ".0"
    }
}
