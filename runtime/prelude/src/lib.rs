//! `use accel::prelude::*;` — arrays for accel notebooks, the same crate in both tiers.
//!
//! * [`dense`]: ndarray's arrays plus numpy's missing words (reductions, broadcasting with
//!   numpy's errors, `random`, `.npy`/`.npz` in [`io`]).
//! * [`sparse`]: pydata/sparse's formats — [`sparse::Coo`] (n-d), [`sparse::Csr`]/[`sparse::Csc`]
//!   (2-d), [`sparse::Dok`] (n-d, mutable).
//! * [`chunked`]: dask-style lazy blocked arrays computed in parallel with bounded memory.
//! * [`display`]: `text/plain` and `text/html` for all of them ([`display::Repr`]) and evcxr's
//!   `evcxr_display` hook.
//!
//! Nothing here panics on bad input through the `try_`/`Result` APIs: errors are [`ArrayError`]
//! values whose text follows numpy's.

pub mod chunked;
pub mod dense;
pub mod display;
pub mod error;
pub mod io;
pub mod sparse;

/// The ndarray this crate is built on, so cells can name its types (`accel::ndarray::OwnedRepr`)
/// without a dependency of their own. The rustc tier needs this: evcxr stores a variable under
/// its full type, e.g. `ArrayBase<OwnedRepr<f64>, Dim<[usize; 2]>>` for an `Array2<f64>`, and
/// must find a path to each part from the cell's crate, which depends on `accel` only.
pub use ndarray;

/// `accel::random::default_rng(seed)`, numpy's spelling.
pub use dense::random;
pub use error::{ArrayError, Result};

pub mod prelude {
    pub use ndarray::prelude::*;
    pub use ndarray::{concatenate as nd_concatenate, stack as nd_stack, Zip};

    pub use crate::chunked::{Boundary, Chunked, Chunks};
    pub use crate::dense::{
        arange, broadcast_shapes, concatenate, eye, linspace, matmul, stack, try_full, try_zeros,
        BroadcastOps, Element, Promote, Reductions,
    };
    pub use crate::display::Repr;
    pub use crate::error::ArrayError;
    pub use crate::io::{read_npy, read_npz, write_npy, write_npz, NpzReader, NpzWriter};
    pub use crate::random::default_rng;
    pub use crate::sparse::{Coo, Csc, Csr, Dok};
}
