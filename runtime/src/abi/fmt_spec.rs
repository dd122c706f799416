//! A `{}`'s format spec (Rust's `format_spec`), as parsed from a format string at compile time
//! and interned in the cell's tables (`abi::tables`) for the runtime's formatter.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
    Unknown,
}

/// How one `{}` is to be formatted (Rust's `format_spec`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub fill: char,
    pub align: Align,
    pub plus: bool,
    pub alternate: bool,
    pub zero: bool,
    pub width: Count,
    pub precision: Count,
    /// "", "?", "x", "X", "o", "b", "e", "E"
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Count {
    None,
    Lit(usize),
    /// index into the argument list (a `usize` argument)
    Arg(usize),
}

/// `{}` (or `{:?}`) with nothing else given.
pub fn default_spec(debug: bool) -> Spec {
    Spec {
        fill: ' ',
        align: Align::Unknown,
        plus: false,
        alternate: false,
        zero: false,
        width: Count::None,
        precision: Count::None,
        kind: if debug { "?".into() } else { String::new() },
    }
}
