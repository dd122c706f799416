//! Repr for ndarray arrays: numpy's repr as text, dask's table + SVG + a value preview as HTML.

use super::html::{dask_table, side_by_side};
use super::human::format_bytes;
use super::svg::chunks_svg;
use super::text::array_repr;
use super::Repr;
use crate::dense::element::Element;
use crate::error::shape_tuple;
use ndarray::{ArrayBase, Data, Dimension};

impl<A: Element, S: Data<Elem = A>, D: Dimension> Repr for ArrayBase<S, D> {
    fn text_plain(&self) -> String {
        array_repr(self.view().into_dyn())
    }
    fn text_html(&self) -> Option<String> {
        let bytes = (self.len() * std::mem::size_of::<A>()) as u128;
        let shape = shape_tuple(self.shape());
        let table = dask_table(&[
            ("Bytes", format_bytes(bytes), Some(format_bytes(bytes))),
            ("Shape", shape.clone(), Some(shape)),
            ("Count", "0 Tasks".into(), Some("1 Chunks".into())),
            ("Type", A::DTYPE.into(), Some("ndarray::Array".into())),
        ]);
        let chunks: Vec<Vec<usize>> = self.shape().iter().map(|&d| vec![d]).collect();
        let svg = chunks_svg(self.shape(), &chunks);
        Some(side_by_side(&table, &svg, Some(&self.text_plain())))
    }
}
