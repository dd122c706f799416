//! Repr for `Chunked`: dask's one-line repr as text; dask's table (Bytes, Shape, Count, Type)
//! beside the chunk drawing as HTML.

use super::html::{dask_table, escape, side_by_side};
use super::human::format_bytes;
use super::svg::chunks_svg;
use super::Repr;
use crate::chunked::Chunked;
use crate::error::shape_tuple;

impl Repr for Chunked {
    fn text_plain(&self) -> String {
        if let Some(e) = self.error() {
            return format!("Chunked<error: {e}>");
        }
        format!(
            "Chunked<shape={}, dtype=float64, chunksize={}, chunktype=ndarray, tasks={}>",
            shape_tuple(self.shape()),
            shape_tuple(&self.chunksize()),
            self.task_count()
        )
    }
    fn text_html(&self) -> Option<String> {
        if let Some(e) = self.error() {
            return Some(format!(
                "<pre style=\"color: inherit\">Chunked array with an error: {}</pre>",
                escape(&e.to_string())
            ));
        }
        let cs = self.chunksize();
        let chunk_bytes = cs.iter().product::<usize>() as u128 * 8;
        let table = dask_table(&[
            (
                "Bytes",
                format_bytes(self.nbytes() as u128),
                Some(format_bytes(chunk_bytes)),
            ),
            ("Shape", shape_tuple(self.shape()), Some(shape_tuple(&cs))),
            (
                "Count",
                format!("{} Tasks", self.task_count()),
                Some(format!("{} Chunks", self.npartitions())),
            ),
            ("Type", "float64".into(), Some("ndarray::Array".into())),
        ]);
        Some(side_by_side(
            &table,
            &chunks_svg(self.shape(), self.chunks()),
            None,
        ))
    }
}

impl Chunked {
    /// evcxr's display hook (also available through [`Repr`]).
    pub fn evcxr_display(&self) {
        Repr::evcxr_display(self)
    }
}
