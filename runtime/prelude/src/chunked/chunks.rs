//! Chunk specifications: a chunk shape `(1000, 1000)`, explicit per-axis lengths, or a byte
//! budget `"64 MB"` / `"auto"` (dask's default budget, 128 MiB). Ragged last chunks are allowed:
//! 2500 split by 1000 is `[1000, 1000, 500]`.

use crate::error::{shape_tuple, ArrayError, Result};

/// dask's `array.chunk-size` default.
pub const AUTO_BYTES: usize = 128 << 20;

#[derive(Clone, Debug, PartialEq)]
pub enum Chunks {
    /// The same chunk length along every axis.
    Uniform(usize),
    /// One chunk length per axis (the last chunk along an axis may be shorter).
    Shape(Vec<usize>),
    /// Every chunk length, per axis (must add up to the axis length).
    Explicit(Vec<Vec<usize>>),
    /// Square-ish chunks of at most this many bytes.
    Bytes(usize),
}

/// What `chunks` arguments accept: `(1000, 1000)`, `[1000, 1000]`, `1000` (every axis),
/// `vec![..]`, `"64 MB"`, `"auto"`, or a [`Chunks`].
pub trait IntoChunks {
    fn into_chunks(self) -> Result<Chunks>;
}
impl IntoChunks for Chunks {
    fn into_chunks(self) -> Result<Chunks> {
        Ok(self)
    }
}
impl IntoChunks for &str {
    fn into_chunks(self) -> Result<Chunks> {
        parse_bytes(self).map(Chunks::Bytes)
    }
}
impl IntoChunks for String {
    fn into_chunks(self) -> Result<Chunks> {
        self.as_str().into_chunks()
    }
}
impl IntoChunks for usize {
    fn into_chunks(self) -> Result<Chunks> {
        Ok(Chunks::Uniform(self))
    }
}
impl IntoChunks for Vec<usize> {
    fn into_chunks(self) -> Result<Chunks> {
        Ok(Chunks::Shape(self))
    }
}
impl IntoChunks for &[usize] {
    fn into_chunks(self) -> Result<Chunks> {
        Ok(Chunks::Shape(self.to_vec()))
    }
}
impl IntoChunks for Vec<Vec<usize>> {
    fn into_chunks(self) -> Result<Chunks> {
        Ok(Chunks::Explicit(self))
    }
}
impl<const N: usize> IntoChunks for [usize; N] {
    fn into_chunks(self) -> Result<Chunks> {
        Ok(Chunks::Shape(self.to_vec()))
    }
}
macro_rules! tuple_chunks {
    ($(($($v:ident),+)),*) => {$(
        impl IntoChunks for ($(tuple_chunks!(@u $v),)+) {
            fn into_chunks(self) -> Result<Chunks> {
                let ($($v,)+) = self;
                Ok(Chunks::Shape(vec![$($v),+]))
            }
        }
    )*};
    (@u $v:ident) => { usize };
}
tuple_chunks!(
    (a),
    (a, b),
    (a, b, c),
    (a, b, c, d),
    (a, b, c, d, e),
    (a, b, c, d, e, f)
);

impl Chunks {
    /// Resolve against a shape: the chunk lengths along every axis.
    pub fn resolve(&self, shape: &[usize], itemsize: usize) -> Result<Vec<Vec<usize>>> {
        match self {
            Chunks::Uniform(c) => Chunks::Shape(vec![*c; shape.len()]).resolve(shape, itemsize),
            Chunks::Shape(c) => {
                if c.len() != shape.len() {
                    return Err(ArrayError::Chunks(format!(
                        "chunks {} and shape {} must have the same number of dimensions",
                        shape_tuple(c),
                        shape_tuple(shape)
                    )));
                }
                c.iter()
                    .zip(shape)
                    .enumerate()
                    .map(|(ax, (&c, &n))| {
                        if c == 0 && n > 0 {
                            return Err(ArrayError::Chunks(format!(
                                "chunk size along axis {ax} must be positive, got 0"
                            )));
                        }
                        Ok(split(n, c.max(1)))
                    })
                    .collect()
            }
            Chunks::Explicit(v) => {
                if v.len() != shape.len() {
                    return Err(ArrayError::Chunks(format!(
                        "chunks give {} dimensions but shape {} has {}",
                        v.len(),
                        shape_tuple(shape),
                        shape.len()
                    )));
                }
                for (ax, (c, &n)) in v.iter().zip(shape).enumerate() {
                    if c.iter().sum::<usize>() != n || (n > 0 && c.contains(&0)) {
                        return Err(ArrayError::Chunks(format!(
                            "chunks {} do not add up to shape {n} along axis {ax}",
                            shape_tuple(c)
                        )));
                    }
                }
                Ok(v.clone())
            }
            Chunks::Bytes(b) => {
                let target = (*b / itemsize.max(1)).max(1);
                Ok(auto_shape(shape, target)
                    .iter()
                    .zip(shape)
                    .map(|(&c, &n)| split(n, c))
                    .collect())
            }
        }
    }
}

/// `n` split in pieces of `c`, last one ragged: split(2500, 1000) = [1000, 1000, 500].
pub fn split(n: usize, c: usize) -> Vec<usize> {
    if n == 0 {
        return vec![0];
    }
    let mut v = vec![c; n / c];
    if !n.is_multiple_of(c) {
        v.push(n % c);
    }
    v
}

/// Chunk shape with at most `target` elements, as square as the shape allows (small axes are
/// kept whole and their share goes to the others).
fn auto_shape(shape: &[usize], target: usize) -> Vec<usize> {
    let mut out = vec![1; shape.len()];
    let mut order: Vec<usize> = (0..shape.len()).collect();
    order.sort_by_key(|&i| shape[i]);
    let mut budget = target as f64;
    for (k, &i) in order.iter().enumerate() {
        let left = (shape.len() - k) as f64;
        let side = budget.powf(1.0 / left).floor().max(1.0) as usize;
        out[i] = shape[i].min(side).max(1);
        budget = (budget / out[i] as f64).max(1.0);
    }
    out
}

/// "64 MB", "64MiB", "1.5 GB", "1000", "auto" → bytes (kB/MB/GB are powers of 1000, KiB/MiB/GiB
/// of 1024, like dask's `parse_bytes`).
pub fn parse_bytes(s: &str) -> Result<usize> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("auto") {
        return Ok(AUTO_BYTES);
    }
    let split_at = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split_at);
    let bad = || {
        ArrayError::Chunks(format!(
            "could not parse chunk size {s:?}: expected e.g. \"64 MB\", \"1 GiB\" or \"auto\""
        ))
    };
    let x: f64 = num.parse().map_err(|_| bad())?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" | "k" => 1e3,
        "mb" | "m" => 1e6,
        "gb" | "g" => 1e9,
        "tb" | "t" => 1e12,
        "kib" => 1024.0,
        "mib" => (1u64 << 20) as f64,
        "gib" => (1u64 << 30) as f64,
        "tib" => (1u64 << 40) as f64,
        _ => return Err(bad()),
    };
    let b = (x * mult) as usize;
    if b == 0 {
        return Err(ArrayError::Chunks(format!(
            "chunk size {s:?} is zero bytes"
        )));
    }
    Ok(b)
}

/// Start offsets of chunks (prefix sums), with the total at the end.
pub fn offsets(chunks: &[usize]) -> Vec<usize> {
    let mut o = Vec::with_capacity(chunks.len() + 1);
    let mut acc = 0;
    o.push(0);
    for &c in chunks {
        acc += c;
        o.push(acc);
    }
    o
}

/// Common refinement of two chunkings of the same length (dask's `unify_chunks`).
pub fn unify(a: &[usize], b: &[usize]) -> Vec<usize> {
    let (oa, ob) = (offsets(a), offsets(b));
    let mut cuts: Vec<usize> = oa.iter().chain(ob.iter()).copied().collect();
    cuts.sort_unstable();
    cuts.dedup();
    let v: Vec<usize> = cuts.windows(2).map(|w| w[1] - w[0]).collect();
    if v.is_empty() {
        vec![0]
    } else {
        v
    }
}
