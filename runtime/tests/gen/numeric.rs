//! Numeric edges (feature `num_edges`): constants at the edges (NaN, ±inf, -0.0, MIN/MAX,
//! EPSILON, MIN_POSITIVE), more integer and float methods, and `{:e}`/`{:E}` printing
//! (see `spec`). f32 transcendentals stay out for the reason given in `float_method`.

use super::ty::Ty;
use super::Gen;

impl<'a> Gen<'a> {
    /// An edge constant of type `t`.
    pub fn edge_value(&mut self, t: Ty) -> String {
        let n = t.name();
        match t {
            Ty::Bool => self.lit(t, true),
            t if t.is_int() => {
                let mut c = vec![
                    format!("{n}::MAX"),
                    format!("{n}::MIN"),
                    format!("0{n}"),
                    format!("1{n}"),
                ];
                if t.is_signed() {
                    c.push(format!("(-1{n})"));
                }
                self.rng.pick(&c).clone()
            }
            _ => self
                .rng
                .pick(&[
                    format!("{n}::NAN"),
                    format!("{n}::INFINITY"),
                    format!("{n}::NEG_INFINITY"),
                    format!("(-0.0{n})"),
                    format!("0.0{n}"),
                    format!("{n}::MAX"),
                    format!("{n}::MIN"),
                    format!("{n}::EPSILON"),
                    format!("{n}::MIN_POSITIVE"),
                    format!("(-1.0{n})"),
                ])
                .clone(),
        }
    }

    /// A literal of int type `t` in `lo..=hi` (clamped to the type).
    fn int_lit_in(&mut self, t: Ty, lo: i64, hi: i64) -> String {
        let v = (self.rng.range(lo, hi) as i128).clamp(t.min(), t.max());
        self.int_lit_of(t, v, true)
    }

    pub fn int_edge_method(&mut self, t: Ty, d: u32) -> String {
        let a = self.expr(t, d - 1);
        match self.rng.below(9) {
            0 if t.is_signed() => format!("({a}).signum()"),
            0 => format!("({a}).abs_diff({})", self.expr(t, d - 1)),
            1 => {
                let (x, y) = (self.int_lit_in(t, -50, 100), self.int_lit_in(t, -50, 100));
                // `clamp(min, max)` with min > max panics: sometimes on purpose.
                let (lo, hi) = if self.rng.chance(90) {
                    order(t, x, y)
                } else {
                    (x, y)
                };
                format!("({a}).clamp({lo}, {hi})")
            }
            2 => format!("({a}).wrapping_neg()"),
            3 => format!(
                "({a}).{}({})",
                self.rng
                    .pick(&["wrapping_div", "wrapping_rem", "rem_euclid", "div_euclid"]),
                self.edge_or_expr(t, d)
            ),
            4 => format!(
                "({a}).{}({})",
                self.rng
                    .pick(&["saturating_add", "saturating_sub", "saturating_mul"]),
                self.expr(t, d - 1)
            ),
            5 => format!("({a}).wrapping_pow({})", self.rng.below(70)),
            6 if t == Ty::U32 => {
                let s = *self.rng.pick(&super::ty::INTS);
                format!(
                    "({}).{}()",
                    self.expr(s, d - 1),
                    self.rng
                        .pick(&["count_ones", "leading_zeros", "trailing_zeros"])
                )
            }
            7 if t.is_signed() => format!("({a}).wrapping_abs()"),
            _ => format!(
                "({a}).{}({})",
                self.rng.pick(&["min", "max"]),
                self.edge_value(t)
            ),
        }
    }

    /// A divisor that is often an edge: 0, -1, MIN, MAX, negative.
    fn edge_or_expr(&mut self, t: Ty, d: u32) -> String {
        match self.rng.below(3) {
            0 => self.edge_value(t),
            1 => self.int_lit_in(t, -9, 9),
            _ => self.expr(t, d - 1),
        }
    }

    pub fn float_edge_method(&mut self, t: Ty, d: u32) -> String {
        let a = if self.rng.chance(40) {
            self.edge_value(t)
        } else {
            self.expr(t, d - 1)
        };
        let b = if self.rng.chance(40) {
            self.edge_value(t)
        } else {
            self.expr(t, d - 1)
        };
        let exact: &[&str] = &[
            "fract",
            "recip",
            "to_degrees",
            "abs",
            "signum",
            "round",
            "trunc",
            "sqrt",
            "floor",
            "ceil",
        ];
        let libm64: &[&str] = &[
            "exp2", "cbrt", "sinh", "cosh", "asin", "acos", "exp_m1", "ln_1p", "sin", "cos", "exp",
            "ln", "log10", "log2", "atan",
        ];
        match self.rng.below(7) {
            0 | 1 => {
                let m = if t == Ty::F64 && self.rng.chance(50) {
                    self.rng.pick(libm64)
                } else {
                    self.rng.pick(exact)
                };
                format!("({a}).{m}()")
            }
            2 => {
                let m = self
                    .rng
                    .pick(&["min", "max", "copysign", "rem_euclid", "div_euclid"]);
                // `a.copysign(NaN)` is ±|a|: the sign of the NaN, which Rust leaves open.
                let b = if *m == "copysign" { not_nan(t, &b) } else { b };
                format!("({a}).{m}({b})")
            }
            3 if t == Ty::F64 => format!(
                "({a}).{}({b})",
                self.rng.pick(&["powf", "hypot", "atan2", "log"])
            ),
            4 => {
                if self.rng.chance(20) {
                    // Possibly min > max or NaN: std's panic.
                    return format!(
                        "({a}).clamp({}, {})",
                        self.edge_value(t),
                        self.edge_value(t)
                    );
                }
                let (x, y) = (self.lit(t, true), self.lit(t, true));
                format!("({a}).clamp({x}.min({y}), {x}.max({y}))")
            }
            5 => format!("({a}).mul_add({b}, {})", self.expr(t, d - 1)),
            _ => format!("({a}).powi({})", self.rng.pick(&["0", "1", "2", "-1"])),
        }
    }

    pub fn edge_bool(&mut self, d: u32) -> String {
        if self.f.on("float") && self.rng.chance(60) {
            let t = *self.rng.pick(&super::ty::FLOATS);
            let a = if self.rng.chance(50) {
                self.edge_value(t)
            } else {
                self.expr(t, d - 1)
            };
            let m = self.rng.pick(&[
                "is_nan",
                "is_infinite",
                "is_finite",
                "is_sign_negative",
                "is_sign_positive",
                "is_normal",
            ]);
            if m.starts_with("is_sign") {
                return format!("({}).{m}()", not_nan(t, &a));
            }
            return format!("({a}).{m}()");
        }
        let t = *self
            .rng
            .pick(&[Ty::I8, Ty::I16, Ty::I32, Ty::I64, Ty::Isize]);
        let a = self.expr(t, d - 1);
        format!("({a}).{}()", self.rng.pick(&["is_positive", "is_negative"]))
    }
}

/// `a`, or 1 where it is NaN: for the operations that would show a NaN's sign bit. Rust leaves
/// the sign of a NaN an operation makes unspecified (RFC 3514), and rustc's constant folder
/// and the hardware do pick differently (`-70.811f32 % 0.0` folds to +NaN, `fmod` gives -NaN).
/// Everything else about NaN is fixed: `{:?}` prints `NaN` whatever its sign, `min`/`max`
/// return the other operand, comparisons are false, `as` gives 0.
fn not_nan(t: Ty, a: &str) -> String {
    let n = t.name();
    format!("{{ let v: {n} = {a}; if v.is_nan() {{ 1.0{n} }} else {{ v }} }}")
}

fn order(t: Ty, x: String, y: String) -> (String, String) {
    let val = |s: &str| -> i128 {
        s.trim_matches(|c| c == '(' || c == ')')
            .trim_end_matches(t.name())
            .parse()
            .unwrap_or(0)
    };
    if val(&x) <= val(&y) {
        (x, y)
    } else {
        (y, x)
    }
}
