//! `Csr` and `Csc`: 2-d compressed formats (scipy's, and pydata's `CSR`/`CSC`). Built from a
//! canonical `Coo` with one counting pass; sparse × dense products run row by row (CSR) so each
//! output row is written once, in parallel with rayon for large operands.

use super::coo::{Coo, SparseElem};
use crate::error::{fmt_shape, shape_tuple, ArrayError, Result};
use ndarray::{Array1, Array2, ArrayBase, ArrayD, Axis, Data, Ix1, Ix2};
use rayon::prelude::*;

/// Compressed sparse rows: row `i` holds `indices[indptr[i]..indptr[i+1]]` (columns, sorted).
#[derive(Clone, Debug, PartialEq)]
pub struct Csr<T> {
    pub(crate) shape: [usize; 2],
    pub(crate) indptr: Vec<usize>,
    pub(crate) indices: Vec<usize>,
    pub(crate) data: Vec<T>,
}

/// Compressed sparse columns: the CSR of the transpose, kept with the original shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Csc<T> {
    pub(crate) shape: [usize; 2],
    pub(crate) indptr: Vec<usize>,
    pub(crate) indices: Vec<usize>,
    pub(crate) data: Vec<T>,
}

fn need_2d<T>(c: &Coo<T>, what: &str) -> Result<[usize; 2]> {
    match c.shape.as_slice() {
        &[r, k] => Ok([r, k]),
        s => Err(ArrayError::Shape(format!(
            "{what} needs a 2-d array, got shape {}",
            shape_tuple(s)
        ))),
    }
}

/// Compress along `major` (0 for CSR, 1 for CSC). Entries within a major slot come out sorted by
/// the minor index because the Coo is in C order (for CSC we sort by a stable counting pass).
fn compress<T: SparseElem>(c: &Coo<T>, major: usize) -> (Vec<usize>, Vec<usize>, Vec<T>) {
    let n_major = c.shape[major];
    let (maj, min) = (&c.coords[major], &c.coords[1 - major]);
    let mut indptr = vec![0usize; n_major + 1];
    for &m in maj {
        indptr[m + 1] += 1;
    }
    for i in 0..n_major {
        indptr[i + 1] += indptr[i];
    }
    let mut next = indptr.clone();
    let mut indices = vec![0usize; c.nnz()];
    let mut data = vec![T::default(); c.nnz()];
    for k in 0..c.nnz() {
        let slot = &mut next[maj[k]];
        indices[*slot] = min[k];
        data[*slot] = c.data[k];
        *slot += 1;
    }
    (indptr, indices, data)
}

fn expand(indptr: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(*indptr.last().unwrap_or(&0));
    for i in 0..indptr.len().saturating_sub(1) {
        out.extend(std::iter::repeat_n(i, indptr[i + 1] - indptr[i]));
    }
    out
}

macro_rules! common {
    ($ty:ident, $fmt:literal) => {
        impl<T: SparseElem> $ty<T> {
            pub fn shape(&self) -> &[usize] {
                &self.shape
            }
            pub fn nnz(&self) -> usize {
                self.data.len()
            }
            pub fn size(&self) -> usize {
                self.shape[0] * self.shape[1]
            }
            pub fn density(&self) -> f64 {
                self.nnz() as f64 / self.size() as f64
            }
            /// data + indices + indptr, as pydata counts them (indices as int64).
            pub fn nbytes(&self) -> usize {
                self.nnz() * (std::mem::size_of::<T>() + 8) + self.indptr.len() * 8
            }
            pub fn indptr(&self) -> &[usize] {
                &self.indptr
            }
            pub fn indices(&self) -> &[usize] {
                &self.indices
            }
            pub fn data(&self) -> &[T] {
                &self.data
            }
            pub fn to_dense(&self) -> Result<ArrayD<T>> {
                self.to_coo().to_dense()
            }
            pub fn format(&self) -> &'static str {
                $fmt
            }
        }
    };
}
common!(Csr, "csr");
common!(Csc, "csc");

impl<T: SparseElem> Csr<T> {
    pub fn from_coo(c: &Coo<T>) -> Result<Csr<T>> {
        let shape = need_2d(c, "CSR")?;
        let (indptr, indices, data) = compress(c, 0);
        Ok(Csr {
            shape,
            indptr,
            indices,
            data,
        })
    }
    pub fn from_dense<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Csr<T> {
        Self::from_coo(&Coo::from_dense(a)).expect("2-d")
    }
    pub fn to_coo(&self) -> Coo<T> {
        let rows = expand(&self.indptr);
        // rows ascending and columns sorted within a row: already C order
        Coo {
            shape: self.shape.to_vec(),
            coords: vec![rows, self.indices.clone()],
            data: self.data.clone(),
            fill_value: T::default(),
        }
    }
    pub fn to_csc(&self) -> Csc<T> {
        Csc::from_coo(&self.to_coo()).expect("2-d")
    }
    /// The transpose is the same arrays read as CSC.
    pub fn t(&self) -> Csc<T> {
        Csc {
            shape: [self.shape[1], self.shape[0]],
            indptr: self.indptr.clone(),
            indices: self.indices.clone(),
            data: self.data.clone(),
        }
    }

    /// Sparse × dense matrix: (n, k) · (k, m) → dense (n, m).
    pub fn dot_dense<S: Data<Elem = T>>(&self, b: &ArrayBase<S, Ix2>) -> Result<Array2<T>> {
        let b = b.view();
        if self.shape[1] != b.nrows() {
            return Err(mismatch(&self.shape, b.shape()));
        }
        let m = b.ncols();
        let mut out = Array2::<T>::from_elem((self.shape[0], m), T::default());
        let work = |(i, mut row): (usize, ndarray::ArrayViewMut1<T>)| {
            for p in self.indptr[i]..self.indptr[i + 1] {
                let (j, v) = (self.indices[p], self.data[p]);
                row.zip_mut_with(&b.row(j), |o, &x| *o = *o + v * x);
            }
        };
        if self.nnz() * m > 1 << 16 {
            out.axis_iter_mut(Axis(0))
                .into_par_iter()
                .enumerate()
                .for_each(work);
        } else {
            out.axis_iter_mut(Axis(0)).enumerate().for_each(work);
        }
        Ok(out)
    }
    /// Sparse matrix × dense vector.
    pub fn dot_vec<S: Data<Elem = T>>(&self, x: &ArrayBase<S, Ix1>) -> Result<Array1<T>> {
        if self.shape[1] != x.len() {
            return Err(mismatch(&self.shape, x.shape()));
        }
        Ok(Array1::from_shape_fn(self.shape[0], |i| {
            (self.indptr[i]..self.indptr[i + 1])
                .fold(T::default(), |a, p| a + self.data[p] * x[self.indices[p]])
        }))
    }
}

impl<T: SparseElem> Csc<T> {
    pub fn from_coo(c: &Coo<T>) -> Result<Csc<T>> {
        let shape = need_2d(c, "CSC")?;
        let (indptr, indices, data) = compress(c, 1);
        Ok(Csc {
            shape,
            indptr,
            indices,
            data,
        })
    }
    pub fn to_coo(&self) -> Coo<T> {
        let cols = expand(&self.indptr);
        Coo::new(
            vec![self.indices.clone(), cols],
            self.data.clone(),
            &self.shape,
        )
        .expect("valid by construction")
    }
    pub fn to_csr(&self) -> Csr<T> {
        Csr::from_coo(&self.to_coo()).expect("2-d")
    }
    pub fn t(&self) -> Csr<T> {
        Csr {
            shape: [self.shape[1], self.shape[0]],
            indptr: self.indptr.clone(),
            indices: self.indices.clone(),
            data: self.data.clone(),
        }
    }
    pub fn dot_dense<S: Data<Elem = T>>(&self, b: &ArrayBase<S, Ix2>) -> Result<Array2<T>> {
        self.to_csr().dot_dense(b)
    }
}

fn mismatch(a: &[usize], b: &[usize]) -> ArrayError {
    ArrayError::Shape(format!(
        "matmul: Input operand 1 has a mismatch in its core dimension 0 (size {} is different from {}) [shapes {} {}]",
        b[0],
        a[1],
        fmt_shape(a),
        fmt_shape(b)
    ))
}

impl<T: SparseElem> Coo<T> {
    pub fn to_csr(&self) -> Result<Csr<T>> {
        Csr::from_coo(self)
    }
    pub fn to_csc(&self) -> Result<Csc<T>> {
        Csc::from_coo(self)
    }
    /// 2-d sparse × dense matrix (numpy's `s @ b`). The fill value must be 0.
    pub fn dot_dense<S: Data<Elem = T>>(&self, b: &ArrayBase<S, Ix2>) -> Result<Array2<T>> {
        if self.fill_value != T::default() {
            return Err(ArrayError::Value(
                "matmul of a sparse array needs fill_value 0".into(),
            ));
        }
        self.to_csr()?.dot_dense(b)
    }
}
