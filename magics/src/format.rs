//! IPython's text for timings, reproduced exactly (IPython 9, IPython/core/magics/execution.py:
//! `_format_time`, `TimeitResult.__str__`, and the `%time` lines). One formatter serves both tiers.

/// IPython's units when stdout can encode them: the micro sign is U+03BC GREEK SMALL LETTER MU.
const UNITS: [&str; 4] = ["s", "ms", "\u{3bc}s", "ns"];
const SCALING: [f64; 4] = [1.0, 1e3, 1e6, 1e9];

/// `_format_time(timespan, precision)`.
pub fn format_time(timespan: f64, precision: usize) -> String {
    if timespan >= 60.0 {
        // More than a minute: "1h 2min 3s", stopping once less than a second is left.
        let parts = [("d", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0)];
        let mut out = Vec::new();
        let mut leftover = timespan;
        for (suffix, length) in parts {
            let value = (leftover / length).trunc();
            if value > 0.0 {
                leftover %= length;
                out.push(format!("{value}{suffix}"));
            }
            if leftover < 1.0 {
                break;
            }
        }
        return out.join(" ");
    }
    let order = if timespan > 0.0 {
        // Python: min(-int(math.floor(math.log10(t)) // 3), 3), with floor division.
        let exp = timespan.log10().floor() as i64;
        (-exp.div_euclid(3)).min(3)
    } else {
        3
    };
    // For 1 s <= t < 60 s the order is 0; it is never negative below a minute.
    let order = order.max(0) as usize;
    format!(
        "{} {}",
        format_g(timespan * SCALING[order], precision),
        UNITS[order]
    )
}

/// C's / Python's `"%.*g" % (precision, x)`: `precision` significant digits, trailing zeros
/// removed, exponent form when the exponent is < -4 or >= precision.
pub fn format_g(x: f64, precision: usize) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let p = precision.max(1);
    // The exponent is the one of the value *after* rounding to p significant digits, which is
    // what `{:e}` gives (correctly rounded, like Python's dtoa).
    let sci = format!("{:.*e}", p - 1, x);
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` has an exponent");
    let exp: i32 = exp.parse().expect("exponent is an integer");
    if exp < -4 || exp >= p as i32 {
        let mantissa = strip_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        strip_zeros(&format!("{x:.decimals$}")).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Python's `"{:,}".format(n)`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Mean and population standard deviation of per-loop times (IPython's `average`, `stdev`).
pub fn mean_stdev(timings: &[f64]) -> (f64, f64) {
    if timings.is_empty() {
        return (0.0, 0.0);
    }
    let n = timings.len() as f64;
    let mean = fsum(timings.iter().copied()) / n;
    let var = fsum(timings.iter().map(|x| (x - mean) * (x - mean))) / n;
    (mean, var.sqrt())
}

/// Python's `math.fsum`: an exactly rounded sum (Shewchuk's partials), so averages match IPython.
pub fn fsum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut partials: Vec<f64> = Vec::new();
    for mut x in values {
        let mut i = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        partials.truncate(i);
        partials.push(x);
    }
    // Sum the partials from the top, correcting the last rounding like CPython does.
    let mut hi = 0.0;
    if !partials.is_empty() {
        let mut n = partials.len() - 1;
        hi = partials[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = partials[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        if n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
    }
    hi
}

/// `TimeitResult.__str__`:
/// `68.2 μs ± 2.32 μs per loop (mean ± std. dev. of 7 runs, 10,000 loops each)`.
pub fn timeit_line(mean: f64, stdev: f64, runs: usize, loops: u64, precision: usize) -> String {
    format!(
        "{} \u{b1} {} per loop (mean \u{b1} std. dev. of {} run{}, {} loop{} each)",
        format_time(mean, precision),
        format_time(stdev, precision),
        runs,
        if runs == 1 { "" } else { "s" },
        thousands(loops),
        if loops == 1 { "" } else { "s" },
    )
}

/// IPython's warning when the slowest run is much slower than the fastest (`None` when not).
pub fn slowest_warning(best: f64, worst: f64) -> Option<String> {
    (worst > 4.0 * best && best > 0.0 && worst > 1e-6)
        .then(|| format!("The slowest run took {:.2} times longer than the fastest. This could mean that an intermediate result is being cached.", worst / best))
}

/// `%time`'s report: `CPU times: user 1.2 ms, sys: 0 ns, total: 1.2 ms\nWall time: 3.1 ms\n`.
pub fn time_report(user: f64, sys: f64, wall: f64) -> String {
    format!(
        "CPU times: user {}, sys: {}, total: {}\nWall time: {}\n",
        format_time(user, 3),
        format_time(sys, 3),
        format_time(user + sys, 3),
        format_time(wall, 3)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_g_matches_python() {
        // Expected values from CPython: "%.*g" % (p, x).
        let cases: &[(f64, usize, &str)] = &[
            (0.125, 3, "0.125"),
            (999.5, 3, "1e+03"),
            (1234567.0, 3, "1.23e+06"),
            (0.00012345, 3, "0.000123"),
            (0.000012345, 3, "1.23e-05"),
            (68.2, 3, "68.2"),
            (100.0, 3, "100"),
            (2.0, 3, "2"),
            (2.5, 1, "2"),
            (3.5, 1, "4"),
            (0.0, 3, "0"),
            (12.3456, 5, "12.346"),
            (999.99, 4, "1000"),
            (8.26, 3, "8.26"),
            (1.0e-9, 3, "1e-09"),
        ];
        for &(x, p, want) in cases {
            assert_eq!(format_g(x, p), want, "%.{p}g of {x}");
        }
    }

    #[test]
    fn format_time_units_and_boundaries() {
        let m = "\u{3bc}";
        let cases: &[(f64, &str)] = &[
            (1.0, "1 s"),
            (59.9, "59.9 s"),
            (0.999, "999 ms"),
            (0.001, "1 ms"),
            (0.000999, &format!("999 {m}s")),
            (0.0000682, &format!("68.2 {m}s")),
            (0.000001, &format!("1 {m}s")),
            (0.000000999, "999 ns"),
            (8.26e-9, "8.26 ns"),
            (1e-12, "0.001 ns"),
            (0.0, "0 ns"),
            // Rounding up across a unit boundary keeps the lower unit, like IPython.
            (0.0009996, &format!("1e+03 {m}s")),
            (60.0, "1min"),
            (61.5, "1min 1s"),
            (3600.5, "1h"),
            (3725.0, "1h 2min 5s"),
            (90061.0, "1d 1h 1min 1s"),
        ];
        for &(t, want) in cases {
            assert_eq!(format_time(t, 3), want, "format_time({t})");
        }
        assert_eq!(format_time(0.0123456, 5), "12.346 ms");
    }

    #[test]
    fn ipython_docstring_examples() {
        let m = "\u{3bc}";
        assert_eq!(
            timeit_line(8.26e-9, 0.12e-9, 7, 100_000_000, 3),
            "8.26 ns \u{b1} 0.12 ns per loop (mean \u{b1} std. dev. of 7 runs, 100,000,000 loops each)"
        );
        assert_eq!(
            timeit_line(68.2e-6, 2.32e-6, 7, 10000, 3),
            format!("68.2 {m}s \u{b1} 2.32 {m}s per loop (mean \u{b1} std. dev. of 7 runs, 10,000 loops each)")
        );
        assert_eq!(
            timeit_line(2.0, 0.0, 1, 1, 3),
            "2 s \u{b1} 0 ns per loop (mean \u{b1} std. dev. of 1 run, 1 loop each)"
        );
    }

    #[test]
    fn thousands_separator() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn fsum_is_exact() {
        assert_eq!(fsum([0.1; 10]), 1.0);
        assert_eq!(fsum([1e100, 1.0, -1e100, 1e-100]), 1.0);
        assert_eq!(fsum([]), 0.0);
        // Against CPython's math.fsum (random.seed(7) lists of mixed magnitudes).
        let cases: &[(&[f64], f64)] = &[
            (
                &[
                    89573.07212181264,
                    3.018689460797075e-17,
                    6.425485839826166e-15,
                    -2.6862216617482895e-18,
                    8.194081262862044e-08,
                    -9250086.831160303,
                ],
                -9160513.75903841,
            ),
            (
                &[
                    -8.602891528507621e-16,
                    1.020945075827715e-18,
                    6.537042493440761e-14,
                    8.94899401414975e+19,
                    2.5486644481117863e-18,
                    15420.589723499734,
                    -9.00821373220457e-07,
                ],
                8.948994014149752e+19,
            ),
            (&[1.1332979587418524e-13], 1.1332979587418524e-13),
            (
                &[
                    -16172191285706.95,
                    -0.07644155238432633,
                    1.205145540256254e-10,
                    -7938885751128173.0,
                    277.82693785236813,
                ],
                -7955057942413602.0,
            ),
            (
                &[9.548893141911563e-18, 1.287365862667733e+18],
                1.287365862667733e+18,
            ),
            (
                &[
                    -717100977301.6434,
                    -0.14481538866119426,
                    -68796268.320652,
                    -2.7683528811086736e-06,
                ],
                -717169773570.1089,
            ),
        ];
        for (xs, want) in cases {
            assert_eq!(fsum(xs.iter().copied()), *want, "{xs:?}");
        }
        let (m, s) = mean_stdev(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m, 2.5);
        assert!((s - 1.118033988749895).abs() < 1e-15);
    }

    #[test]
    fn time_report_and_warning() {
        assert_eq!(
            time_report(0.5, 0.25, 1.0),
            "CPU times: user 500 ms, sys: 250 ms, total: 750 ms\nWall time: 1 s\n"
        );
        assert!(slowest_warning(1.0, 4.0).is_none());
        assert_eq!(
            slowest_warning(1e-3, 5e-3).unwrap(),
            "The slowest run took 5.00 times longer than the fastest. This could mean that an intermediate result is being cached."
        );
        assert!(slowest_warning(1e-9, 9e-7).is_none());
    }
}
