//! File formats. `.npy` only for now (`.npz` is a zip of `.npy` files and would need a zip crate).
pub mod npy;
pub use npy::{read_npy, write_npy, NpyHeader};
