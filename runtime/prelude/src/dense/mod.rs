//! Dense arrays: ndarray's types with numpy's missing words added as traits and functions.
pub mod broadcast;
pub mod combine;
pub mod create;
pub mod element;
pub mod promote;
pub mod random;
pub mod reduce;
mod ziggurat;

pub use broadcast::{broadcast_shapes, BroadcastOps, Operand};
pub use combine::{concatenate, matmul, stack};
pub use create::{arange, eye, linspace, try_full, try_zeros};
pub use element::Element;
pub use promote::Promote;
pub use reduce::Reductions;
