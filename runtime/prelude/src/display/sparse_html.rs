//! pydata/sparse's repr: `<COO: shape=(…), dtype=…, nnz=…, fill_value=…>` as text and its HTML
//! table with exactly the rows Format, Data Type, Shape, nnz, Density, Read-only, Size,
//! Storage ratio.

use super::html::{escape, py_float};
use super::human::human_readable_size;
use super::Repr;
use crate::error::shape_tuple;
use crate::sparse::{Coo, Csc, Csr, Dok, Sparse, SparseElem};

fn py_scalar<T: SparseElem>(v: T) -> String {
    if T::IS_FLOAT {
        py_float(v.to_f64())
    } else {
        v.fmt_short()
    }
}

/// pydata's `html_table`.
#[allow(clippy::too_many_arguments)]
pub fn sparse_table(
    format: &str,
    dtype: &str,
    shape: &[usize],
    nnz: usize,
    read_only: bool,
    nbytes: usize,
    itemsize: usize,
) -> String {
    let size: usize = shape.iter().product();
    let density = nnz as f64 / size as f64;
    let ratio = nbytes as f64 / (size as f64 * itemsize as f64);
    let rows = [
        ("Format", format.to_string()),
        ("Data Type", dtype.to_string()),
        ("Shape", shape_tuple(shape)),
        ("nnz", nnz.to_string()),
        ("Density", py_float(density)),
        (
            "Read-only",
            if read_only { "True" } else { "False" }.to_string(),
        ),
        ("Size", human_readable_size(nbytes as u128)),
        (
            "Storage ratio",
            if ratio.is_nan() {
                "nan".into()
            } else {
                format!("{ratio:.2}")
            },
        ),
    ];
    let mut t = String::from("<table><tbody>");
    for (h, v) in rows {
        t.push_str(&format!(
            "<tr><th style=\"text-align: left\">{}</th><td style=\"text-align: left\">{}</td></tr>",
            h,
            escape(&v)
        ));
    }
    t.push_str("</tbody></table>");
    t
}

fn summary(name: &str, shape: &[usize], dtype: &str, nnz: usize, fill: String) -> String {
    format!(
        "<{name}: shape={}, dtype={dtype}, nnz={nnz}, fill_value={fill}>",
        shape_tuple(shape)
    )
}

impl<T: SparseElem> Repr for Coo<T> {
    fn text_plain(&self) -> String {
        summary(
            "COO",
            &self.shape,
            T::DTYPE,
            self.nnz(),
            py_scalar(self.fill_value),
        )
    }
    fn text_html(&self) -> Option<String> {
        Some(sparse_table(
            "coo",
            T::DTYPE,
            &self.shape,
            self.nnz(),
            true,
            self.nbytes(),
            std::mem::size_of::<T>(),
        ))
    }
}
impl<T: SparseElem> Repr for Csr<T> {
    fn text_plain(&self) -> String {
        summary(
            "CSR",
            &self.shape,
            T::DTYPE,
            self.nnz(),
            py_scalar(T::default()),
        )
    }
    fn text_html(&self) -> Option<String> {
        Some(sparse_table(
            "csr",
            T::DTYPE,
            &self.shape,
            self.nnz(),
            true,
            self.nbytes(),
            std::mem::size_of::<T>(),
        ))
    }
}
impl<T: SparseElem> Repr for Csc<T> {
    fn text_plain(&self) -> String {
        summary(
            "CSC",
            &self.shape,
            T::DTYPE,
            self.nnz(),
            py_scalar(T::default()),
        )
    }
    fn text_html(&self) -> Option<String> {
        Some(sparse_table(
            "csc",
            T::DTYPE,
            &self.shape,
            self.nnz(),
            true,
            self.nbytes(),
            std::mem::size_of::<T>(),
        ))
    }
}
impl<T: SparseElem> Repr for Dok<T> {
    fn text_plain(&self) -> String {
        summary(
            "DOK",
            &self.shape,
            T::DTYPE,
            self.nnz(),
            py_scalar(self.fill_value),
        )
    }
    fn text_html(&self) -> Option<String> {
        Some(sparse_table(
            "dok",
            T::DTYPE,
            &self.shape,
            self.nnz(),
            false,
            self.nbytes(),
            std::mem::size_of::<T>(),
        ))
    }
}
impl<T: SparseElem> Repr for Sparse<T> {
    fn text_plain(&self) -> String {
        match self {
            Sparse::Coo(x) => x.text_plain(),
            Sparse::Csr(x) => x.text_plain(),
            Sparse::Csc(x) => x.text_plain(),
            Sparse::Dok(x) => x.text_plain(),
        }
    }
    fn text_html(&self) -> Option<String> {
        match self {
            Sparse::Coo(x) => x.text_html(),
            Sparse::Csr(x) => x.text_html(),
            Sparse::Csc(x) => x.text_html(),
            Sparse::Dok(x) => x.text_html(),
        }
    }
}
