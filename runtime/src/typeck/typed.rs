//! The typed IR: what `typeck` produces and `lower` consumes. Every node carries its
//! resolved type and the cell-relative span it came from.

use crate::abi::fmt_spec::Spec;
use crate::abi::ty::Ty;
use crate::diag::Span;

pub type LocalId = u32;
pub type LoopId = u32;

#[derive(Debug, Clone)]
pub struct Local {
    pub name: String,
    pub ty: Ty,
    pub mutable: bool,
    pub span: Span,
}

/// A workspace variable (a top-level `let` of an earlier or the current cell), stored
/// in memory owned by the workspace at a fixed address.
#[derive(Debug, Clone)]
pub struct Global {
    pub name: String,
    pub ty: Ty,
    pub addr: usize,
    pub mutable: bool,
    /// Defined by a top-level `let` of the cell being compiled (else an earlier cell's).
    pub new: bool,
}

#[derive(Debug, Clone)]
pub struct Fn {
    pub name: String,
    pub params: Vec<LocalId>,
    pub ret: Ty,
    pub body: Block,
    pub locals: Vec<Local>,
    pub closures: Vec<Closure>,
    pub globals: Vec<Global>,
    pub span: Span,
    /// Variables some `let`-bound view borrows (`typeck/views.rs`): never moved or reassigned.
    pub view_bases: Vec<(super::views::Root, Span)>,
}

#[derive(Debug, Clone)]
pub struct Closure {
    pub params: Vec<Pat>,
    pub param_tys: Vec<Ty>,
    pub ret: Ty,
    pub body: Expr,
    pub span: Span,
    /// `move |..| ..`: owned captures are moved into the closure when it is created.
    pub is_move: bool,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub tail: Option<Box<Expr>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Stmt {
    Let {
        pat: Pat,
        init: Option<Expr>,
        span: Span,
    },
    Expr(Expr),
}

#[derive(Debug, Clone)]
pub enum Pat {
    Bind(LocalId),
    /// A top-level `let` in a cell: stored into workspace variable `globals[i]`.
    Global(usize),
    Wild,
    Tuple(Vec<Pat>),
    /// `&x`: the matched value is a reference; bind what it points to.
    Deref(Box<Pat>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl BinOp {
    pub fn is_cmp(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FmtKind {
    Print,
    Println,
    Eprint,
    Eprintln,
    Format,
    Panic,
}

#[derive(Debug, Clone)]
pub enum FmtPiece {
    Lit(String),
    /// Format `args[arg]` with `spec`; width/precision may name `usize` args.
    Arg {
        arg: usize,
        spec: Spec,
    },
}

#[derive(Debug, Clone)]
pub struct Format {
    pub pieces: Vec<FmtPiece>,
    pub args: Vec<Expr>,
}

/// A match arm pattern on integers/bools/chars, or on an `Option` of them (`if let`, `while let`
/// and `match` with `Some(p)`/`None`).
#[derive(Debug, Clone)]
pub enum MatchPat {
    Wild,
    /// Binds the scrutinee to a local.
    Bind(LocalId),
    Lit(i128),
    Range(i128, i128),
    Or(Vec<MatchPat>),
    /// `Some(p)` on an `Option` scrutinee: the tag is set and the payload matches `p`.
    Some(Box<MatchPat>),
    /// `None` on an `Option` scrutinee.
    None,
}

#[derive(Debug, Clone)]
pub struct Arm {
    pub pat: MatchPat,
    pub guard: Option<Expr>,
    pub body: Expr,
}

/// Std methods and functions of the subset, resolved by `typeck` to concrete types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intr {
    // float unary (libm or instructions)
    FUnary(FUn),
    FBinary(FBin),
    MulAdd,
    Powi,
    IsNan,
    IsFinite,
    IsInfinite,
    IsNormal,
    IsSignNegative,
    IsSignPositive,
    /// `f.clamp(min, max)`: panics unless min <= max (std's message with both values).
    FClamp,
    // integers
    IsPositive,
    IsNegative,
    /// `a.abs_diff(b)`: the unsigned type of the same width.
    AbsDiff,
    /// `i.clamp(min, max)`: panics unless min <= max.
    IClamp,
    IAbs,
    IPow,
    IMin,
    IMax,
    RemEuclid,
    DivEuclid,
    Wrapping(WrapOp),
    Checked(WrapOp),
    /// `saturating_{add,sub,mul,pow}` (std's own functions at run time).
    Saturating(WrapOp),
    Signum,
    CountOnes,
    LeadingZeros,
    TrailingZeros,
    // Vec / slice
    VecNew,
    VecWithCapacity,
    VecPush,
    VecPop,
    Len,
    IsEmpty,
    VecClear,
    VecExtendFromSlice,
    VecResize,
    VecTruncate,
    VecInsert,
    VecRemove,
    Swap,
    SliceFill,
    Clone,
    ToVec,
    Contains,
    // Option
    Unwrap,
    Expect,
    UnwrapOr,
    IsSome,
    IsNone,
    /// `o.unwrap_or_else(|| ..)`: args [option, closure] (the closure runs only on `None`).
    UnwrapOrElse,
    /// `o.map(|x| ..)`: args [option, closure].
    OptMap,
    /// `Option<&T>` → `Option<T>` (`copied`/`cloned`) for scalar `T`: the same bytes.
    OptCopied,
    /// Slice `first()`, `last()`, `get(i)`: `Option<&T>`.
    First,
    Last,
    Get,
    // String
    StringNew,
    PushStr,
    StringPush,
    // char
    CharToDigit,
    CharIsDigit,
    StdSwap,
    /// (seq, lo, hi) → `&seq[lo..hi]`
    SubSlice,
    CmpMin,
    CmpMax,
    /// Dense arrays of the accel prelude (`typeck/arrays.rs`, `lower/arrays.rs`).
    Nd(NdOp),
    /// `Chunked` and `ArrayD` beyond plain shim calls (`typeck/chunked.rs`, `lower/chunked.rs`).
    Ch(ChOp),
    /// `%timeit`'s generated cells only (`__accel_timer_start()` / `__accel_timer_stop()`).
    TimerStart,
    TimerStop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChOp {
    /// `&ArrayD` seen as `&Array1/2` (the same box): identity on a reference.
    AsNd,
    /// An owned array box retyped (`into_dyn()`, `Array` results of `ArrayD` methods): identity,
    /// consuming its operand.
    Retype,
    /// `into_dimensionality::<IxK>().unwrap()`: the number of axes checked at run time; the
    /// operand (an array or a reference to one) is passed through.
    IntoDim(u8),
    /// `shape()` of a `Chunked` or an `ArrayD`: the library's own shape slice (pointer, len).
    Shape,
    /// `chunks()` of a `Chunked`: `&[Vec<usize>]` rows kept in its box (pointer, len).
    Chunks,
    /// The address of a user fn (operand: `K::Call(name, [])`, never evaluated) for
    /// `map_blocks` / `mapv`, which the library calls from its worker threads.
    FnAddr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NdOp {
    /// A call of the shim `nd_<name>[_<elem>]` in `exec::array_rt`; the element suffix comes
    /// from the array (or scalar) type of argument `elem_arg` (255: of the result).
    Shim {
        name: &'static str,
        elem_arg: Option<u8>,
    },
    /// Header reads compiled inline: `nrows()`/`ncols()`, `len()`, `shape()`, `dim()`.
    Dim(u8),
    Len,
    Shape,
    DimTuple,
    /// `a.mapv(f)` (a new array) or `a.mapv_inplace(f)` (unit type): args [array, closure].
    Mapv,
    /// `Array::from_shape_fn(shape, f)`: args [ndim, d0, d1, d2, closure of the index pattern].
    FromShapeFn,
    /// A view of an array (`typeck/views.rs`): op as `exec::view_rt`'s `view` shim takes it,
    /// args [&array, i, j, s![] spec (i64 array), number of s![] elements].
    View(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FUn {
    Sqrt,
    Cbrt,
    Exp,
    Exp2,
    ExpM1,
    Ln,
    Ln1p,
    Log10,
    Log2,
    Sin,
    Cos,
    Tan,
    Sinh,
    Cosh,
    Tanh,
    Asin,
    Acos,
    Atan,
    Asinh,
    Acosh,
    Atanh,
    Abs,
    Floor,
    Ceil,
    Round,
    Trunc,
    Fract,
    Signum,
    Recip,
    ToRadians,
    ToDegrees,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FBin {
    Powf,
    Atan2,
    Hypot,
    Min,
    Max,
    Log,
    Copysign,
    RemEuclid,
    DivEuclid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrapOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Neg,
    Pow,
    Shl,
    Shr,
}

/// Where an iteration gets its items.
#[derive(Debug, Clone)]
pub enum IterSrc {
    /// `a..b` / `a..=b` over an integer type.
    Range {
        start: Box<Expr>,
        end: Box<Expr>,
        inclusive: bool,
    },
    /// Elements of a Vec/slice/array (the expr is a place or a reference to one);
    /// `by_ref` items are `&T` (`.iter()`, `&v`), otherwise `T` copied (`.into_iter()` on Copy, `.copied()`).
    Elems { seq: Box<Expr>, by_ref: bool },
}

#[derive(Debug, Clone)]
pub enum Adapter {
    Map(u32),
    Filter(u32),
    Enumerate,
    Rev,
    Take(Box<Expr>),
    Skip(Box<Expr>),
    StepBy(Box<Expr>),
    Zip(Box<IterExpr>),
    Chain(Box<IterExpr>),
    /// `.copied()` / `.cloned()` on `&T` items: items become `T` (same machine value).
    Copied,
}

#[derive(Debug, Clone)]
pub struct IterExpr {
    pub src: IterSrc,
    pub adapters: Vec<Adapter>,
    pub item: Ty,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Consumer {
    Sum,
    Product,
    Count,
    Min,
    Max,
    /// fold(init, closure)
    Fold(Box<Expr>, u32),
    Any(u32),
    All(u32),
    ForEach(u32),
    Collect,
    Last,
    /// `position(pred)`: `Option<usize>`.
    Position(u32),
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Int(i128),
    Float(f64),
    /// A float literal's digits, parsed for its final type by `resolve` (f32 rounds once).
    FloatLit(String),
    Bool(bool),
    Char(char),
    Str(String),
    Unit,
    Local(LocalId),
    Global(usize),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    /// `*e`, or an implicit deref inserted for `&T` operands.
    Deref(Box<Expr>),
    Ref(Box<Expr>, bool),
    /// `&Vec<T>`/`&[T; N]` → `&[T]` (deref / unsize coercion).
    ToSlice(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Assign(Box<Expr>, Box<Expr>),
    OpAssign(BinOp, Box<Expr>, Box<Expr>),
    Cast(Box<Expr>),
    If(Box<Expr>, Box<Expr>, Option<Box<Expr>>),
    Block(Block),
    While {
        id: LoopId,
        cond: Box<Expr>,
        body: Block,
    },
    Loop {
        id: LoopId,
        body: Block,
    },
    For {
        id: LoopId,
        pat: Pat,
        iter: IterExpr,
        body: Block,
    },
    Break {
        id: LoopId,
        value: Option<Box<Expr>>,
    },
    Continue(LoopId),
    Return(Option<Box<Expr>>),
    Call(String, Vec<Expr>),
    CallClosure(u32, Vec<Expr>),
    Intrinsic(Intr, Vec<Expr>),
    Index(Box<Expr>, Box<Expr>),
    Field(Box<Expr>, u32),
    Tuple(Vec<Expr>),
    Array(Vec<Expr>),
    ArrayRepeat(Box<Expr>, u64),
    VecLit(Vec<Expr>),
    VecRepeat(Box<Expr>, Box<Expr>),
    Match(Box<Expr>, Vec<Arm>),
    Format(FmtKind, Format),
    Assert {
        cond: Box<Expr>,
        msg: Option<Format>,
        text: String,
    },
    AssertEq {
        l: Box<Expr>,
        r: Box<Expr>,
        eq: bool,
        msg: Option<Format>,
    },
    Unreachable(Option<Format>),
    Some(Box<Expr>),
    None,
    /// An iterator pipeline run by a consumer.
    Consume(IterExpr, Consumer),
    /// A closure value (its code is inlined where it is called).
    Closure(u32),
}

impl Expr {
    pub fn new(kind: ExprKind, ty: Ty, span: Span) -> Expr {
        Expr { kind, ty, span }
    }
}
