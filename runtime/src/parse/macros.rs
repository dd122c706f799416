//! The std macros of the subset, parsed from their token streams: `println!`-family
//! format strings (pieces and specs, as `core::fmt` defines them), `vec!`, `assert!`.

use crate::abi::fmt_spec::{Align, Count, Spec};
use crate::diag::{Error, Result, Span};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Token};

#[derive(Debug, Clone)]
pub enum Piece {
    Lit(String),
    Arg { arg: usize, spec: Spec },
}

/// A parsed format macro invocation: pieces refer to `args` by index; inline `{name}`
/// captures become path expressions appended to `args`.
#[derive(Debug, Clone)]
pub struct FormatArgs {
    pub pieces: Vec<Piece>,
    pub args: Vec<Expr>,
    pub span: Span,
}

pub fn parse_format(tokens: proc_macro2::TokenStream, mac_span: Span) -> Result<FormatArgs> {
    if tokens.is_empty() {
        return Ok(FormatArgs {
            pieces: vec![],
            args: vec![],
            span: mac_span,
        });
    }
    let parser =
        |input: ParseStream| -> syn::Result<(syn::LitStr, Vec<(Option<syn::Ident>, Expr)>)> {
            let lit: syn::LitStr = input.parse()?;
            let mut args = vec![];
            while !input.is_empty() {
                input.parse::<Token![,]>()?;
                if input.is_empty() {
                    break;
                }
                if input.peek(syn::Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
                    let name: syn::Ident = input.parse()?;
                    input.parse::<Token![=]>()?;
                    args.push((Some(name), input.parse()?));
                } else {
                    args.push((None, input.parse()?));
                }
            }
            Ok((lit, args))
        };
    let (lit, named) = parser.parse2(tokens).map_err(crate::parse::syn_error)?;
    let lspan = Span::of(lit.span());
    let fmt = lit.value();
    let mut args: Vec<Expr> = named.iter().map(|(_, e)| e.clone()).collect();
    let names: Vec<Option<String>> = named
        .iter()
        .map(|(n, _)| n.as_ref().map(|i| i.to_string()))
        .collect();
    let mut pieces = vec![];
    let mut next_pos = 0usize;
    let lookup =
        |name: &str, args: &mut Vec<Expr>, names: &mut Vec<Option<String>>| -> Result<usize> {
            if let Ok(n) = name.parse::<usize>() {
                return Ok(n);
            }
            if let Some(i) = names.iter().position(|n| n.as_deref() == Some(name)) {
                return Ok(i);
            }
            let id: syn::Ident = syn::parse_str(name).map_err(|_| {
                Error::new(
                    lspan,
                    format!("invalid format string: invalid argument name `{name}`"),
                )
            })?;
            let id = syn::Ident::new(&id.to_string(), lit.span());
            args.push(syn::parse_quote!(#id));
            names.push(Some(name.to_string()));
            Ok(args.len() - 1)
        };
    let mut names = names;
    let mut lit_buf = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    let bad = |m: &str| Error::new(lspan, format!("invalid format string: {m}"));
    while i < chars.len() {
        let c = chars[i];
        if c == '{' {
            if chars.get(i + 1) == Some(&'{') {
                lit_buf.push('{');
                i += 2;
                continue;
            }
            let close = chars[i..]
                .iter()
                .position(|&c| c == '}')
                .ok_or_else(|| bad("expected `}` but string was terminated"))?
                + i;
            let inner: String = chars[i + 1..close].iter().collect();
            i = close + 1;
            if !lit_buf.is_empty() {
                pieces.push(Piece::Lit(std::mem::take(&mut lit_buf)));
            }
            let (name, spec_s) = match inner.find(':') {
                Some(p) => (inner[..p].trim().to_string(), inner[p + 1..].to_string()),
                None => (inner.trim().to_string(), String::new()),
            };
            // `{:.*}` takes the precision before the value, so the spec is read first.
            let spec = parse_spec(&spec_s, &mut next_pos, &mut |n: &str| {
                lookup(n, &mut args, &mut names)
            })
            .map_err(|m| bad(&m))?;
            let arg = if name.is_empty() {
                next_pos += 1;
                next_pos - 1
            } else {
                lookup(&name, &mut args, &mut names)?
            };
            pieces.push(Piece::Arg { arg, spec });
        } else if c == '}' {
            if chars.get(i + 1) == Some(&'}') {
                lit_buf.push('}');
                i += 2;
                continue;
            }
            return Err(bad("unmatched `}` found"));
        } else {
            lit_buf.push(c);
            i += 1;
        }
    }
    if !lit_buf.is_empty() {
        pieces.push(Piece::Lit(lit_buf));
    }
    let used = |k: usize| {
        pieces.iter().any(|p| match p {
            Piece::Arg { arg, spec } => {
                *arg == k || spec.width == Count::Arg(k) || spec.precision == Count::Arg(k)
            }
            _ => false,
        })
    };
    for k in 0..args.len() {
        if !used(k) {
            return Err(Error::new(Span::of_node(&args[k]), "argument never used"));
        }
    }
    for p in &pieces {
        if let Piece::Arg { arg, .. } = p {
            if *arg >= args.len() {
                return Err(Error::new(
                    lspan,
                    format!("invalid reference to positional argument {arg}"),
                ));
            }
        }
    }
    Ok(FormatArgs {
        pieces,
        args,
        span: mac_span,
    })
}

fn parse_spec(
    s: &str,
    next_pos: &mut usize,
    lookup: &mut dyn FnMut(&str) -> Result<usize>,
) -> std::result::Result<Spec, String> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut spec = Spec {
        fill: ' ',
        align: Align::Unknown,
        plus: false,
        alternate: false,
        zero: false,
        width: Count::None,
        precision: Count::None,
        kind: String::new(),
    };
    let al = |ch: char| match ch {
        '<' => Some(Align::Left),
        '>' => Some(Align::Right),
        '^' => Some(Align::Center),
        _ => None,
    };
    if c.len() >= 2 && al(c[1]).is_some() {
        spec.fill = c[0];
        spec.align = al(c[1]).unwrap();
        i = 2;
    } else if !c.is_empty() && al(c[0]).is_some() {
        spec.align = al(c[0]).unwrap();
        i = 1;
    }
    if c.get(i) == Some(&'+') {
        spec.plus = true;
        i += 1;
    } else if c.get(i) == Some(&'-') {
        i += 1;
    }
    if c.get(i) == Some(&'#') {
        spec.alternate = true;
        i += 1;
    }
    if c.get(i) == Some(&'0') && !c.get(i + 1).is_some_and(|&d| d == '$') {
        spec.zero = true;
        i += 1;
    }
    let count = |i: &mut usize,
                 lookup: &mut dyn FnMut(&str) -> Result<usize>|
     -> std::result::Result<Count, String> {
        let st = *i;
        // A count is an integer, or a name / position followed by `$` (`{:.3e}`: 3 then `e`).
        while *i < c.len() && (c[*i].is_alphanumeric() || c[*i] == '_') {
            *i += 1;
        }
        if c.get(*i) != Some(&'$') && c.get(st).is_some_and(|d| d.is_ascii_digit()) {
            *i = st;
            while *i < c.len() && c[*i].is_ascii_digit() {
                *i += 1;
            }
        }
        let word: String = c[st..*i].iter().collect();
        if word.is_empty() {
            return Ok(Count::None);
        }
        if c.get(*i) == Some(&'$') {
            *i += 1;
            return lookup(&word).map(Count::Arg).map_err(|e| e.message);
        }
        match word.parse::<usize>() {
            Ok(n) => Ok(Count::Lit(n)),
            Err(_) => {
                *i = st;
                Ok(Count::None)
            }
        }
    };
    spec.width = count(&mut i, lookup)?;
    if c.get(i) == Some(&'.') {
        i += 1;
        if c.get(i) == Some(&'*') {
            i += 1;
            spec.precision = Count::Arg(*next_pos);
            *next_pos += 1;
        } else {
            spec.precision = count(&mut i, lookup)?;
            if spec.precision == Count::None {
                return Err("expected a precision after `.`".into());
            }
        }
    }
    let rest: String = c[i..].iter().collect();
    match rest.trim() {
        k @ ("" | "?" | "x" | "X" | "o" | "b" | "e" | "E" | "x?" | "X?") => {
            spec.kind = k.to_string()
        }
        k => return Err(format!("unknown format trait `{k}`")),
    }
    Ok(spec)
}

/// `vec![a, b, c]` or `vec![x; n]`.
pub enum VecMacro {
    List(Vec<Expr>),
    Repeat(Expr, Expr),
}

pub fn parse_vec(tokens: proc_macro2::TokenStream) -> Result<VecMacro> {
    let p = |input: ParseStream| -> syn::Result<VecMacro> {
        if input.is_empty() {
            return Ok(VecMacro::List(vec![]));
        }
        let first: Expr = input.parse()?;
        if input.peek(Token![;]) {
            input.parse::<Token![;]>()?;
            let n: Expr = input.parse()?;
            return Ok(VecMacro::Repeat(first, n));
        }
        let mut v = vec![first];
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            v.push(input.parse()?);
        }
        Ok(VecMacro::List(v))
    };
    p.parse2(tokens).map_err(crate::parse::syn_error)
}

/// Comma-separated expressions, then an optional format message (assert!, assert_eq!).
pub fn parse_assert(
    tokens: proc_macro2::TokenStream,
    nexprs: usize,
    span: Span,
) -> Result<(Vec<Expr>, Option<FormatArgs>)> {
    let p = |input: ParseStream| -> syn::Result<(Vec<Expr>, proc_macro2::TokenStream)> {
        let mut v = vec![];
        for k in 0..nexprs {
            if k > 0 {
                input.parse::<Token![,]>()?;
            }
            v.push(input.parse()?);
        }
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        }
        Ok((v, input.parse()?))
    };
    let (v, rest) = p.parse2(tokens).map_err(crate::parse::syn_error)?;
    let msg = if rest.is_empty() {
        None
    } else {
        Some(parse_format(rest, span)?)
    };
    Ok((v, msg))
}

pub fn parse_exprs(tokens: proc_macro2::TokenStream) -> Result<Vec<Expr>> {
    let p = Punctuated::<Expr, Token![,]>::parse_terminated;
    Ok(p.parse2(tokens)
        .map_err(crate::parse::syn_error)?
        .into_iter()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fa(s: &str) -> FormatArgs {
        parse_format(s.parse().unwrap(), Span::default()).unwrap()
    }

    #[test]
    fn pieces_and_specs() {
        let f = fa(r#""a {} b {:>8.3} {x:?} {{}}", 1, 2.0"#);
        assert_eq!(f.args.len(), 3);
        assert_eq!(f.pieces.len(), 7);
        match &f.pieces[3] {
            Piece::Arg { arg: 1, spec } => {
                assert_eq!(spec.align, Align::Right);
                assert_eq!(spec.width, Count::Lit(8));
                assert_eq!(spec.precision, Count::Lit(3));
            }
            p => panic!("{p:?}"),
        }
        assert!(matches!(&f.pieces[6], Piece::Lit(s) if s == " {}"));
    }

    #[test]
    fn fill_zero_and_star() {
        let f = fa(r#""{:*^9} {:08.2} {:.*}", 1, 2.5, 3, 1.0"#);
        let specs: Vec<&Spec> = f
            .pieces
            .iter()
            .filter_map(|p| {
                if let Piece::Arg { spec, .. } = p {
                    Some(spec)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(specs[0].fill, '*');
        assert!(specs[1].zero);
        assert_eq!(specs[2].precision, Count::Arg(2));
    }

    #[test]
    fn unused_argument_is_an_error() {
        assert!(parse_format(r#""{}", 1, 2"#.parse().unwrap(), Span::default()).is_err());
    }
}
