//! Names of the float methods that map one-to-one onto a `FUn` / `FBin` intrinsic.

use super::typed::{FBin, FUn};

/// The float method `n` with no argument, as a `FUn`.
pub fn fun_of(n: &str) -> Option<FUn> {
    use FUn::*;
    Some(match n {
        "sqrt" => Sqrt,
        "cbrt" => Cbrt,
        "exp" => Exp,
        "exp2" => Exp2,
        "exp_m1" => ExpM1,
        "ln" => Ln,
        "ln_1p" => Ln1p,
        "log10" => Log10,
        "log2" => Log2,
        "sin" => Sin,
        "cos" => Cos,
        "tan" => Tan,
        "sinh" => Sinh,
        "cosh" => Cosh,
        "tanh" => Tanh,
        "asin" => Asin,
        "acos" => Acos,
        "atan" => Atan,
        "asinh" => Asinh,
        "acosh" => Acosh,
        "atanh" => Atanh,
        "abs" => Abs,
        "floor" => Floor,
        "ceil" => Ceil,
        "round" => Round,
        "trunc" => Trunc,
        "fract" => Fract,
        "signum" => Signum,
        "recip" => Recip,
        "to_radians" => ToRadians,
        "to_degrees" => ToDegrees,
        _ => return None,
    })
}

/// The float method `n` with one float argument, as a `FBin`.
pub fn fbin_of(n: &str) -> Option<FBin> {
    use FBin::*;
    Some(match n {
        "powf" => Powf,
        "atan2" => Atan2,
        "hypot" => Hypot,
        "min" => Min,
        "max" => Max,
        "log" => Log,
        "copysign" => Copysign,
        "rem_euclid" => RemEuclid,
        "div_euclid" => DivEuclid,
        _ => return None,
    })
}
