//! Sparse arrays after pydata/sparse: [`Coo`] (n-d), [`Csr`]/[`Csc`] (2-d), [`Dok`] (n-d,
//! mutable), conversions through [`Sparse::asformat`], and [`random`].

pub mod compressed;
pub mod coo;
pub mod dok;
pub mod ops;
pub mod reduce;

pub use compressed::{Csc, Csr};
pub use coo::{Coo, SparseElem};
pub use dok::Dok;

use crate::dense::random::Xoshiro256pp;
use crate::error::{ArrayError, Result};

/// Any of the four formats, for `asformat`.
#[derive(Clone, Debug, PartialEq)]
pub enum Sparse<T> {
    Coo(Coo<T>),
    Csr(Csr<T>),
    Csc(Csc<T>),
    Dok(Dok<T>),
}

impl<T: SparseElem> Sparse<T> {
    pub fn to_coo(&self) -> Coo<T> {
        match self {
            Sparse::Coo(c) => c.clone(),
            Sparse::Csr(c) => c.to_coo(),
            Sparse::Csc(c) => c.to_coo(),
            Sparse::Dok(d) => d.to_coo(),
        }
    }
    /// pydata's `asformat("coo" | "csr" | "csc" | "dok")`.
    pub fn asformat(&self, format: &str) -> Result<Sparse<T>> {
        let c = self.to_coo();
        Ok(match format {
            "coo" => Sparse::Coo(c),
            "csr" => Sparse::Csr(c.to_csr()?),
            "csc" => Sparse::Csc(c.to_csc()?),
            "dok" => Sparse::Dok(c.to_dok()),
            f => {
                return Err(ArrayError::Value(format!(
                    "unknown sparse format {f:?}: expected coo, csr, csc or dok"
                )))
            }
        })
    }
    pub fn format(&self) -> &'static str {
        match self {
            Sparse::Coo(_) => "coo",
            Sparse::Csr(_) => "csr",
            Sparse::Csc(_) => "csc",
            Sparse::Dok(_) => "dok",
        }
    }
    pub fn to_dense(&self) -> Result<ndarray::ArrayD<T>> {
        self.to_coo().to_dense()
    }
}

macro_rules! asformat_on {
    ($($ty:ident),*) => {$(
        impl<T: SparseElem> $ty<T> {
            /// pydata's `asformat`: "coo", "csr", "csc" or "dok".
            pub fn asformat(&self, format: &str) -> Result<Sparse<T>> {
                Sparse::$ty(self.clone()).asformat(format)
            }
        }
    )*};
}
asformat_on!(Coo, Csr, Csc, Dok);

/// pydata's `sparse.random(shape, density, random_state=seed)`: `round(density·size)` distinct
/// positions chosen uniformly, values uniform in [0, 1).
pub fn random(shape: &[usize], density: f64, seed: u64) -> Result<Coo<f64>> {
    if !(0.0..=1.0).contains(&density) {
        return Err(ArrayError::Value(format!(
            "density {density} is not in the unit interval"
        )));
    }
    let size: usize = shape.iter().product();
    let nnz = (density * size as f64).round() as usize;
    crate::error::checked_size(&[nnz], 16, "sparse random entries")?;
    let mut probe: Vec<u64> = Vec::new();
    probe
        .try_reserve_exact(nnz)
        .map_err(|_| ArrayError::Alloc {
            bytes: nnz as u128 * 16,
            what: format!("{nnz} sparse random entries"),
        })?;
    drop(probe);
    let mut rng = Xoshiro256pp::seed_from_u64(seed);
    let mut lin: Vec<u64> = if nnz * 3 > size && size <= 1 << 28 {
        // dense enough: partial Fisher–Yates over all positions
        let mut all: Vec<u64> = (0..size as u64).collect();
        for i in 0..nnz {
            let j = i + rng.below((size - i) as u64) as usize;
            all.swap(i, j);
        }
        all.truncate(nnz);
        all
    } else {
        // sparse: rejection into a hash set (Floyd would also do)
        let mut set = std::collections::HashSet::with_capacity(nnz);
        while set.len() < nnz {
            set.insert(rng.below(size as u64));
        }
        set.into_iter().collect()
    };
    lin.sort_unstable();
    let data: Vec<f64> = (0..nnz).map(|_| rng.next_f64()).collect();
    coo::lin_strides(shape)?;
    Ok(Coo::from_linear(shape.to_vec(), lin, data, 0.0, false))
}
