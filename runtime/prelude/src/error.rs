//! One error type for the whole library. Every fallible operation returns `Result<_, ArrayError>`;
//! nothing in here panics on user input, because a panic in a notebook cell must never take the
//! kernel down. Messages follow numpy's wording where numpy has one, so users can search for them.

use std::fmt;

pub type Result<T, E = ArrayError> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq)]
pub enum ArrayError {
    /// numpy: `operands could not be broadcast together with shapes (3,4) (5,)`
    Broadcast { lhs: Vec<usize>, rhs: Vec<usize> },
    /// Any other shape disagreement (matmul, concatenate, from_shape_vec, set ...).
    Shape(String),
    /// An allocation the machine cannot satisfy; says how many bytes were asked for.
    Alloc { bytes: u128, what: String },
    /// Bad chunk specification (`"64 MB"`, shapes that do not tile the array, zero sizes).
    Chunks(String),
    /// A `.npy` file that cannot be read or written; always names the file.
    Npy { path: String, msg: String },
    /// Index or slice out of range, bad axis.
    Index(String),
    /// pydata/sparse's refusal to densify.
    Densify(String),
    /// Anything else the caller passed that cannot work (unknown format name, bad density ...).
    Value(String),
}

pub(crate) fn fmt_shape(s: &[usize]) -> String {
    // numpy's broadcast error prints tuples without spaces: (3,4) and (5,)
    match s.len() {
        1 => format!("({},)", s[0]),
        _ => format!(
            "({})",
            s.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// numpy's `repr(shape)`: `(3, 4)`, `(5,)`, `()`.
pub fn shape_tuple(s: &[usize]) -> String {
    match s.len() {
        1 => format!("({},)", s[0]),
        _ => format!(
            "({})",
            s.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl fmt::Display for ArrayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArrayError::Broadcast { lhs, rhs } => write!(
                f,
                "operands could not be broadcast together with shapes {} {}",
                fmt_shape(lhs),
                fmt_shape(rhs)
            ),
            ArrayError::Shape(m) | ArrayError::Chunks(m) | ArrayError::Index(m) => f.write_str(m),
            ArrayError::Densify(m) | ArrayError::Value(m) => f.write_str(m),
            ArrayError::Alloc { bytes, what } => write!(
                f,
                "Unable to allocate {} for {} ({} bytes requested)",
                crate::display::human::gib(*bytes),
                what,
                bytes
            ),
            ArrayError::Npy { path, msg } => write!(f, "{path}: {msg}"),
        }
    }
}

impl std::error::Error for ArrayError {}

/// Checked allocation size: `n` elements of `T`, erroring (not aborting) when the product
/// overflows or the allocator refuses. Used before every allocation whose size the user controls.
pub fn try_alloc_vec<T: Clone>(n: usize, fill: T, what: &str) -> Result<Vec<T>> {
    let bytes = (n as u128) * (std::mem::size_of::<T>() as u128);
    let err = || ArrayError::Alloc {
        bytes,
        what: what.to_string(),
    };
    if bytes > isize::MAX as u128 {
        return Err(err());
    }
    let mut v: Vec<T> = Vec::new();
    v.try_reserve_exact(n).map_err(|_| err())?;
    v.resize(n, fill);
    Ok(v)
}

/// Number of elements of a shape, or an `Alloc` error if it does not fit in memory at all.
pub fn checked_size(shape: &[usize], itemsize: usize, what: &str) -> Result<usize> {
    let mut n: u128 = 1;
    for &d in shape {
        n = n.saturating_mul(d as u128);
    }
    let bytes = n.saturating_mul(itemsize as u128);
    if bytes > isize::MAX as u128 {
        return Err(ArrayError::Alloc {
            bytes,
            what: what.to_string(),
        });
    }
    Ok(n as usize)
}
