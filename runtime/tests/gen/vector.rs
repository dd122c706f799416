//! Vectorisable loops (feature `vector_loops`): the shapes the fast tier's loop vectoriser
//! (runtime/src/lower/vectorize.rs) acts on, with the edges that can break it — trip counts
//! of 0, below the lane count and not multiples of it; the last iteration out of bounds (the
//! checked copy must panic the same way); mixed element widths; wrapping per lane; negative
//! values under floor division; constant-trip inner loops; loads from the stored sequence
//! at the same index (allowed) and at another one (must stay scalar).

use super::Gen;

/// Integer element types with the literal range safe for each.
const INTS: &[(&str, i64, i64)] = &[
    ("i8", -128, 127),
    ("u8", 0, 255),
    ("i16", -32768, 32767),
    ("u16", 0, 65535),
    ("i32", -2147483648, 2147483647),
    ("u32", 0, 4294967295),
    ("i64", -9223372036854775807, 9223372036854775807),
    ("u64", 0, 9223372036854775807),
];

fn signed(t: &str) -> bool {
    t.starts_with('i')
}

impl<'a> Gen<'a> {
    fn vec_values(&mut self, t: &str, lo: i64, hi: i64, n: usize) -> String {
        let vals: Vec<String> = (0..n)
            .map(|_| match self.rng.below(6) {
                0 => lo.to_string(),
                1 => hi.to_string(),
                2 => "0".to_string(),
                _ => self.rng.range(lo.max(-300), hi.min(300)).to_string(),
            })
            .map(|v| {
                if v.starts_with('-') {
                    format!("({v}{t})")
                } else {
                    format!("{v}{t}")
                }
            })
            .collect();
        format!("vec![{}]", vals.join(", "))
    }

    /// An integer expression of type `acc` over the loads; depth-bounded.
    fn vec_int_expr(&mut self, acc: &str, tx: &str, ty: &str, has_s: bool, depth: u32) -> String {
        let leaf = depth == 0 || self.rng.chance(30);
        if leaf {
            return match self.rng.below(6) {
                0 | 1 => format!("(x[j + {}] as {acc})", self.rng.below(3)),
                2 => format!("(y[j] as {acc})"),
                3 if has_s => "s".to_string(),
                4 => format!("(c as {acc})"),
                _ => format!("{}{acc}", self.rng.below(20)),
            };
        }
        let a = self.vec_int_expr(acc, tx, ty, has_s, depth - 1);
        match self.rng.below(11) {
            0 => format!(
                "{a}.wrapping_add({})",
                self.vec_int_expr(acc, tx, ty, has_s, depth - 1)
            ),
            1 => format!(
                "({a} - {})",
                self.vec_int_expr(acc, tx, ty, has_s, depth - 1)
            ),
            2 => format!(
                "{a}.wrapping_mul({})",
                self.vec_int_expr(acc, tx, ty, has_s, depth - 1)
            ),
            3 => format!(
                "({a} ^ {})",
                self.vec_int_expr(acc, tx, ty, has_s, depth - 1)
            ),
            4 => format!(
                "({a} & {})",
                self.vec_int_expr(acc, tx, ty, has_s, depth - 1)
            ),
            5 => format!("{a}.div_euclid({}{acc})", 1 + self.rng.below(12)),
            6 => format!("{a}.rem_euclid({}{acc})", 1 + self.rng.below(12)),
            7 => format!("({a} / {}{acc})", 1 + self.rng.below(12)),
            8 => format!("({a} % {}{acc})", 1 + self.rng.below(12)),
            9 => {
                let (n, _, _) = *self.rng.pick(INTS);
                format!("({a} as {n} as {acc})")
            }
            _ => format!(
                "({a} + {})",
                self.vec_int_expr(acc, tx, ty, has_s, depth - 1)
            ),
        }
    }

    /// `fn fv(x: &[TX], y: &[TY], out: &mut [TO], lo: usize, hi: usize, c: i32)` with one
    /// counted loop; returns the element types (for the calls).
    pub fn vector_fn(&mut self) -> (String, String, String) {
        if self.rng.chance(25) {
            return self.vector_float_fn();
        }
        let (tx, _, _) = *self.rng.pick(INTS);
        let (ty, _, _) = *self.rng.pick(&INTS[..4]);
        let (to, _, _) = *self.rng.pick(INTS);
        let acc = *self
            .rng
            .pick(&["i16", "i32", "i64", "u16", "u32", "i8", "u8"]);
        self.emit(format!(
            "fn fv(x: &[{tx}], y: &[{ty}], out: &mut [{to}], lo: usize, hi: usize, c: i32) {{"
        ));
        self.emit("    for j in lo..hi {".into());
        let init = self.vec_int_expr(acc, tx, ty, false, 1);
        self.emit(format!("        let mut s: {acc} = {init};"));
        match self.rng.below(3) {
            0 => {
                let n = *self.rng.pick(&["3", "=2", "2"]);
                self.emit(format!("        for d in 0..{n} {{"));
                self.emit(format!(
                    "            s = s.wrapping_add(x[j + d] as {acc});"
                ));
                self.emit("        }".into());
            }
            1 => {
                let e = self.vec_int_expr(acc, tx, ty, true, 2);
                self.emit(format!("        s = {e};"));
            }
            _ => {}
        }
        let e = self.vec_int_expr(acc, tx, ty, true, 2);
        match self.rng.below(6) {
            0 => self.emit(format!(
                "        out[j] = out[j].wrapping_add(({e}) as {to});"
            )),
            1 => self.emit(format!("        out[j + 1] = out[j] ^ (({e}) as {to});")),
            2 => {
                self.emit(format!("        out[j] = ({e}) as {to};"));
                self.emit(format!("        out[j] = out[j].wrapping_mul(3);"));
            }
            _ => self.emit(format!("        out[j] = ({e}) as {to};")),
        }
        self.emit("    }".into());
        self.emit("}".into());
        (tx.to_string(), ty.to_string(), to.to_string())
    }

    fn vector_float_fn(&mut self) -> (String, String, String) {
        let tf = *self.rng.pick(&["f32", "f64"]);
        let (ty, _, _) = *self.rng.pick(&INTS[..4]);
        self.emit(format!(
            "fn fv(x: &[{tf}], y: &[{ty}], out: &mut [{tf}], lo: usize, hi: usize, c: i32) {{"
        ));
        self.emit("    for j in lo..hi {".into());
        let leaf = |g: &mut Gen| match g.rng.below(4) {
            0 => format!("x[j + {}]", g.rng.below(3)),
            1 => format!("(c as {tf})"),
            2 => format!("{}.5{tf}", g.rng.below(9)),
            _ => "x[j]".to_string(),
        };
        let a = leaf(self);
        let b = leaf(self);
        let d = leaf(self);
        let op1 = *self.rng.pick(&["+", "-", "*", "/"]);
        let op2 = *self.rng.pick(&["+", "-", "*", "/"]);
        let e = match self.rng.below(3) {
            0 => format!("({a} {op1} {b}).sqrt() {op2} {d}"),
            1 => format!("-({a} {op1} {b}) {op2} {d}"),
            _ => format!("{a} {op1} {b} {op2} {d}"),
        };
        self.emit(format!("        out[j] = {e};"));
        self.emit("    }".into());
        self.emit("}".into());
        let _ = ty;
        (tf.to_string(), ty.to_string(), tf.to_string())
    }

    /// Top-level calls of `fv` with lengths and bounds around the lane counts (the last
    /// call may panic out of bounds).
    pub fn vector_calls(&mut self, tys: &(String, String, String)) {
        let range = |t: &str| {
            INTS.iter()
                .find(|(n, _, _)| *n == t)
                .map(|(_, l, h)| (*l, *h))
        };
        let n = *self
            .rng
            .pick(&[0usize, 1, 3, 7, 15, 16, 17, 31, 33, 40, 47, 64]);
        let (tx, ty, to) = tys;
        let xs = match range(tx) {
            Some((l, h)) => self.vec_values(tx, l, h, n + 3),
            None => format!(
                "(0..{}).map(|i| (i as {tx}) * 0.75 - 3.0).collect::<Vec<{tx}>>()",
                n + 3
            ),
        };
        let (yl, yh) = range(ty).unwrap();
        let ys = self.vec_values(ty, yl, yh, n + 1);
        self.emit(format!("let xv: Vec<{tx}> = {xs};"));
        self.emit(format!("let yv: Vec<{ty}> = {ys};"));
        let zero = if range(to).is_some() { "0" } else { "0.0" };
        self.emit(format!("let mut ov: Vec<{to}> = vec![{zero}; {}];", n + 1));
        for _ in 0..1 + self.rng.below(3) {
            let lo = *self.rng.pick(&[0usize, 0, 1, 2, 5]);
            // Mostly in bounds (the vector copy runs); sometimes one past the end.
            let hi = if self.rng.chance(80) {
                self.rng.below(n as u64 + 1) as usize
            } else {
                n + 1 + self.rng.below(2) as usize
            };
            let c = *self
                .rng
                .pick(&["-3", "7", "0", "100", "-100000", "i32::MAX"]);
            self.emit(format!("fv(&xv, &yv, &mut ov, {lo}, {hi}, {c});"));
            self.emit("println!(\"{:?}\", ov);".into());
        }
    }
}
