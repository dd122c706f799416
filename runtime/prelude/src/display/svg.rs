//! The dask-style drawing of an array's shape cut into chunks, in plain SVG (1-d, 2-d, 3-d; more
//! dimensions draw the last three). Sizes follow dask's idea: the longest side is 120 px, the
//! others in proportion but never thinner than 10 px, so that 20000×3 is still visible.

const SIZE: f64 = 120.0;
const MAX_LINES: usize = 100;

fn scale(shape: &[usize]) -> Vec<f64> {
    let m = shape.iter().cloned().max().unwrap_or(1).max(1) as f64;
    shape
        .iter()
        .map(|&d| (SIZE * d as f64 / m).max(10.0))
        .collect()
}

/// Fractional positions (0..=1) of chunk boundaries; thinned to at most MAX_LINES.
fn cuts(chunks: &[usize]) -> Vec<f64> {
    let total: usize = chunks.iter().sum();
    let mut pos = vec![0.0];
    let mut acc = 0;
    for &c in chunks {
        acc += c;
        pos.push(if total == 0 {
            1.0
        } else {
            acc as f64 / total as f64
        });
    }
    if pos.len() > MAX_LINES {
        let step = pos.len().div_ceil(MAX_LINES);
        let last = *pos.last().unwrap();
        pos = pos.into_iter().step_by(step).collect();
        if *pos.last().unwrap() != last {
            pos.push(last);
        }
    }
    pos
}

fn line(x1: f64, y1: f64, x2: f64, y2: f64, edge: bool) -> String {
    let w = if edge { 2 } else { 1 };
    format!("<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" style=\"stroke:currentColor;stroke-width:{w}\" />\n")
}

fn label(x: f64, y: f64, text: &str, rotate: bool) -> String {
    let t = if rotate {
        format!(" transform=\"rotate(-90,{x:.1},{y:.1})\"")
    } else {
        String::new()
    };
    format!(
        "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"1.0rem\" font-weight=\"100\" text-anchor=\"middle\" fill=\"currentColor\"{t}>{text}</text>\n"
    )
}

/// A rectangle (origin ox, oy, width w along columns, height h along rows) with a skew (sx per
/// unit of height... used for the 3-d faces) and chunk lines.
fn grid(
    o: (f64, f64),
    w: f64,
    h: f64,
    row_cuts: &[f64],
    col_cuts: &[f64],
    skew: (f64, f64),
    out: &mut String,
) {
    // corners: p(u,v) = o + u*(w,0) + v*(skew.0, h + skew.1)... expressed directly
    let p = |u: f64, v: f64| (o.0 + u * w + v * skew.0, o.1 + v * h + u * skew.1);
    for (k, &v) in row_cuts.iter().enumerate() {
        let (a, b) = (p(0.0, v), p(1.0, v));
        out.push_str(&line(a.0, a.1, b.0, b.1, k == 0 || k + 1 == row_cuts.len()));
    }
    for (k, &u) in col_cuts.iter().enumerate() {
        let (a, b) = (p(u, 0.0), p(u, 1.0));
        out.push_str(&line(a.0, a.1, b.0, b.1, k == 0 || k + 1 == col_cuts.len()));
    }
    let c = [p(0.0, 0.0), p(1.0, 0.0), p(1.0, 1.0), p(0.0, 1.0)];
    out.push_str(&format!(
        "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" style=\"fill:#8B4903A0;stroke-width:0\"/>\n",
        c[0].0, c[0].1, c[1].0, c[1].1, c[2].0, c[2].1, c[3].0, c[3].1
    ));
}

/// SVG for an array of `shape` cut by `chunks` (per axis, the list of chunk lengths).
pub fn chunks_svg(shape: &[usize], chunks: &[Vec<usize>]) -> String {
    let nd = shape.len();
    if nd == 0 {
        return String::new();
    }
    let (shape, chunks) = if nd > 3 {
        (&shape[nd - 3..], &chunks[nd - 3..])
    } else {
        (shape, chunks)
    };
    let mut body = String::new();
    let (width, height);
    match shape.len() {
        1 | 2 => {
            let (rows, cols, rc, cc) = if shape.len() == 1 {
                (1, shape[0], vec![1], chunks[0].clone())
            } else {
                (shape[0], shape[1], chunks[0].clone(), chunks[1].clone())
            };
            let s = scale(&[rows, cols]);
            let (h, w) = if shape.len() == 1 {
                (25.0, s[1].max(SIZE))
            } else {
                (s[0], s[1])
            };
            grid(
                (10.0, 10.0),
                w,
                h,
                &cuts(&rc),
                &cuts(&cc),
                (0.0, 0.0),
                &mut body,
            );
            body.push_str(&label(10.0 + w / 2.0, h + 30.0, &cols.to_string(), false));
            if shape.len() == 2 {
                body.push_str(&label(w + 30.0, 10.0 + h / 2.0, &rows.to_string(), true));
            }
            width = w + 50.0;
            height = h + 50.0;
        }
        _ => {
            let s = scale(shape);
            let (d, h, w) = (s[0] * 0.6, s[1], s[2]);
            // left margin for the depth label, top margin for the skewed faces
            let (ox, oy) = (30.0, 10.0 + d.max(10.0));
            let (c0, c1, c2) = (cuts(&chunks[0]), cuts(&chunks[1]), cuts(&chunks[2]));
            // top face: columns along x, depth (axis 0) going up-right by d
            grid((ox, oy), w, -d, &c0, &c2, (d, 0.0), &mut body);
            // right face: depth along x/up, rows (axis 1) down
            let p = |u: f64, v: f64| (ox + w + u * d, oy + v * h - u * d);
            for (k, &u) in c0.iter().enumerate() {
                let (a, b) = (p(u, 0.0), p(u, 1.0));
                body.push_str(&line(a.0, a.1, b.0, b.1, k == 0 || k + 1 == c0.len()));
            }
            for (k, &v) in c1.iter().enumerate() {
                let (a, b) = (p(0.0, v), p(1.0, v));
                body.push_str(&line(a.0, a.1, b.0, b.1, k == 0 || k + 1 == c1.len()));
            }
            let q = [p(0.0, 0.0), p(1.0, 0.0), p(1.0, 1.0), p(0.0, 1.0)];
            body.push_str(&format!(
                "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" style=\"fill:#8B4903A0;stroke-width:0\"/>\n",
                q[0].0, q[0].1, q[1].0, q[1].1, q[2].0, q[2].1, q[3].0, q[3].1
            ));
            // front face last so it sits on top
            grid((ox, oy), w, h, &c1, &c2, (0.0, 0.0), &mut body);
            body.push_str(&label(
                ox + w / 2.0,
                oy + h + 20.0,
                &shape[2].to_string(),
                false,
            ));
            body.push_str(&label(
                ox + w + d + 20.0,
                oy - d / 2.0 + h / 2.0,
                &shape[1].to_string(),
                true,
            ));
            body.push_str(&label(
                ox + d / 2.0 - 12.0,
                oy - d / 2.0 - 4.0,
                &shape[0].to_string(),
                false,
            ));
            width = w + d + 70.0;
            height = h + d.max(10.0) + 50.0;
        }
    }
    format!(
        "<svg width=\"{width:.0}\" height=\"{height:.0}\" style=\"stroke:currentColor;color:inherit\" xmlns=\"http://www.w3.org/2000/svg\">\n{body}</svg>"
    )
}
