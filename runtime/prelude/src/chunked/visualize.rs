//! `visualize()`: the graph of layers drawn as plain SVG (no Graphviz). Sources sit at the top,
//! each layer one row below its deepest input, arrows point from inputs to users — the picture
//! dask draws for a high-level graph.

use super::Chunked;
use crate::display::html::escape;
use crate::display::Repr;
use std::collections::HashMap;

/// An SVG document; shows as an image in notebooks.
#[derive(Clone, Debug, PartialEq)]
pub struct Svg(pub String);

impl Svg {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl std::fmt::Display for Svg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl Repr for Svg {
    fn text_plain(&self) -> String {
        format!("<svg: {} bytes>", self.0.len())
    }
    fn text_html(&self) -> Option<String> {
        Some(self.0.clone())
    }
}

const W: f64 = 190.0;
const H: f64 = 46.0;
const GAP_X: f64 = 20.0;
const GAP_Y: f64 = 40.0;

pub(crate) fn graph_svg(x: &Chunked) -> Svg {
    let node = match x.node() {
        Ok(n) => n,
        Err(e) => {
            return Svg(format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"30\"><text x=\"5\" y=\"20\" fill=\"currentColor\">{}</text></svg>",
                escape(&e.to_string())
            ))
        }
    };
    let order = node.topo();
    let mut depth: HashMap<u64, usize> = HashMap::new();
    for n in &order {
        let d = n
            .inputs()
            .iter()
            .map(|i| depth[&i.id()] + 1)
            .max()
            .unwrap_or(0);
        depth.insert(n.id(), d);
    }
    let levels = depth.values().copied().max().unwrap_or(0) + 1;
    let mut rows: Vec<Vec<u64>> = vec![vec![]; levels];
    for n in &order {
        rows[depth[&n.id()]].push(n.id());
    }
    let width_n = rows.iter().map(|r| r.len()).max().unwrap_or(1);
    let mut pos: HashMap<u64, (f64, f64)> = HashMap::new();
    // room on the right for edges that bend around skipped levels
    let total_w = width_n as f64 * (W + GAP_X) + GAP_X + W * 0.4;
    for (lvl, r) in rows.iter().enumerate() {
        let row_w = r.len() as f64 * (W + GAP_X) - GAP_X;
        let x0 = (total_w - row_w) / 2.0;
        for (k, id) in r.iter().enumerate() {
            pos.insert(
                *id,
                (
                    x0 + k as f64 * (W + GAP_X),
                    GAP_Y / 2.0 + lvl as f64 * (H + GAP_Y),
                ),
            );
        }
    }
    let height = levels as f64 * (H + GAP_Y);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{total_w:.0}\" height=\"{height:.0}\" style=\"color:inherit\">\n\
         <defs><marker id=\"accel-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\">\
         <path d=\"M0,0 L10,5 L0,10 z\" fill=\"currentColor\"/></marker></defs>\n"
    );
    for n in &order {
        let (x, y) = pos[&n.id()];
        for i in n.inputs() {
            let (ix, iy) = pos[&i.id()];
            if depth[&n.id()] - depth[&i.id()] > 1 {
                // skips a level: bend around the boxes in between instead of crossing them
                let (x1, x2) = (ix + W * 0.85, x + W * 0.85);
                let bend = W * 0.35 + GAP_X;
                s.push_str(&format!(
                    "<path d=\"M{x1:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {x2:.1},{y:.1}\" fill=\"none\" stroke=\"currentColor\" marker-end=\"url(#accel-arrow)\"/>\n",
                    iy + H,
                    x1 + bend,
                    iy + H + GAP_Y,
                    x2 + bend,
                    y - GAP_Y,
                ));
            } else {
                s.push_str(&format!(
                    "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"currentColor\" marker-end=\"url(#accel-arrow)\"/>\n",
                    ix + W / 2.0,
                    iy + H,
                    x + W / 2.0,
                    y
                ));
            }
        }
    }
    for n in &order {
        let (x, y) = pos[&n.id()];
        let mut name = n.name();
        if name.chars().count() > 28 {
            name = name.chars().take(27).collect::<String>() + "…";
        }
        s.push_str(&format!(
            "<g class=\"accel-layer\"><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{W}\" height=\"{H}\" rx=\"6\" fill=\"#8B490330\" stroke=\"currentColor\"/>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"13\" fill=\"currentColor\">{}</text>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"currentColor\">{} chunks, shape {}</text></g>\n",
            x + W / 2.0,
            y + 19.0,
            escape(&name),
            x + W / 2.0,
            y + 36.0,
            n.n_chunks(),
            escape(&crate::error::shape_tuple(&n.shape))
        ));
    }
    s.push_str("</svg>");
    Svg(s)
}
