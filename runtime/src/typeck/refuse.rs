//! Which valid-Rust constructs the subset refuses, so a refusal says "unsupported … use
//! %%rust" (what, where, what to do) instead of rustc's "not found" for names that do exist
//! in Rust: std methods and types outside the subset, external crates.

use crate::abi::ty::Ty;

/// Real methods of std types that the subset does not compile (not exhaustive: the common
/// ones; anything else on these types is reported as rustc's E0599).
const STR_METHODS: &[&str] = &[
    "to_uppercase",
    "to_lowercase",
    "to_ascii_uppercase",
    "to_ascii_lowercase",
    "chars",
    "bytes",
    "char_indices",
    "split",
    "split_whitespace",
    "lines",
    "trim",
    "trim_start",
    "trim_end",
    "starts_with",
    "ends_with",
    "find",
    "rfind",
    "replace",
    "parse",
    "to_string",
    "to_owned",
    "as_str",
    "as_bytes",
    "repeat",
    "contains",
    "is_char_boundary",
    "get",
    "split_at",
    "strip_prefix",
    "strip_suffix",
    "eq_ignore_ascii_case",
    "matches",
    "splitn",
    "rsplit",
    "insert",
    "insert_str",
    "truncate",
    "pop",
    "remove",
    "retain",
    "drain",
    "capacity",
    "reserve",
    "into_bytes",
    "len",
    "is_empty",
    "clear",
];
const SEQ_METHODS: &[&str] = &[
    "sort",
    "sort_unstable",
    "sort_by",
    "sort_by_key",
    "sort_unstable_by",
    "reverse",
    "dedup",
    "retain",
    "drain",
    "iter_mut",
    "windows",
    "chunks",
    "chunks_exact",
    "split_at",
    "split_at_mut",
    "first",
    "last",
    "binary_search",
    "concat",
    "join",
    "get",
    "get_mut",
    "into_iter",
    "append",
    "split_off",
    "rotate_left",
    "rotate_right",
    "starts_with",
    "ends_with",
    "copy_from_slice",
    "clone_from_slice",
    "as_slice",
    "as_mut_slice",
    "capacity",
    "reserve",
    "shrink_to_fit",
    "iter",
    "first_mut",
    "last_mut",
    "splice",
    "extend",
    "position",
    "max",
    "min",
    "sum",
];
const INT_METHODS: &[&str] = &[
    "partial_cmp",
    "cmp",
    "to_string",
    "saturating_div",
    "saturating_neg",
    "saturating_abs",
    "overflowing_add",
    "overflowing_sub",
    "overflowing_mul",
    "to_be_bytes",
    "to_le_bytes",
    "to_ne_bytes",
    "swap_bytes",
    "rotate_left",
    "rotate_right",
    "isqrt",
    "ilog",
    "ilog2",
    "ilog10",
    "is_power_of_two",
    "next_power_of_two",
    "unsigned_abs",
    "leading_ones",
    "trailing_ones",
    "reverse_bits",
    "midpoint",
    "to_owned",
];
const FLOAT_METHODS: &[&str] = &[
    "to_bits",
    "total_cmp",
    "partial_cmp",
    "to_string",
    "sin_cos",
    "is_subnormal",
    "classify",
    "to_int_unchecked",
    "midpoint",
    "next_up",
    "next_down",
    "to_owned",
    "abs_sub",
];
const CHAR_METHODS: &[&str] = &[
    "to_ascii_uppercase",
    "to_ascii_lowercase",
    "to_uppercase",
    "to_lowercase",
    "is_alphabetic",
    "is_alphanumeric",
    "is_whitespace",
    "is_uppercase",
    "is_lowercase",
    "is_ascii",
    "is_ascii_digit",
    "is_ascii_alphabetic",
    "is_numeric",
    "len_utf8",
    "to_string",
    "is_ascii_punctuation",
    "eq_ignore_ascii_case",
];

/// `Some("`str::to_uppercase`")` when `name` is a std method of `recv`'s type that the
/// subset does not compile.
pub fn std_method_outside_subset(recv: &Ty, name: &str) -> Option<String> {
    let (ty, list): (&str, &[&str]) = match recv.peel_refs() {
        Ty::Str => ("str", STR_METHODS),
        Ty::String => ("String", STR_METHODS),
        Ty::Vec(_) => ("Vec", SEQ_METHODS),
        Ty::Slice(_) | Ty::Array(..) => ("slice", SEQ_METHODS),
        Ty::Int(i) => (i.name(), INT_METHODS),
        Ty::Float(crate::abi::ty::FloatTy::F32) => ("f32", FLOAT_METHODS),
        Ty::Float(_) => ("f64", FLOAT_METHODS),
        Ty::Char => ("char", CHAR_METHODS),
        Ty::Option(_) => (
            "Option",
            &[
                "map",
                "and_then",
                "ok_or",
                "unwrap_or_else",
                "unwrap_or_default",
                "filter",
                "take",
                "replace",
                "as_ref",
                "as_mut",
                "iter",
                "copied",
                "cloned",
                "or",
                "or_else",
                "xor",
                "zip",
                "expect",
            ],
        ),
        _ => return None,
    };
    list.contains(&name)
        .then(|| format!("method `{ty}::{name}`"))
}

/// Std types and modules that exist in Rust but not in the subset.
const STD_OUTSIDE: &[&str] = &[
    "HashMap",
    "HashSet",
    "BTreeMap",
    "BTreeSet",
    "VecDeque",
    "BinaryHeap",
    "LinkedList",
    "Box",
    "Rc",
    "Arc",
    "RefCell",
    "Cell",
    "Mutex",
    "RwLock",
    "Weak",
    "Cow",
    "Ordering",
    "Result",
    "Ok",
    "Err",
    "Duration",
    "Instant",
    "SystemTime",
    "PhantomData",
    "Default",
    "Iterator",
    "IntoIterator",
    "Wrapping",
    "Reverse",
    "Path",
    "PathBuf",
    "File",
    "BufReader",
    "BufWriter",
    "Pin",
    "Any",
    "TypeId",
    "NonZeroU32",
    "NonZeroUsize",
    "Saturating",
    "collections",
    "rc",
    "sync",
    "cell",
    "thread",
    "fs",
    "io",
    "env",
    "process",
    "time",
    "net",
    "ptr",
    "mem",
    "iter",
    "fmt",
    "hash",
    "any",
    "borrow",
    "cmp",
    "convert",
    "ops",
    "str",
    "string",
    "char",
    "array",
    "slice",
    "alloc",
    "boxed",
    "marker",
    "num",
    "path",
    "os",
    "hint",
];

/// Why a path (`HashMap::new`, `rand::random`, `Box`) that names nothing in the subset is
/// refused as unsupported rather than "not found": `Some((what, hint))`. `segs` are the
/// path's segments with the cell's `use`s applied and `std::`/`core::` stripped; `raw_first`
/// is the first segment as written.
pub fn path_outside_subset(
    segs: &[String],
    raw: &[String],
    was_std: bool,
) -> Option<(String, Option<String>)> {
    let first = segs.first()?.as_str();
    let raw_first = raw.first()?.as_str();
    let shown = raw.join("::");
    if was_std
        || STD_OUTSIDE.contains(&first)
        || (first == "String" && segs.len() > 1)
        || (first == "Vec" && segs.len() > 1)
    {
        return Some((format!("`{shown}`"), None));
    }
    // `rand::random()`, `ndarray::Array2`: a crate path (lowercase first segment, not a
    // local name) — external crates live in the rustc tier.
    if segs.len() > 1
        && raw_first
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
        && !matches!(raw_first, "self" | "super" | "crate" | "accel" | "ndarray")
    {
        return Some((
            format!("external crate `{raw_first}`"),
            Some(format!(
                "use %%rust for the rustc tier, with `:dep {raw_first}` to add the crate"
            )),
        ));
    }
    None
}
