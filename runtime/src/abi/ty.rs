//! The subset's types and their memory layout (size, alignment, tuple and `Option` field
//! offsets): what compiled code, the runtime and the display all read values by. Inference
//! variables (`Ty::Infer`) are typeck's (`typeck/infer.rs`) and never reach a layout.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntTy {
    I8,
    I16,
    I32,
    I64,
    Isize,
    U8,
    U16,
    U32,
    U64,
    Usize,
}

impl IntTy {
    pub fn bits(self) -> u32 {
        use IntTy::*;
        match self {
            I8 | U8 => 8,
            I16 | U16 => 16,
            I32 | U32 => 32,
            I64 | U64 | Isize | Usize => 64,
        }
    }
    pub fn signed(self) -> bool {
        matches!(
            self,
            IntTy::I8 | IntTy::I16 | IntTy::I32 | IntTy::I64 | IntTy::Isize
        )
    }
    pub fn name(self) -> &'static str {
        use IntTy::*;
        match self {
            I8 => "i8",
            I16 => "i16",
            I32 => "i32",
            I64 => "i64",
            Isize => "isize",
            U8 => "u8",
            U16 => "u16",
            U32 => "u32",
            U64 => "u64",
            Usize => "usize",
        }
    }
    pub fn from_name(s: &str) -> Option<IntTy> {
        use IntTy::*;
        Some(match s {
            "i8" => I8,
            "i16" => I16,
            "i32" => I32,
            "i64" => I64,
            "isize" => Isize,
            "u8" => U8,
            "u16" => U16,
            "u32" => U32,
            "u64" => U64,
            "usize" => Usize,
            _ => return None,
        })
    }
    pub fn min(self) -> i128 {
        if self.signed() {
            -(1i128 << (self.bits() - 1))
        } else {
            0
        }
    }
    pub fn max(self) -> i128 {
        if self.signed() {
            (1i128 << (self.bits() - 1)) - 1
        } else {
            (1i128 << self.bits()) - 1
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FloatTy {
    F32,
    F64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    Int(IntTy),
    Float(FloatTy),
    Bool,
    Char,
    Unit,
    /// The type of `return`, `break`, `panic!`: coerces to anything.
    Never,
    Tuple(Vec<Ty>),
    Array(Box<Ty>, u64),
    Vec(Box<Ty>),
    /// Unsized; only appears behind `Ref`.
    Slice(Box<Ty>),
    Str,
    String,
    Option(Box<Ty>),
    /// `&T` / `&mut T`.
    Ref(Box<Ty>, bool),
    /// A half-open or closed range of integers (only as a value to iterate or match on).
    Range(Box<Ty>),
    /// An iterator pipeline; the Ty is the item type (see typed::IterExpr).
    Iter(Box<Ty>),
    /// A closure: its index in the fn's closure table.
    Closure(u32),
    /// An ndarray `Array<T, D>` of the accel prelude: element type and number of axes
    /// (1 or 2). A pointer to a runtime-owned `exec::array_rt::NdBox` (see there).
    Nd(Box<Ty>, u8),
    /// ndarray's `ArrayView<T, D>` (`false`) / `ArrayViewMut<T, D>` (`true`): element type,
    /// axes, mutability. Inline in memory: the 64-byte header of an `NdBox` (data pointer,
    /// dims, strides) pointing into another array's data, nothing to free (see
    /// `exec::view_rt`). Copy when not mutable, like ndarray's.
    NdView(Box<Ty>, u8, bool),
    /// `accel::random::Generator` (numpy's `default_rng`): a pointer to a runtime-owned box.
    Rng,
    /// The accel prelude's `Chunked` (lazy, blocked, f64): a pointer to a runtime-owned box
    /// (`exec::chunked_rt`). The number of axes when typeck knows it, else [`ANY_NDIM`].
    Chunked(u8),
    /// The SVG `Chunked::visualize()` returns (`accel::chunked::visualize::Svg`): a runtime-owned
    /// box, displayed as the rustc tier displays it.
    Svg,
    /// ndarray's `ArrayD<T>` (what `Chunked::compute` returns): an `NdBox` like `Nd`, with
    /// the number of axes when typeck knows it, else [`ANY_NDIM`] (`typeck/chunked.rs`).
    NdD(Box<Ty>, u8),
    Infer(u32),
}

/// The number of axes of a `Chunked`/`ArrayD` that typeck does not know (an annotation
/// `Chunked`, a `.npy` source): it unifies with any number.
pub const ANY_NDIM: u8 = 255;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    General,
    Int,
    Float,
}

impl Ty {
    pub const I32: Ty = Ty::Int(IntTy::I32);
    pub const I64: Ty = Ty::Int(IntTy::I64);
    pub const USIZE: Ty = Ty::Int(IntTy::Usize);
    pub const F64: Ty = Ty::Float(FloatTy::F64);

    pub fn is_copy(&self) -> bool {
        match self {
            Ty::Vec(_)
            | Ty::String
            | Ty::Iter(_)
            | Ty::Nd(..)
            | Ty::Rng
            | Ty::Chunked(_)
            | Ty::Svg
            | Ty::NdD(..) => false,
            Ty::Tuple(v) => v.iter().all(|t| t.is_copy()),
            Ty::Array(t, _) | Ty::Option(t) => t.is_copy(),
            Ty::Ref(_, m) => !m,
            Ty::NdView(_, _, m) => !m,
            _ => true,
        }
    }
    /// Owned heap values that need freeing when their owner goes out of scope.
    pub fn needs_drop(&self) -> bool {
        matches!(
            self,
            Ty::Vec(_) | Ty::String | Ty::Nd(..) | Ty::Rng | Ty::Chunked(_) | Ty::Svg | Ty::NdD(..)
        )
    }
    pub fn is_int(&self) -> bool {
        matches!(self, Ty::Int(_))
    }
    pub fn is_float(&self) -> bool {
        matches!(self, Ty::Float(_))
    }
    pub fn is_numeric(&self) -> bool {
        self.is_int() || self.is_float()
    }
    /// Scalars: one machine value, passed in a register.
    pub fn is_scalar(&self) -> bool {
        matches!(self, Ty::Int(_) | Ty::Float(_) | Ty::Bool | Ty::Char)
    }
    /// Strip references (auto-deref for methods, indexing and display).
    pub fn peel_refs(&self) -> &Ty {
        match self {
            Ty::Ref(t, _) => t.peel_refs(),
            t => t,
        }
    }
    /// Size and alignment in memory (Vec/String are a pointer to a heap header;
    /// slices and &str are (ptr, len)).
    pub fn layout(&self) -> (u32, u32) {
        match self {
            Ty::Int(i) => (i.bits() / 8, i.bits() / 8),
            Ty::Float(FloatTy::F32) => (4, 4),
            Ty::Float(FloatTy::F64) => (8, 8),
            Ty::Bool => (1, 1),
            Ty::Char => (4, 4),
            Ty::Unit | Ty::Never => (0, 1),
            Ty::Vec(_)
            | Ty::String
            | Ty::Nd(..)
            | Ty::Rng
            | Ty::Chunked(_)
            | Ty::Svg
            | Ty::NdD(..) => (8, 8),
            Ty::NdView(..) => (64, 8),
            Ty::Ref(t, m) => match &**t {
                Ty::Slice(_) | Ty::Str => (16, 8),
                t if t.is_scalar() && !*m => t.layout(),
                _ => (8, 8),
            },
            Ty::Array(t, n) => {
                let (s, a) = t.layout();
                (s * *n as u32, a)
            }
            Ty::Tuple(ts) => {
                let offs = tuple_offsets(ts);
                let al = ts.iter().map(|t| t.layout().1).max().unwrap_or(1);
                let end = offs
                    .last()
                    .map(|o| o + ts.last().unwrap().layout().0)
                    .unwrap_or(0);
                (round_up(end, al), al)
            }
            Ty::Option(t) => {
                let (s, a) = t.layout();
                (round_up(a.max(1) + s, a.max(1)), a.max(1))
            }
            _ => (8, 8),
        }
    }
}

pub fn round_up(x: u32, a: u32) -> u32 {
    x.div_ceil(a) * a
}

/// Field offsets of a tuple laid out in declaration order (C-like; we own the layout).
pub fn tuple_offsets(ts: &[Ty]) -> Vec<u32> {
    let mut off = 0;
    ts.iter()
        .map(|t| {
            let (s, a) = t.layout();
            off = round_up(off, a);
            let o = off;
            off += s;
            o
        })
        .collect()
}

/// Offset of the payload of an `Option<T>` (the tag is a byte at offset 0).
pub fn option_payload_offset(t: &Ty) -> u32 {
    t.layout().1.max(1)
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Ty::Int(i) => f.write_str(i.name()),
            Ty::Float(FloatTy::F32) => f.write_str("f32"),
            Ty::Float(FloatTy::F64) => f.write_str("f64"),
            Ty::Bool => f.write_str("bool"),
            Ty::Char => f.write_str("char"),
            Ty::Unit => f.write_str("()"),
            Ty::Never => f.write_str("!"),
            Ty::Tuple(ts) => {
                f.write_str("(")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                if ts.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
            Ty::Array(t, n) => write!(f, "[{t}; {n}]"),
            Ty::Vec(t) => write!(f, "Vec<{t}>"),
            Ty::Slice(t) => write!(f, "[{t}]"),
            Ty::Str => f.write_str("str"),
            Ty::String => f.write_str("String"),
            Ty::Option(t) => write!(f, "Option<{t}>"),
            Ty::Ref(t, false) => write!(f, "&{t}"),
            Ty::Ref(t, true) => write!(f, "&mut {t}"),
            Ty::Range(t) => write!(f, "Range<{t}>"),
            Ty::Iter(t) => write!(f, "impl Iterator<Item = {t}>"),
            Ty::Closure(_) => f.write_str("{closure}"),
            Ty::Nd(t, n) => write!(f, "Array{n}<{t}>"),
            Ty::NdView(t, n, false) => write!(f, "ArrayView{n}<'_, {t}>"),
            Ty::NdView(t, n, true) => write!(f, "ArrayViewMut{n}<'_, {t}>"),
            Ty::Rng => f.write_str("Generator"),
            Ty::Chunked(_) => f.write_str("Chunked"),
            Ty::Svg => f.write_str("Svg"),
            Ty::NdD(t, _) => write!(f, "ArrayD<{t}>"),
            Ty::Infer(_) => f.write_str("_"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts() {
        assert_eq!(
            Ty::Tuple(vec![Ty::Int(IntTy::I8), Ty::F64]).layout(),
            (16, 8)
        );
        assert_eq!(Ty::Array(Box::new(Ty::F64), 3).layout(), (24, 8));
        assert_eq!(Ty::Option(Box::new(Ty::I32)).layout(), (8, 4));
    }
}
