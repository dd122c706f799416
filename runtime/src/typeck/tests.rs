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
    out.push(check_cell(
        &cell.stmts,
        cell.tail.as_ref(),
        &env,
        Span::default(),
    )?);
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
    let g: Vec<String> = f[0]
        .globals
        .iter()
        .map(|g| format!("{}:{}", g.name, g.ty))
        .collect();
    assert_eq!(g, ["a:i32", "b:u8", "c:f64", "s:i64"]);
}

#[test]
fn no_implicit_conversions() {
    assert!(err("let a: i64 = 1; let b: i32 = 2; a + b").contains("cannot add"));
    assert!(err("let x: f64 = 1;").contains("mismatched types"));
}

#[test]
fn ambiguous_float_method() {
    assert_eq!(
        err("let x = 2.0; x.sqrt()"),
        "can't call method `sqrt` on ambiguous numeric type `{float}`"
    );
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
    assert!(err("fn f() { let x = 1; x = 2; }")
        .contains("cannot assign twice to immutable variable `x`"));
}

#[test]
fn iterator_chains() {
    check("let v = vec![1.0, 2.0]; let s: f64 = v.iter().map(|x| x * 2.0).sum(); let c = (0..10).filter(|i| i % 2 == 0).count();").unwrap();
    assert!(err("let v = vec![1.0, 2.0]; v.iter().max()").contains("Ord"));
}

// ---- use-after-move (E0382) -------------------------------------------------------------

fn moved(src: &str) -> (String, u32, u32) {
    match check(src) {
        Ok(_) => panic!("accepted: {src}"),
        Err(e) => (e.message, e.span.line, e.span.col),
    }
}

#[test]
fn move_by_let_then_use() {
    // The span points at the use (`a` in `a.len()`, column 24 0-based).
    assert_eq!(
        moved("let a = vec![1]; let b = a; a.len()"),
        ("use of moved value: `a`".into(), 1, 28)
    );
    assert_eq!(
        err("fn f() -> usize { let a = vec![1]; let b = a; a.len() }"),
        "use of moved value: `a`"
    );
    assert_eq!(
        err("let s = String::new(); let t = s; println!(\"{}\", s);"),
        "use of moved value: `s`"
    );
}

#[test]
fn move_by_call_and_return() {
    let e = err("fn take(v: Vec<i64>) -> i64 { v.len() as i64 }
                 fn g() -> i64 { let v = vec![1i64]; let n = take(v); n + v[0] }");
    assert_eq!(e, "use of moved value: `v`");
    check(
        "fn take(v: Vec<i64>) -> i64 { v.len() as i64 }
           fn g() -> i64 { let v = vec![1i64]; take(v.clone()) + take(v) }",
    )
    .unwrap();
    check("fn id(v: Vec<i64>) -> Vec<i64> { v } fn g() -> usize { let v = vec![1i64]; let w = id(v); w.len() }").unwrap();
}

#[test]
fn reassignment_reinitialises() {
    check("fn g() -> usize { let mut a = vec![1]; let b = a; a = vec![2, 3]; a.len() + b.len() }")
        .unwrap();
    check("let mut a = vec![1]; let b = a; a = vec![2]; a.len()").unwrap();
}

#[test]
fn moves_in_loops_and_branches() {
    assert_eq!(
        err("fn g(c: bool) { let a = vec![1]; if c { let b = a; } a.len(); }"),
        "use of moved value: `a`"
    );
    assert_eq!(
        err("fn g() { let a = vec![1]; for _ in 0..3 { let b = a; } }"),
        "use of moved value: `a`"
    );
    assert_eq!(
        err("fn g() { let a = vec![1]; let mut i = 0; while i < 3 { i += 1; let b = a; } }"),
        "use of moved value: `a`"
    );
    // Moved then re-initialised every iteration, or moved just before leaving: accepted.
    check("fn g() { let mut a = vec![1]; for _ in 0..3 { let b = a; a = vec![2]; } a.len(); }")
        .unwrap();
    check("fn g() { let a = vec![1]; loop { let b = a; break; } }").unwrap();
    check(
        "fn g(c: bool) -> usize { let a = vec![1]; if c { return a.len(); } let b = a; b.len() }",
    )
    .unwrap();
    check("fn g(c: bool) -> Vec<i32> { let a = vec![1]; if c { return a; } a }").unwrap();
    // Copy values and borrows never move.
    check("fn g() -> i64 { let x = 3i64; let y = x; let v = vec![1i64]; let r = &v; let s = &v; x + y + r[0] + s[0] + v[0] }").unwrap();
    check("let v = vec![1, 2]; let _ = v; v.len()").unwrap();
    check("fn g() -> usize { let v = vec![1]; let w = vec![1]; assert_eq!(v, w); if v == w { v.len() + w.len() } else { 0 } }").unwrap();
    assert_eq!(
        err("fn g() -> usize { let v = vec![1]; v; v.len() }"),
        "use of moved value: `v`"
    );
}

#[test]
fn moves_by_iteration_push_and_closures() {
    assert_eq!(
        err("fn g() -> usize { let v = vec![1]; for x in v {} v.len() }"),
        "use of moved value: `v`"
    );
    check("fn g() -> usize { let v = vec![1]; for x in &v {} for x in v.iter() {} v.len() }")
        .unwrap();
    assert_eq!(
        err("fn g() -> usize { let v = vec![1]; let c = move || v.len(); c(); v.len() }"),
        "use of moved value: `v`"
    );
    check("fn g() -> usize { let v = vec![1]; let c = || v.len(); c() + v.len() }").unwrap();
    assert_eq!(
        err("let v = vec![1i64]; let w = v; v.iter().map(|x| x + 1).sum::<i64>()"),
        "use of moved value: `v`"
    );
}

#[test]
fn cannot_move_out_of_index() {
    let e = err("fn g(v: Vec<Vec<i64>>) -> usize { let a = v[0]; a.len() }");
    assert!(
        e.contains("cannot move out of index") || e.contains("unsupported"),
        "{e}"
    );
    let e = err("fn g(v: Vec<String>) -> usize { let a = v[0]; a.len() }");
    assert!(
        e.contains("cannot move out of index") || e.contains("unsupported"),
        "{e}"
    );
}
