//! End-to-end tests of fixes found by the differential test (`tests/differential.rs`): numeric
//! methods, number formatting, slice ranges; expected texts are rustc's real output.

use crate::api::*;
use crate::FastTier;

use crate::e2e_tests::{panic_msg, run};

fn stdout_of(src: &str) -> String {
    let (r, out) = run(&mut FastTier::new(), src);
    r.unwrap_or_else(|e| panic!("{src}\n=> {e:?}"));
    out
}

#[test]
fn signum_of_i8_compiles() {
    // `signum` on i8 extended the i8 comparison result to i8 (a Cranelift verifier error).
    let src =
        "let a = -7i8;\nprintln!(\"{:?}\", (a.signum(), (a + 7).signum(), (a as i16).signum()));";
    assert_eq!(stdout_of(src), "(-1, 0, -1)\n");
}

#[test]
fn exponent_formats_with_width_and_precision() {
    // `{:.3e}` was refused ("expected a precision after `.`": the `e` was read as part of the
    // count) and integers ignored the precision of `{:e}`.
    let src = "println!(\"{:.3e} {:e} {:.0e} {:10.2e}| {:E} {:+.1e} {:>9.2E}|\", 12345i32, 1200u64, 25i32, -98765i64, 1e7f64, 0.0f32, 0.000123f64);";
    assert_eq!(
        stdout_of(src),
        "1.234e4 1.2e3 2e1    -9.88e4| 1E7 +0.0e0   1.23E-4|\n"
    );
}

#[test]
fn abs_diff_wrapping_abs_sign_and_normal_tests() {
    let src = "println!(\"{:?}\", ((-3i8).abs_diff(100), 5u8.abs_diff(200), i64::MIN.abs_diff(i64::MAX), i8::MIN.wrapping_abs(), (-5i32).is_positive(), (-5i32).is_negative()));\n\
               println!(\"{:?}\", ((-0.0f64).is_sign_negative(), f64::NAN.is_sign_positive(), 1e-310f64.is_normal(), 1.0f32.is_normal(), f32::INFINITY.is_normal()));";
    assert_eq!(
        stdout_of(src),
        "(103, 195, 18446744073709551615, -128, false, true)\n(true, true, false, true, false)\n"
    );
}

#[test]
fn clamp_of_ints_and_floats() {
    let src = "println!(\"{:?}\", (300i32.clamp(-5, 9), (-4i8).clamp(-3, 3), 7u16.clamp(8, 8), f64::NAN.clamp(0.0, 1.0), (-0.0f32).clamp(0.0, 1.0), 2.5f64.clamp(-1.0, 1.0)));";
    assert_eq!(stdout_of(src), "(9, -3, 8, NaN, -0.0, 1.0)\n");
    assert_eq!(
        panic_msg("let a = -7i8;\na.clamp(3, -100)"),
        "min > max. min = 3, max = -100"
    );
    assert_eq!(
        panic_msg("let a = 200u8;\na.clamp(250, 10)"),
        "min > max. min = 250, max = 10"
    );
    assert_eq!(
        panic_msg("let a = 1.5f32;\na.clamp(0.1, f32::NAN)"),
        "min > max, or either was NaN. min = 0.1, max = NaN"
    );
}

#[test]
fn slice_range_messages_check_the_start_first() {
    // rustc 1.95 reports a start past the length before an inverted range or a long end, and
    // shows an inclusive end as written (`..=usize::MAX` did not panic at all: h + 1 wrapped).
    let cases = [
        (
            "3..5",
            "range start index 3 out of range for slice of length 2",
        ),
        (
            "4..3",
            "range start index 4 out of range for slice of length 2",
        ),
        ("2..1", "slice index starts at 2 but ends at 1"),
        (
            "1..3",
            "range end index 3 out of range for slice of length 2",
        ),
        (
            "3..3",
            "range start index 3 out of range for slice of length 2",
        ),
        ("1..0", "slice index starts at 1 but ends at 0"),
        (
            "3..",
            "range start index 3 out of range for slice of length 2",
        ),
        (
            "..3",
            "range end index 3 out of range for slice of length 2",
        ),
        (
            "1..=2",
            "range end index 2 out of range for slice of length 2",
        ),
        (
            "0..=5",
            "range end index 5 out of range for slice of length 2",
        ),
        ("2..=0", "slice index starts at 2 but ends at 1"),
        (
            "3..=1",
            "range start index 3 out of range for slice of length 2",
        ),
        (
            "0..=usize::MAX",
            "range end index 18446744073709551615 out of range for slice of length 2",
        ),
        (
            "5..=usize::MAX",
            "range start index 5 out of range for slice of length 2",
        ),
    ];
    for (r, want) in cases {
        let src = format!("let v = vec![1, 2];\nlet s = &v[{r}];\ns.len()");
        assert_eq!(panic_msg(&src), want, "{r}");
    }
    let ok = "let v = vec![1, 2, 3];\nlet s = &v[1..=2];\nlet t = &v[3..];\nlet u = &v[0..=0];\nprintln!(\"{:?} {:?} {:?}\", s, t, u);";
    assert_eq!(stdout_of(ok), "[2, 3] [] [1]\n");
}

#[test]
fn sign_tests_on_unsigned_ints_are_e0599() {
    // Signed-only methods on an unsigned int are rustc's E0599, not an unsupported method.
    let (r, _) = run(
        &mut FastTier::new(),
        "let a = 5u32;\nlet b = a.is_positive();",
    );
    match r {
        Err(Failure::Compile(d)) => {
            assert_eq!(
                (d[0].line, d[0].col, d[0].message.as_str()),
                (
                    2,
                    11,
                    "no method named `is_positive` found for type `u32` in the current scope"
                )
            );
            assert!(
                d[0].rendered.contains("E0599")
                    && d[0].rendered.contains("method not found in `u32`"),
                "{}",
                d[0].rendered
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn assert_message_breaks_around_the_eq_of_an_if_let() {
    // rustc's pretty-printer puts breakable spaces around the `=` of `let PAT = e` (`print_let`);
    // the `let` condition was printed as one unbreakable word.
    let short = "let a = 3u8;\nassert!((a - 0) <= ((if let Some(o23) = (255u8).checked_rem(234u8) { 0u8 } else { 255u8 })).wrapping_add((if let Some(o24) = (0u8).checked_sub(254u8) { 255u8 } else { 0u8 })));";
    assert_eq!(
        panic_msg(short),
        "assertion failed: (a - 0) <=\n    ((if let Some(o23) = (255u8).checked_rem(234u8) {\n                    0u8\n                } else {\n                    255u8\n                })).wrapping_add((if let Some(o24) = (0u8).checked_sub(254u8)\n                {\n                255u8\n            } else { 0u8 }))"
    );
    let long = "assert!((((match (-2147483648i32) { -11..=55797 => 1u8, _ => 253u8 }) - 0) <= ((if let Some(o23) = (255u8).checked_rem(234u8) { 0u8 } else { 255u8 })).wrapping_add((if let Some(o24) = (0u8).checked_sub(254u8) { 255u8 } else { 0u8 }))));";
    assert_eq!(
        panic_msg(long),
        "assertion failed: (((match (-2147483648i32) { -11..=55797 => 1u8, _ => 253u8, }) - 0) <=\n        ((if let Some(o23) = (255u8).checked_rem(234u8) {\n                        0u8\n                    } else {\n                        255u8\n                    })).wrapping_add((if let Some(o24) =\n                        (0u8).checked_sub(254u8) {\n                    255u8\n                } else { 0u8 })))"
    );
}
