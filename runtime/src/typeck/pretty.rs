//! rustc's pretty-printer (`rustc_ast_pretty`) for the expressions of the subset: `assert!(c)`
//! panics with `assertion failed: <c as rustc prints it>`, which normalises spacing
//! (`x+1>2` → `x + 1 > 2`, `f(x,y)` → `f(x, y)`) and wraps lines longer than 78 columns.
//! The document is built with the same boxes and breaks rustc emits for each construct and
//! laid out with the same Oppen algorithm (margin 78, inconsistent/consistent boxes, indents
//! relative to the enclosing broken box). Constructs not modelled here print as their source
//! text, as one word.

use quote::ToTokens;

const MARGIN: isize = 78;
const MIN_SPACE: isize = 60;
const INDENT: isize = 4;

#[derive(Clone, Debug)]
enum Tok {
    Str(String),
    /// (blank space, offset)
    Break(isize, isize),
    /// (offset, consistent)
    Begin(isize, bool),
    End,
}

#[derive(Default)]
struct Doc {
    toks: Vec<Tok>,
}

impl Doc {
    fn word(&mut self, s: impl Into<String>) {
        self.toks.push(Tok::Str(s.into()));
    }
    fn space(&mut self) {
        self.toks.push(Tok::Break(1, 0));
    }
    fn word_space(&mut self, s: &str) {
        self.word(s);
        self.space();
    }
    fn ibox(&mut self, off: isize) {
        self.toks.push(Tok::Begin(off, false));
    }
    fn cbox(&mut self, off: isize) {
        self.toks.push(Tok::Begin(off, true));
    }
    fn end(&mut self) {
        self.toks.push(Tok::End);
    }

    /// Oppen's algorithm, offline: the size of a Begin is the length up to the next break
    /// after its End; of a Break, up to the next break at its level or above.
    fn layout(&self) -> String {
        let n = self.toks.len();
        let mut size = vec![0isize; n];
        let mut total = 0isize;
        let mut start = vec![0isize; n];
        let mut stack: Vec<usize> = vec![];
        let check = |stack: &mut Vec<usize>,
                     size: &mut Vec<isize>,
                     start: &Vec<isize>,
                     total: isize,
                     toks: &Vec<Tok>| {
            let mut depth = 0usize;
            while let Some(&i) = stack.last() {
                match toks[i] {
                    Tok::Begin(..) => {
                        if depth == 0 {
                            break;
                        }
                        stack.pop();
                        size[i] = total - start[i];
                        depth -= 1;
                    }
                    Tok::End => {
                        stack.pop();
                        depth += 1;
                    }
                    _ => {
                        stack.pop();
                        size[i] = total - start[i];
                        if depth == 0 {
                            break;
                        }
                    }
                }
            }
        };
        for (i, t) in self.toks.iter().enumerate() {
            start[i] = total;
            match t {
                Tok::Str(s) => {
                    size[i] = s.chars().count() as isize;
                    total += size[i];
                }
                Tok::Begin(..) => stack.push(i),
                Tok::End => stack.push(i),
                Tok::Break(b, _) => {
                    check(&mut stack, &mut size, &start, total, &self.toks);
                    stack.push(i);
                    total += b;
                }
            }
        }
        // End of input: size everything still open.
        while !stack.is_empty() {
            check(&mut stack, &mut size, &start, total, &self.toks);
            if let Some(&i) = stack.last() {
                if let Tok::Begin(..) = self.toks[i] {
                    size[i] = total - start[i];
                    stack.pop();
                }
            }
        }
        let mut out = String::new();
        let mut space = MARGIN;
        let mut indent = 0isize;
        let mut pending = 0isize;
        // (saved indent, Some(consistent) when broken, None when it fits)
        let mut frames: Vec<(isize, Option<bool>)> = vec![];
        for (i, t) in self.toks.iter().enumerate() {
            match t {
                Tok::Str(s) => {
                    out.extend(std::iter::repeat_n(' ', pending as usize));
                    pending = 0;
                    out.push_str(s);
                    space -= s.chars().count() as isize;
                }
                Tok::Begin(off, consistent) => {
                    if size[i] > space {
                        frames.push((indent, Some(*consistent)));
                        indent += off;
                    } else {
                        frames.push((indent, None));
                    }
                }
                Tok::End => {
                    if let Some((saved, Some(_))) = frames.pop() {
                        indent = saved;
                    }
                }
                Tok::Break(blank, off) => {
                    let fits = match frames.last() {
                        None | Some((_, None)) => true,
                        Some((_, Some(true))) => false,
                        Some((_, Some(false))) => size[i] <= space,
                    };
                    if fits {
                        pending += blank;
                        space -= blank;
                    } else {
                        out.push('\n');
                        let ind = indent + off;
                        pending = ind.max(0);
                        space = (MARGIN - ind).max(MIN_SPACE);
                    }
                }
            }
        }
        out
    }
}

/// `assertion failed: …`'s text for the condition `e`.
pub fn expr_to_string(e: &syn::Expr) -> String {
    let mut d = Doc::default();
    expr(&mut d, e);
    d.layout()
}

fn source(d: &mut Doc, t: &impl ToTokens) {
    use syn::spanned::Spanned;
    let s = t.to_token_stream();
    let text = s.span().source_text().unwrap_or_else(|| s.to_string());
    d.word(text.split_whitespace().collect::<Vec<_>>().join(" "));
}

fn commasep<T>(d: &mut Doc, items: impl IntoIterator<Item = T>, mut f: impl FnMut(&mut Doc, T)) {
    d.ibox(0);
    let mut first = true;
    for x in items {
        if !first {
            d.word(",");
            d.space();
        }
        first = false;
        f(d, x);
    }
    d.end();
}

fn expr(d: &mut Doc, e: &syn::Expr) {
    use syn::Expr as E;
    d.ibox(INDENT);
    match e {
        E::Lit(l) => d.word(l.lit.to_token_stream().to_string()),
        E::Path(p) if p.qself.is_none() => path(d, &p.path),
        E::Binary(b) => {
            expr(d, &b.left);
            d.space();
            d.word_space(&b.op.to_token_stream().to_string());
            expr(d, &b.right);
        }
        E::Unary(u) => {
            d.word(u.op.to_token_stream().to_string());
            expr(d, &u.expr);
        }
        E::Paren(p) => {
            d.word("(");
            expr(d, &p.expr);
            d.word(")");
        }
        E::Call(c) => {
            expr(d, &c.func);
            d.word("(");
            commasep(d, c.args.iter(), expr);
            d.word(")");
        }
        E::MethodCall(m) => {
            expr(d, &m.receiver);
            d.word(".");
            d.word(m.method.to_string());
            if let Some(t) = &m.turbofish {
                d.word("::<");
                commasep(d, t.args.iter(), generic_arg);
                d.word(">");
            }
            d.word("(");
            commasep(d, m.args.iter(), expr);
            d.word(")");
        }
        E::Index(i) => {
            expr(d, &i.expr);
            d.word("[");
            expr(d, &i.index);
            d.word("]");
        }
        E::Field(f) => {
            expr(d, &f.base);
            d.word(".");
            d.word(match &f.member {
                syn::Member::Named(n) => n.to_string(),
                syn::Member::Unnamed(i) => i.index.to_string(),
            });
        }
        E::Cast(c) => {
            expr(d, &c.expr);
            d.space();
            d.word_space("as");
            ty(d, &c.ty);
        }
        E::Reference(r) => {
            d.word(if r.mutability.is_some() { "&mut " } else { "&" });
            expr(d, &r.expr);
        }
        E::Tuple(t) => {
            d.word("(");
            commasep(d, t.elems.iter(), expr);
            if t.elems.len() == 1 {
                d.word(",");
            }
            d.word(")");
        }
        E::Array(a) => {
            d.word("[");
            commasep(d, a.elems.iter(), expr);
            d.word("]");
        }
        E::Range(r) => {
            if let Some(s) = &r.start {
                expr(d, s);
            }
            d.word(if matches!(r.limits, syn::RangeLimits::Closed(_)) {
                "..="
            } else {
                ".."
            });
            if let Some(s) = &r.end {
                expr(d, s);
            }
        }
        E::Closure(c)
            if c.asyncness.is_none() && c.lifetimes.is_none() && c.constness.is_none() =>
        {
            if c.capture.is_some() {
                d.word("move ");
            }
            d.word("|");
            commasep(d, c.inputs.iter(), |d, p| {
                d.ibox(INDENT);
                pat(d, p);
                d.end();
            });
            d.word("|");
            if let syn::ReturnType::Type(_, t) = &c.output {
                d.space();
                d.ibox(INDENT);
                d.word_space("->");
                ty(d, t);
                d.end();
            }
            d.space();
            expr(d, &c.body);
            // rustc closes the expression's box early and opens an empty one for the final end.
            d.end();
            d.ibox(0);
        }
        E::If(i) => if_expr(d, i),
        // rustc's `print_let`: `let PAT` then breakable spaces around `=`.
        E::Let(l) => {
            d.word("let ");
            source(d, &*l.pat);
            d.space();
            d.word_space("=");
            expr(d, &l.expr);
        }
        E::Match(m) => {
            d.cbox(0);
            d.ibox(0);
            d.word("match ");
            expr(d, &m.expr);
            d.space();
            d.word("{");
            d.end();
            for a in &m.arms {
                d.space();
                d.cbox(INDENT);
                d.ibox(0);
                pat(d, &a.pat);
                d.space();
                if let Some((_, g)) = &a.guard {
                    d.word_space("if");
                    expr(d, g);
                    d.space();
                }
                d.word_space("=>");
                match &*a.body {
                    // The block closes the pattern's box; no comma after it.
                    syn::Expr::Block(b) if b.label.is_none() => {
                        d.word("{");
                        d.end();
                        block_body(d, &b.block);
                    }
                    body => {
                        d.end();
                        expr(d, body);
                        d.word(",");
                    }
                }
                d.end();
            }
            if !m.arms.is_empty() {
                d.toks.push(Tok::Break(1, -INDENT));
            }
            d.word("}");
            d.end();
        }
        E::Block(b) if b.label.is_none() => {
            d.cbox(0);
            d.ibox(0);
            block(d, &b.block);
        }
        other => source(d, other),
    }
    d.end();
}

/// rustc ≥ 1.8x (`print_if`/`print_else`): the `if` and each `else` open `cbox(0)`, so a broken
/// block's body is indented by the enclosing expression box only (older rustc used `head`,
/// `cbox(INDENT_UNIT)`, and `cbox(INDENT_UNIT - 1)` for `else`).
fn if_expr(d: &mut Doc, i: &syn::ExprIf) {
    d.cbox(0);
    d.ibox(0);
    d.word("if ");
    expr(d, &i.cond);
    d.space();
    block(d, &i.then_branch);
    let mut els = &i.else_branch;
    while let Some((_, e)) = els {
        match &**e {
            syn::Expr::If(ei) => {
                d.cbox(0);
                d.ibox(0);
                d.word(" else if ");
                expr(d, &ei.cond);
                d.space();
                block(d, &ei.then_branch);
                els = &ei.else_branch;
            }
            syn::Expr::Block(b) => {
                d.cbox(0);
                d.ibox(0);
                d.word(" else ");
                block(d, &b.block);
                els = &None;
            }
            other => {
                source(d, other);
                els = &None;
            }
        }
    }
}

/// `{ stmts tail }`: opens with `{` closing the head box, closes with `}` closing the outer box.
fn block(d: &mut Doc, b: &syn::Block) {
    d.word("{");
    d.end();
    block_body(d, b);
    d.end();
}

/// A block after its `{`: statements, then `}` (the caller closes the outer box).
fn block_body(d: &mut Doc, b: &syn::Block) {
    for (k, s) in b.stmts.iter().enumerate() {
        d.space();
        match s {
            syn::Stmt::Expr(e, None) if k + 1 == b.stmts.len() => expr(d, e),
            other => source(d, other),
        }
    }
    if !b.stmts.is_empty() {
        d.toks.push(Tok::Break(1, -INDENT));
    }
    d.word("}");
}

fn path(d: &mut Doc, p: &syn::Path) {
    if p.leading_colon.is_some() {
        d.word("::");
    }
    for (k, s) in p.segments.iter().enumerate() {
        if k > 0 {
            d.word("::");
        }
        d.word(s.ident.to_string());
        if let syn::PathArguments::AngleBracketed(a) = &s.arguments {
            if a.colon2_token.is_some() {
                d.word("::");
            }
            d.word("<");
            commasep(d, a.args.iter(), generic_arg);
            d.word(">");
        }
    }
}

fn generic_arg(d: &mut Doc, g: &syn::GenericArgument) {
    match g {
        syn::GenericArgument::Type(t) => ty(d, t),
        other => source(d, other),
    }
}

fn ty(d: &mut Doc, t: &syn::Type) {
    match t {
        syn::Type::Path(p) if p.qself.is_none() => path(d, &p.path),
        syn::Type::Infer(_) => d.word("_"),
        syn::Type::Reference(r) => {
            d.word(if r.mutability.is_some() { "&mut " } else { "&" });
            ty(d, &r.elem);
        }
        syn::Type::Slice(s) => {
            d.word("[");
            ty(d, &s.elem);
            d.word("]");
        }
        syn::Type::Array(a) => {
            d.word("[");
            ty(d, &a.elem);
            d.word("; ");
            expr(d, &a.len);
            d.word("]");
        }
        syn::Type::Tuple(tt) => {
            d.word("(");
            commasep(d, tt.elems.iter(), ty);
            if tt.elems.len() == 1 {
                d.word(",");
            }
            d.word(")");
        }
        other => source(d, other),
    }
}

fn pat(d: &mut Doc, p: &syn::Pat) {
    match p {
        syn::Pat::Ident(i) if i.subpat.is_none() => {
            if i.by_ref.is_some() {
                d.word("ref ");
            }
            if i.mutability.is_some() {
                d.word("mut ");
            }
            d.word(i.ident.to_string());
        }
        syn::Pat::Wild(_) => d.word("_"),
        syn::Pat::Reference(r) => {
            d.word(if r.mutability.is_some() { "&mut " } else { "&" });
            pat(d, &r.pat);
        }
        syn::Pat::Tuple(t) => {
            d.word("(");
            commasep(d, t.elems.iter(), pat);
            if t.elems.len() == 1 {
                d.word(",");
            }
            d.word(")");
        }
        syn::Pat::Type(t) => {
            pat(d, &t.pat);
            d.word(":");
            d.space();
            ty(d, &t.ty);
        }
        syn::Pat::Or(o) => {
            d.ibox(0);
            for (k, p) in o.cases.iter().enumerate() {
                if k > 0 {
                    d.space();
                    d.word_space("|");
                }
                pat(d, p);
            }
            d.end();
        }
        // Literal, range and path patterns print as the expressions they are written as.
        other => match syn::parse2::<syn::Expr>(other.to_token_stream()) {
            Ok(e) => expr(d, &e),
            Err(_) => source(d, other),
        },
    }
}

#[cfg(test)]
mod tests {
    fn pp(s: &str) -> String {
        super::expr_to_string(&syn::parse_str(s).unwrap())
    }

    #[test]
    fn spacing_like_rustc() {
        assert_eq!(
            pp("x+1>2&&!(v.len()==2)||-x as i64>=f(x,2) as i64"),
            "x + 1 > 2 && !(v.len() == 2) || -x as i64 >= f(x, 2) as i64"
        );
        assert_eq!(
            pp("v.iter().map(|y|y*2).sum::<i32>()>100&&if x>0{true}else{false}"),
            "v.iter().map(|y| y * 2).sum::<i32>() > 100 && if x > 0 { true } else { false }"
        );
        assert_eq!(
            pp("1_000u32 as i32==x<<2>>1&0xFF|3^1&&'a'<'b'&&-1.5e3<2."),
            "1_000u32 as i32 == x << 2 >> 1 & 0xFF | 3 ^ 1 && 'a' < 'b' && -1.5e3 < 2."
        );
        assert_eq!(
            pp("(a,b).0<t.1&&v[i]>=w[j+1]"),
            "(a, b).0 < t.1 && v[i] >= w[j + 1]"
        );
    }

    #[test]
    fn wrapped_if_blocks_indent_like_rustc() {
        // rustc 1.95's `assertion failed: …` texts for these conditions.
        assert_eq!(
            pp("((if (18446744073709551615u64 >= 63u64) { (0 - 1u64) } else { 18446744073709551613u64 }) <= ((72u64).wrapping_sub(54162u64) + (27738u64 & 12175178264284586403u64)))"),
            "((if (18446744073709551615u64 >= 63u64) {\n                (0 - 1u64)\n            } else { 18446744073709551613u64 }) <=\n        ((72u64).wrapping_sub(54162u64) +\n                (27738u64 & 12175178264284586403u64)))"
        );
        assert_eq!(
            pp("((if (x >= 63u64) { (0 - 1u64) } else if x == 3 { 7777777777777u64 } else { 18446744073709551613u64 }) <= ((72u64).wrapping_sub(54162u64) + (27738u64 & 12175178264284586403u64)))"),
            "((if (x >= 63u64) {\n                (0 - 1u64)\n            } else if x == 3 {\n                7777777777777u64\n            } else { 18446744073709551613u64 }) <=\n        ((72u64).wrapping_sub(54162u64) +\n                (27738u64 & 12175178264284586403u64)))"
        );
        assert_eq!(
            pp("if (x >= 63u64) { (0 - 1u64) + 111111111111111111 + 222222222222222 } else { 18446744073709551613u64 + 33333333333333333 } == 4"),
            "if (x >= 63u64) {\n        (0 - 1u64) + 111111111111111111 + 222222222222222\n    } else { 18446744073709551613u64 + 33333333333333333 } == 4"
        );
        assert_eq!(
            pp("x == 7 && if (x >= 63u64) { (0 - 1u64) + 111111111111111111 } else if x > 2 { 222222222222222 } else { 18446744073709551613u64 + 33333333333333333 } == 4"),
            "x == 7 &&\n    if (x >= 63u64) {\n            (0 - 1u64) + 111111111111111111\n        } else if x > 2 {\n            222222222222222\n        } else { 18446744073709551613u64 + 33333333333333333 } == 4"
        );
    }

    #[test]
    fn long_conditions_wrap_like_rustc() {
        // From rustc 1.9x's output for the same assert!.
        assert_eq!(
            pp("(x.wrapping_add(1000000) * 3 + f(x, 2) - v[0]) as i64 > (x as i64).pow(2) + 100000000000 && t.0 > 7 || (v[1] as f64).sqrt() > 1000.0_f64 * t.1"),
            "(x.wrapping_add(1000000) * 3 + f(x, 2) - v[0]) as i64 >\n            (x as i64).pow(2) + 100000000000 && t.0 > 7 ||\n    (v[1] as f64).sqrt() > 1000.0_f64 * t.1"
        );
        assert_eq!(
            pp("match x { 0 => true, 1..=5 => false, _ => true }"),
            "match x { 0 => true, 1..=5 => false, _ => true, }"
        );
        assert_eq!(
            pp("((match ((-4i8), (-940.151f32)).0 { 127 | 8 => ((-5i16)..(-3i16)).skip(1).map(|q11| 64528i64).max().unwrap(), _ => (37i64 * (-9223372036854775808)) }) == 4216610560191434094i64)"),
            "((match ((-4i8), (-940.151f32)).0 {\n                127 | 8 =>\n                    ((-5i16)..(-3i16)).skip(1).map(|q11|\n                                    64528i64).max().unwrap(),\n                _ => (37i64 * (-9223372036854775808)),\n            }) == 4216610560191434094i64)"
        );
    }
}
