//! The element types the library knows by numpy name. `Element` carries what display, `.npy`
//! and promotion need: the dtype name, the on-disk descriptor and a lossless-enough view as f64.

use std::fmt::Debug;

pub trait Element: Copy + Send + Sync + 'static + PartialOrd + Debug + Default {
    /// numpy's dtype name: `float64`, `int32`, `bool` ...
    const DTYPE: &'static str;
    /// `.npy` descriptor, little-endian: `<f8`, `<i4`, `|b1` ...
    const DESCR: &'static str;
    const IS_FLOAT: bool;
    const IS_BOOL: bool = false;
    fn to_f64(self) -> f64;
    fn from_f64(v: f64) -> Self;
    fn to_le_bytes_vec(self, out: &mut Vec<u8>);
    fn from_le_slice(b: &[u8]) -> Self;
    /// Shortest round-trip text (Rust's `Display`), positional.
    fn fmt_short(self) -> String;
    /// Positional with exactly `p` fractional digits.
    fn fmt_fixed(self, p: usize) -> String;
    /// Scientific, shortest (`p = None`) or with `p` fractional mantissa digits.
    fn fmt_sci(self, p: Option<usize>) -> String;
}

macro_rules! num_element {
    ($t:ty, $name:literal, $descr:literal, $float:literal) => {
        impl Element for $t {
            const DTYPE: &'static str = $name;
            const DESCR: &'static str = $descr;
            const IS_FLOAT: bool = $float;
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            fn to_le_bytes_vec(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes())
            }
            #[inline(always)]
            fn from_le_slice(b: &[u8]) -> Self {
                <$t>::from_le_bytes(b.try_into().unwrap())
            }
            fn fmt_short(self) -> String {
                format!("{}", self)
            }
            fn fmt_fixed(self, p: usize) -> String {
                format!("{:.*}", p, self)
            }
            fn fmt_sci(self, p: Option<usize>) -> String {
                match p {
                    Some(p) => format!("{:.*e}", p, self),
                    None => format!("{:e}", self),
                }
            }
        }
    };
}
num_element!(f64, "float64", "<f8", true);
num_element!(f32, "float32", "<f4", true);
num_element!(i64, "int64", "<i8", false);
num_element!(i32, "int32", "<i4", false);
num_element!(i16, "int16", "<i2", false);
num_element!(i8, "int8", "|i1", false);
num_element!(u64, "uint64", "<u8", false);
num_element!(u32, "uint32", "<u4", false);
num_element!(u16, "uint16", "<u2", false);
num_element!(u8, "uint8", "|u1", false);
num_element!(usize, "uint64", "<u8", false);
num_element!(isize, "int64", "<i8", false);

impl Element for bool {
    const DTYPE: &'static str = "bool";
    const DESCR: &'static str = "|b1";
    const IS_FLOAT: bool = false;
    const IS_BOOL: bool = true;
    fn to_f64(self) -> f64 {
        self as u8 as f64
    }
    fn from_f64(v: f64) -> Self {
        v != 0.0
    }
    fn to_le_bytes_vec(self, out: &mut Vec<u8>) {
        out.push(self as u8)
    }
    fn from_le_slice(b: &[u8]) -> Self {
        b[0] != 0
    }
    fn fmt_short(self) -> String {
        if self { "True" } else { "False" }.to_string()
    }
    fn fmt_fixed(self, _p: usize) -> String {
        self.fmt_short()
    }
    fn fmt_sci(self, _p: Option<usize>) -> String {
        self.fmt_short()
    }
}

/// Size in bytes of one element as numpy counts it (`usize` counts as 8 like int64).
pub fn itemsize<A: Element>() -> usize {
    std::mem::size_of::<A>()
}
