//! `use accel::prelude::*;` — arrays for accel notebooks (both tiers).

pub mod prelude {}
