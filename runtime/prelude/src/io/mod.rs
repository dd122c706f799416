//! File formats: `.npy` (one array) and `.npz` (a zip of `.npy` files, numpy's `savez`).
pub mod npy;
pub mod npz;
pub use npy::{read_npy, write_npy, NpyHeader};
pub use npz::{read_npz, write_npz, NpzReader, NpzWriter};
