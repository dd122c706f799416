//! Reprs: numpy's text layout (against numpy's own output) and the HTML tables, parsed back.

use accel::display::evcxr_blocks;
use accel::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;

fn fx(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn numpy_reprs() -> HashMap<String, String> {
    let text = std::fs::read_to_string(fx("reprs.txt")).unwrap();
    let mut out = HashMap::new();
    for block in text.split("### ").filter(|b| !b.is_empty()) {
        let (name, body) = block.split_once('\n').unwrap();
        out.insert(name.to_string(), body.trim_end_matches('\n').to_string());
    }
    out
}

#[test]
fn text_plain_matches_numpy_repr() {
    let want = numpy_reprs();
    let mut checked = 0;
    for (name, expected) in &want {
        let path = fx(&format!("repr_{name}.npy"));
        let got = match name.as_str() {
            "ints" | "bigint" => read_npy::<i64>(&path).unwrap().text_plain(),
            "bools" => read_npy::<bool>(&path).unwrap().text_plain(),
            "f32" => read_npy::<f32>(&path).unwrap().text_plain(),
            "i32" => read_npy::<i32>(&path).unwrap().text_plain(),
            _ => read_npy::<f64>(&path).unwrap().text_plain(),
        };
        assert_eq!(&got, expected, "case {name}");
        checked += 1;
    }
    assert_eq!(checked, 17);
}

/// The cells of every `<tr><th>…</th><td>…</td>…</tr>` row, tags stripped.
fn rows(html: &str) -> Vec<Vec<String>> {
    let mut out = vec![];
    for tr in html.split("<tr>").skip(1) {
        let tr = tr.split("</tr>").next().unwrap();
        let mut cells = vec![];
        for part in tr.split('<').skip(1) {
            if let Some(rest) = part.strip_prefix("th").or_else(|| part.strip_prefix("td")) {
                if let Some((_, text)) = rest.split_once('>') {
                    cells.push(text.trim().to_string());
                }
            }
        }
        out.push(cells);
    }
    out
}

/// Rows of the dask table (inside the outer table that places it beside the drawing).
fn dask_rows(html: &str) -> Vec<Vec<String>> {
    let start = html.find("<thead>").expect("dask table");
    let end = html[start..].find("</table>").unwrap() + start;
    rows(&html[start..end])
}

#[test]
fn sparse_html_has_pydata_rows_and_values() {
    // the seed's array: 100×100×100, values below 0.9 zeroed
    let mut rng = accel::random::default_rng(42);
    let mut a = rng.random((100, 100, 100));
    a.mapv_inplace(|x| if x < 0.9 { 0.0 } else { x });
    let s = Coo::from_dense(&a);
    let html = s.text_html().unwrap();
    let r = rows(&html);
    let heads: Vec<&str> = r.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(
        heads,
        [
            "Format",
            "Data Type",
            "Shape",
            "nnz",
            "Density",
            "Read-only",
            "Size",
            "Storage ratio"
        ]
    );
    let nnz = s.nnz();
    assert_eq!(r[0][1], "coo");
    assert_eq!(r[1][1], "float64");
    assert_eq!(r[2][1], "(100, 100, 100)");
    assert_eq!(r[3][1], nnz.to_string());
    assert_eq!(r[4][1].parse::<f64>().unwrap(), nnz as f64 / 1e6);
    assert_eq!(r[5][1], "True");
    // pydata: nbytes = nnz × (8 data + 3 × 8 coords), shown as e.g. "3.1M"; ratio to 8e6 bytes
    let nbytes = nnz * 32;
    assert_eq!(r[6][1], format!("{:.1}M", nbytes as f64 / (1 << 20) as f64));
    assert_eq!(r[7][1], format!("{:.2}", nbytes as f64 / 8e6));
    assert_eq!(
        s.text_plain(),
        format!("<COO: shape=(100, 100, 100), dtype=float64, nnz={nnz}, fill_value=0.0>")
    );
    // DOK is writable, its size counts values only
    let d = s.to_dok();
    let r = rows(&d.text_html().unwrap());
    assert_eq!(r[0][1], "dok");
    assert_eq!(r[5][1], "False");
}

#[test]
fn pydata_size_and_density_formatting() {
    use accel::display::human::{format_bytes, human_readable_size};
    assert_eq!(human_readable_size(1000), "1000");
    assert_eq!(human_readable_size(3 * 1024 + 100), "3.1K");
    assert_eq!(human_readable_size(3_207_872), "3.1M");
    assert_eq!(format_bytes(8_000_000), "7.63 MiB");
    assert_eq!(format_bytes(3_200_000_000), "2.98 GiB");
    assert_eq!(format_bytes(100), "100 B");
    let s = Coo::from_entries(&[1000, 1000], [([1usize, 2], 1.0)]).unwrap();
    let r = rows(&s.text_html().unwrap());
    assert_eq!(r[4][1], "1e-06"); // Python's repr of the float
    assert_eq!(r[6][1], "24");
    assert_eq!(r[7][1], "0.00");
}

#[test]
fn chunked_html_is_dask_table_with_svg() {
    let x = Chunked::random_normal(10.0, 0.1, (20000, 20000), (1000, 1000), 42);
    let html = x.text_html().unwrap();
    let r = dask_rows(&html);
    assert_eq!(r[0], ["", "Array", "Chunk"]);
    assert_eq!(r[1], ["Bytes", "2.98 GiB", "7.63 MiB"]);
    assert_eq!(r[2], ["Shape", "(20000, 20000)", "(1000, 1000)"]);
    assert_eq!(r[3], ["Count", "400 Tasks", "400 Chunks"]);
    assert_eq!(r[4], ["Type", "float64", "ndarray::Array"]);
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    // 21 horizontal + 21 vertical chunk boundaries
    assert_eq!(svg.matches("<line").count(), 42);
    assert!(svg.contains(">20000</text>"));
    let y = x.mean_axis(Axis(0));
    let r = dask_rows(&y.text_html().unwrap());
    assert_eq!(r[2], ["Shape", "(20000,)", "(1000,)"]);
    assert_eq!(r[3], ["Count", "820 Tasks", "20 Chunks"]);
    // 3-d gets the cube drawing
    let c = Chunked::zeros((4, 6, 8), (2, 3, 4));
    let h = c.text_html().unwrap();
    assert!(h.matches("<polygon").count() >= 3, "{h}");
    assert!(x
        .text_plain()
        .starts_with("Chunked<shape=(20000, 20000), dtype=float64, chunksize=(1000, 1000)"));
}

#[test]
fn dense_html_has_table_svg_and_escaped_preview() {
    let a = array![[1.0, 2.5], [3.0, 4.0]];
    let h = a.text_html().unwrap();
    let r = dask_rows(&h);
    assert_eq!(r[1], ["Bytes", "32 B", "32 B"]);
    assert_eq!(r[2], ["Shape", "(2, 2)", "(2, 2)"]);
    assert!(h.contains("<svg"));
    assert!(h.contains("array([[1. , 2.5],\n       [3. , 4. ]])"));
    // no raw colours for text: the theme decides
    assert!(
        !h.contains("color: black")
            && !h.contains("color:black")
            && !h.contains("background: white")
    );
}

#[test]
fn html_escapes_user_text() {
    let x = Chunked::from_npy("/nonexistent/<script>.npy", (2, 2));
    let h = x.text_html().unwrap();
    assert!(
        h.contains("&lt;script&gt;") && !h.contains("<script>"),
        "{h}"
    );
    let v = x.visualize();
    assert!(!v.as_str().contains("<script>"));
}

#[test]
fn evcxr_protocol_blocks() {
    let s = Coo::from_dense(&array![[0.0, 1.0], [2.0, 0.0]]);
    let b = evcxr_blocks(&s);
    assert!(b.starts_with("EVCXR_BEGIN_CONTENT text/plain\n<COO: shape=(2, 2), dtype=float64, nnz=2, fill_value=0.0>\nEVCXR_END_CONTENT\n"));
    assert!(b.contains("EVCXR_BEGIN_CONTENT text/html\n<table><tbody>"));
    assert!(b.ends_with("EVCXR_END_CONTENT\n"));
}

#[test]
fn visualize_draws_every_layer() {
    let x = Chunked::random_normal(0.0, 1.0, (100, 100), (50, 50), 1);
    let y = (&x + &x.sin()).mean_axis(Axis(0)).slice(s![..;10]);
    let svg = y.visualize();
    assert_eq!(
        svg.as_str().matches("class=\"accel-layer\"").count(),
        y.layer_count()
    );
    assert_eq!(y.layer_count(), 5);
    // one arrow per dependency edge: sin←x, add←x, add←sin, mean←add, getitem←mean
    assert_eq!(svg.as_str().matches("marker-end").count(), 5);
    assert!(svg.as_str().contains(">random_normal</text>"));
}
