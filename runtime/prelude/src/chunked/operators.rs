//! `+ - * /` for chunked arrays, with each other and with scalars (either side). A shape mismatch
//! does not panic here: the result carries the broadcast error to `compute`.

use super::graph::BinOp;
use super::Chunked;
use std::ops::{Add, Div, Mul, Neg, Sub};

macro_rules! ops {
    ($tr:ident, $m:ident, $op:ident, $sym:tt) => {
        impl $tr<&Chunked> for &Chunked {
            type Output = Chunked;
            fn $m(self, o: &Chunked) -> Chunked { self.binary(o, BinOp::$op) }
        }
        impl $tr<Chunked> for Chunked {
            type Output = Chunked;
            fn $m(self, o: Chunked) -> Chunked { self.binary(&o, BinOp::$op) }
        }
        impl $tr<&Chunked> for Chunked {
            type Output = Chunked;
            fn $m(self, o: &Chunked) -> Chunked { self.binary(o, BinOp::$op) }
        }
        impl $tr<Chunked> for &Chunked {
            type Output = Chunked;
            fn $m(self, o: Chunked) -> Chunked { self.binary(&o, BinOp::$op) }
        }
        impl $tr<f64> for &Chunked {
            type Output = Chunked;
            fn $m(self, s: f64) -> Chunked { self.map_named(stringify!($m), move |x| x $sym s) }
        }
        impl $tr<f64> for Chunked {
            type Output = Chunked;
            fn $m(self, s: f64) -> Chunked { (&self).$m(s) }
        }
        impl $tr<i32> for &Chunked {
            type Output = Chunked;
            fn $m(self, s: i32) -> Chunked { self.$m(s as f64) }
        }
        impl $tr<i32> for Chunked {
            type Output = Chunked;
            fn $m(self, s: i32) -> Chunked { (&self).$m(s as f64) }
        }
        impl $tr<&Chunked> for f64 {
            type Output = Chunked;
            fn $m(self, x: &Chunked) -> Chunked { x.map_named(stringify!($m), move |v| self $sym v) }
        }
        impl $tr<Chunked> for f64 {
            type Output = Chunked;
            fn $m(self, x: Chunked) -> Chunked { self.$m(&x) }
        }
    };
}
ops!(Add, add, Add, +);
ops!(Sub, sub, Sub, -);
ops!(Mul, mul, Mul, *);
ops!(Div, div, Div, /);

impl Neg for &Chunked {
    type Output = Chunked;
    fn neg(self) -> Chunked {
        self.map_named("neg", |x| -x)
    }
}
impl Neg for Chunked {
    type Output = Chunked;
    fn neg(self) -> Chunked {
        -&self
    }
}
