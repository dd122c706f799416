//! numpy's `repr` layout for dense arrays: `array([[1. , 2.5],\n       [3. , 4. ]])`.
//!
//! A port of the rules in numpy's `arrayprint.py` (numpy ≥ 1.14 defaults): line width 75,
//! summarisation above 1000 elements with 3 edge items and `...`, float mode `maxprec` with
//! precision 8 (each value at most 8 fractional digits, trailing zeros trimmed, columns aligned on
//! the decimal point), scientific notation when the largest magnitude is ≥ 1e8 or the smallest
//! non-zero is < 1e-4 or their ratio exceeds 1000, and the dtype appended for non-default types.

use crate::dense::element::Element;
use ndarray::{ArrayViewD, Axis, IxDyn};

const LINE_WIDTH: usize = 75;
const THRESHOLD: usize = 1000;
const EDGE: usize = 3;

/// numpy's `repr(a)`.
pub fn array_repr<A: Element>(a: ArrayViewD<'_, A>) -> String {
    repr_with(a, "array(")
}

pub(crate) fn repr_with<A: Element>(a: ArrayViewD<'_, A>, prefix: &str) -> String {
    // numpy ≥ 2.2: the shape is appended when it cannot be read off the text (empty arrays
    // other than (0,), summarised arrays), the dtype when it is not implied by the values
    let implied = matches!(A::DTYPE, "float64" | "int64" | "bool");
    let body = if a.is_empty() {
        "[]".to_string()
    } else {
        array2string(a.view(), prefix.len(), 1)
    };
    let mut extras = vec![];
    if (a.is_empty() && a.shape() != [0]) || a.len() > THRESHOLD {
        extras.push(format!("shape={}", crate::error::shape_tuple(a.shape())));
    }
    if !implied || a.is_empty() {
        extras.push(format!("dtype={}", A::DTYPE));
    }
    if extras.is_empty() {
        return format!("{prefix}{body})");
    }
    let s = format!("{prefix}{body},");
    let extra = extras.join(", ") + ")";
    let last = s.len() - s.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let spacer = if last + extra.len() + 1 > LINE_WIDTH {
        format!("\n{}", " ".repeat(prefix.len()))
    } else {
        " ".into()
    };
    s + &spacer + &extra
}

/// numpy's `str(a)`-style body (no prefix), used inside HTML previews.
pub fn array_str<A: Element>(a: ArrayViewD<'_, A>) -> String {
    if a.is_empty() {
        return "[]".into();
    }
    array2string(a, 0, 0)
}

fn array2string<A: Element>(a: ArrayViewD<'_, A>, prefix_len: usize, suffix_len: usize) -> String {
    let summarize = a.len() > THRESHOLD;
    let fmt = Formatter::new(&a, summarize);
    if a.ndim() == 0 {
        return fmt.format(*a.first().unwrap());
    }
    let hanging = " ".repeat(prefix_len + 1);
    let mut idx = Vec::with_capacity(a.ndim());
    recurse(
        &a,
        &fmt,
        summarize,
        &mut idx,
        &hanging,
        LINE_WIDTH - suffix_len,
    )
}

fn extend_line(s: &mut String, line: &mut String, word: &str, width: usize, prefix: &str) {
    if line.len() + word.len() > width && line.len() > prefix.len() {
        s.push_str(line.trim_end());
        s.push('\n');
        *line = prefix.to_string();
    }
    line.push_str(word);
}

fn recurse<A: Element>(
    a: &ArrayViewD<'_, A>,
    fmt: &Formatter,
    summarize: bool,
    idx: &mut Vec<usize>,
    hanging: &str,
    width: usize,
) -> String {
    let axis = idx.len();
    let left = a.ndim() - axis;
    if left == 0 {
        return fmt.format(a[IxDyn(idx)]);
    }
    let next_hanging = format!("{hanging} ");
    let next_width = width - 1;
    let n = a.len_of(Axis(axis));
    let show = summarize && 2 * EDGE < n;
    let (lead, trail): (Vec<usize>, Vec<usize>) = if show {
        ((0..EDGE).collect(), (n - EDGE..n).collect())
    } else {
        (vec![], (0..n).collect())
    };
    let mut s = String::new();
    if left == 1 {
        let elem_width = width - 1;
        let mut line = hanging.to_string();
        for &i in &lead {
            idx.push(i);
            let w = recurse(a, fmt, summarize, idx, &next_hanging, next_width);
            idx.pop();
            extend_line(&mut s, &mut line, &w, elem_width, hanging);
            line.push_str(", ");
        }
        if show {
            extend_line(&mut s, &mut line, "...", elem_width, hanging);
            line.push_str(", ");
        }
        for (k, &i) in trail.iter().enumerate() {
            idx.push(i);
            let w = recurse(a, fmt, summarize, idx, &next_hanging, next_width);
            idx.pop();
            let last = k + 1 == trail.len();
            extend_line(
                &mut s,
                &mut line,
                &w,
                if last { width } else { elem_width },
                hanging,
            );
            if !last {
                line.push_str(", ");
            }
        }
        s.push_str(&line);
    } else {
        let line_sep = format!(",{}", "\n".repeat(left - 1));
        let items: Vec<Option<usize>> = lead
            .iter()
            .map(|&i| Some(i))
            .chain(show.then_some(None))
            .chain(trail.iter().map(|&i| Some(i)))
            .collect();
        for (k, it) in items.iter().enumerate() {
            s.push_str(hanging);
            match it {
                Some(i) => {
                    idx.push(*i);
                    s.push_str(&recurse(a, fmt, summarize, idx, &next_hanging, next_width));
                    idx.pop();
                }
                None => s.push_str("..."),
            }
            if k + 1 < items.len() {
                s.push_str(&line_sep);
            }
        }
    }
    format!("[{}]", &s[hanging.len()..])
}

/// Per-array formatting decisions (numpy's `FloatingFormat` / `IntegerFormat` / `BoolFormat`).
struct Formatter {
    kind: Kind,
}

enum Kind {
    Bool,
    Int {
        width: usize,
    },
    Fixed {
        pad_left: usize,
        pad_right: usize,
    },
    Sci {
        pad_left: usize,
        prec: usize,
        exp_digits: usize,
    },
}

/// Split "m.ffff" into (int part, frac part); text without a '.' gets an empty fraction.
fn split_point(s: &str) -> (&str, &str) {
    match s.find('.') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    }
}

fn positional<A: Element>(x: A) -> String {
    let s = x.fmt_short();
    let (_, frac) = split_point(&s);
    let s = if frac.len() > 8 {
        let t = x.fmt_fixed(8);
        t.trim_end_matches('0').to_string()
    } else {
        s
    };
    if s.contains('.') {
        s
    } else {
        s + "."
    }
}

/// (mantissa, exponent) numpy-style: mantissa shortest (≤ 8 fractional digits), exponent as i32.
fn scientific<A: Element>(x: A) -> (String, i32) {
    let s = x.fmt_sci(None);
    let (m, e) = s.split_once('e').unwrap();
    let (_, frac) = split_point(m);
    let (m, e) = if frac.len() > 8 {
        let t = x.fmt_sci(Some(8));
        let (m, e) = t.split_once('e').unwrap();
        (m.trim_end_matches('0').to_string(), e.to_string())
    } else {
        (m.to_string(), e.to_string())
    };
    (m, e.parse().unwrap())
}

impl Formatter {
    fn new<A: Element>(a: &ArrayViewD<'_, A>, summarize: bool) -> Formatter {
        let vals: Vec<A> = if summarize {
            edge_values(a)
        } else {
            a.iter().copied().collect()
        };
        if A::IS_BOOL {
            return Formatter { kind: Kind::Bool };
        }
        if !A::IS_FLOAT {
            let width = vals.iter().map(|x| x.fmt_short().len()).max().unwrap_or(0);
            return Formatter {
                kind: Kind::Int { width },
            };
        }
        let finite: Vec<A> = vals
            .iter()
            .copied()
            .filter(|x| x.to_f64().is_finite())
            .collect();
        let nz: Vec<f64> = finite
            .iter()
            .map(|x| x.to_f64().abs())
            .filter(|&x| x != 0.0)
            .collect();
        let mut exp = false;
        if !nz.is_empty() {
            let max = nz.iter().cloned().fold(f64::MIN, f64::max);
            let min = nz.iter().cloned().fold(f64::MAX, f64::min);
            exp = max >= 1e8 || min < 1e-4 || max / min > 1e3;
        }
        let has_nonfinite = finite.len() != vals.len();
        let neginf = vals.iter().any(|x| x.to_f64() == f64::NEG_INFINITY);
        let mut kind = if finite.is_empty() {
            Kind::Fixed {
                pad_left: 0,
                pad_right: 0,
            }
        } else if exp {
            let parts: Vec<(String, i32)> = finite.iter().map(|&x| scientific(x)).collect();
            let pad_left = parts
                .iter()
                .map(|(m, _)| split_point(m).0.len())
                .max()
                .unwrap();
            let prec = parts
                .iter()
                .map(|(m, _)| split_point(m).1.len())
                .max()
                .unwrap();
            let exp_digits = parts
                .iter()
                .map(|(_, e)| e.unsigned_abs().to_string().len())
                .max()
                .unwrap()
                .max(2);
            Kind::Sci {
                pad_left,
                prec,
                exp_digits,
            }
        } else {
            let strs: Vec<String> = finite.iter().map(|&x| positional(x)).collect();
            let pad_left = strs.iter().map(|s| split_point(s).0.len()).max().unwrap();
            let pad_right = strs.iter().map(|s| split_point(s).1.len()).max().unwrap();
            Kind::Fixed {
                pad_left,
                pad_right,
            }
        };
        if has_nonfinite {
            let right = match &kind {
                Kind::Fixed { pad_right, .. } => *pad_right,
                Kind::Sci {
                    prec, exp_digits, ..
                } => prec + exp_digits + 2,
                _ => 0,
            };
            let need = (3 + neginf as usize).saturating_sub(right + 1);
            match &mut kind {
                Kind::Fixed { pad_left, .. } | Kind::Sci { pad_left, .. } => {
                    *pad_left = (*pad_left).max(need)
                }
                _ => {}
            }
        }
        Formatter { kind }
    }

    fn format<A: Element>(&self, x: A) -> String {
        match &self.kind {
            Kind::Bool => format!("{:>5}", x.fmt_short()),
            Kind::Int { width } => format!("{:>w$}", x.fmt_short(), w = width),
            _ if !x.to_f64().is_finite() => {
                let f = x.to_f64();
                let t = if f.is_nan() {
                    "nan"
                } else if f < 0.0 {
                    "-inf"
                } else {
                    "inf"
                };
                let total = match &self.kind {
                    Kind::Fixed {
                        pad_left,
                        pad_right,
                    } => pad_left + pad_right + 1,
                    Kind::Sci {
                        pad_left,
                        prec,
                        exp_digits,
                    } => pad_left + prec + exp_digits + 3,
                    _ => 0,
                };
                format!("{t:>total$}")
            }
            Kind::Fixed {
                pad_left,
                pad_right,
            } => {
                let s = positional(x);
                let (i, f) = split_point(&s);
                format!("{i:>pad_left$}.{f:<pad_right$}")
            }
            Kind::Sci {
                pad_left,
                prec,
                exp_digits,
            } => {
                let (m, e) = scientific(x);
                let (i, f) = split_point(&m);
                let sign = if e < 0 { '-' } else { '+' };
                format!(
                    "{i:>pad_left$}.{f:0<prec$}e{sign}{:0>exp_digits$}",
                    e.unsigned_abs()
                )
            }
        }
    }
}

/// The values a summarised print shows (numpy's `_leading_trailing`), in any order.
fn edge_values<A: Element>(a: &ArrayViewD<'_, A>) -> Vec<A> {
    // select axis by axis so that at most 6 slabs of the big array are ever copied
    let mut owned: Option<ndarray::ArrayD<A>> = None;
    for ax in 0..a.ndim() {
        let n = a.len_of(Axis(ax));
        if n > 2 * EDGE {
            let keep: Vec<usize> = (0..EDGE).chain(n - EDGE..n).collect();
            owned = Some(match &owned {
                Some(o) => o.select(Axis(ax), &keep),
                None => a.select(Axis(ax), &keep),
            });
        }
    }
    match owned {
        Some(o) => o.iter().copied().collect(),
        None => a.iter().copied().collect(),
    }
}
