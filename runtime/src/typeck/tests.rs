use super::*;
use std::collections::HashMap;

fn check(src: &str) -> Result<Vec<typed::Fn>> {
    let cell = crate::parse::parse_cell(src)?;
    let mut fns = HashMap::new();
    for f in &cell.fns {
        fns.insert(f.sig.ident.to_string(), sig_of(f)?);
    }
    let vars = HashMap::new();
    let env = Env::new(&fns, &vars, &cell.uses)?;
    let mut out = vec![];
    for f in &cell.fns {
        out.push(check_fn(f, &env)?);
    }
    out.push(check_cell(&cell.stmts, cell.tail.as_ref(), &env, Span::default())?);
    Ok(out)
}

fn err(src: &str) -> String {
    match check(src) {
        Ok(_) => panic!("accepted: {src}"),
        Err(e) => e.message,
    }
}

#[test]
fn literal_defaults_and_inference() {
    let f = check("let a = 1; let b: u8 = 2; let c = 2.5; let mut s = 0; s += 3i64;").unwrap();
    let g: Vec<String> = f[0].globals.iter().map(|g| format!("{}:{}", g.name, g.ty)).collect();
    assert_eq!(g, ["a:i32", "b:u8", "c:f64", "s:i64"]);
}

#[test]
fn no_implicit_conversions() {
    assert!(err("let a: i64 = 1; let b: i32 = 2; a + b").contains("cannot add"));
    assert!(err("let x: f64 = 1;").contains("mismatched types"));
}

#[test]
fn ambiguous_float_method() {
    assert_eq!(err("let x = 2.0; x.sqrt()"), "can't call method `sqrt` on ambiguous numeric type `{float}`");
}

#[test]
fn literal_range() {
    assert_eq!(err("let x: u8 = 256;"), "literal out of range for `u8`");
    check("let x: i8 = -128;").unwrap();
}

#[test]
fn get_primes_checks() {
    check(
        "fn get_primes(x: i64) -> Vec<i64> {
            let mut res = Vec::new();
            for v in 0..=x {
                if v < 2 { continue; }
                let mut flag = true;
                for i in 2..((v as f64).sqrt() as i64 + 1) {
                    if v % i == 0 { flag = false; }
                }
                if flag { res.push(v); }
            }
            res
        }
        let p = get_primes(100);
        p.len()",
    )
    .unwrap();
}

#[test]
fn unsupported_is_refused_with_span() {
    let e = check("let x = 1;\nlet y = x?;").err().unwrap();
    assert_eq!((e.span.line, e.span.col), (2, 8));
    assert!(e.message.contains("unsupported"));
}

#[test]
fn immutable_assignment() {
    assert!(err("fn f() { let x = 1; x = 2; }").contains("cannot assign to `x`"));
}

#[test]
fn iterator_chains() {
    check("let v = vec![1.0, 2.0]; let s: f64 = v.iter().map(|x| x * 2.0).sum(); let c = (0..10).filter(|i| i % 2 == 0).count();").unwrap();
    assert!(err("let v = vec![1.0, 2.0]; v.iter().max()").contains("Ord"));
}
