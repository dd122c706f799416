//! Statements, blocks, patterns and the expression dispatcher.
//!
//! `owned` says whether the consumer takes ownership of a `Vec`/`String` value: a
//! place read in an owned context is a move (the source is nulled); a fresh value
//! in a borrowed context becomes a statement temporary.

use super::place::{is_place, Place};
use super::{repr, Lowerer, Repr, V};
use crate::abi::ty::{option_payload_offset, tuple_offsets, Ty};
use crate::diag::Result;
use crate::typeck::typed::{Block, Expr, ExprKind as K, Pat, Stmt};
use cranelift_codegen::ir::{types, InstBuilder, Value};

impl Lowerer<'_, '_> {
    pub fn stmt(&mut self, s: &Stmt) -> Result<()> {
        if !self.reachable() {
            return Ok(());
        }
        let mark = self.temps.len();
        match s {
            Stmt::Let { pat, init, span } => {
                self.set_line(span.line);
                let ty = pat_ty(self, pat, init.as_ref());
                let v = match init {
                    Some(e) => self.expr(e, true)?,
                    None => V::Unit,
                };
                if self.reachable() {
                    let v = if init.is_some() {
                        v
                    } else {
                        self.zero_value(&ty)
                    };
                    self.bind(pat, &ty, v)?;
                }
                self.update_len_facts(pat, init.as_ref());
            }
            Stmt::Expr(e) => {
                self.expr(e, false)?;
            }
        }
        self.free_temps(mark);
        Ok(())
    }

    fn zero_value(&mut self, t: &Ty) -> V {
        match repr(t) {
            Repr::Unit => V::Unit,
            Repr::S(c) => V::S(self.zero(c)),
            Repr::F => {
                let z = self.b.ins().iconst(types::I64, 0);
                V::F(z, z)
            }
            Repr::A { inline: true } => V::A(self.slot_for(t)),
            Repr::A { .. } => V::A(self.b.ins().iconst(types::I64, 0)),
        }
    }

    /// Remember `let n = v.len();` for bounds-check elision in `for i in 0..n`.
    fn update_len_facts(&mut self, pat: &Pat, init: Option<&Expr>) {
        if let (Pat::Bind(id), Some(e)) = (pat, init) {
            if !self.f.locals[*id as usize].mutable {
                if let K::Intrinsic(crate::typeck::typed::Intr::Len, args) = &e.kind {
                    if let Some(s) = super::place::seq_local(&args[0]) {
                        self.len_of.insert(*id, s);
                    }
                }
            }
        }
    }

    /// Bind an irrefutable pattern to a value of type `t`.
    pub fn bind(&mut self, p: &Pat, t: &Ty, v: V) -> Result<()> {
        match p {
            Pat::Wild => {
                if t.needs_drop() {
                    if let V::S(h) = v {
                        self.add_temp(h);
                    }
                }
                Ok(())
            }
            Pat::Bind(id) => {
                let v = self.copy_to_slot_if_needed(t, v);
                self.declare_local(*id, v)
            }
            Pat::Global(i) => {
                let g = &self.f.globals[*i];
                let (addr, gt) = (g.addr, g.ty.clone());
                let a = self.b.ins().iconst(types::I64, addr as i64);
                self.store_mem(&gt, a, 0, v)
            }
            Pat::Tuple(ps) => {
                let Ty::Tuple(ts) = t else { unreachable!() };
                let offs = tuple_offsets(ts);
                let base = v.s();
                for ((p, ft), off) in ps.iter().zip(ts).zip(offs) {
                    let fv = self.load_mem(ft, base, off as i32);
                    self.bind(p, ft, fv)?;
                }
                Ok(())
            }
            Pat::Deref(inner) => {
                let Ty::Ref(it, m) = t else { unreachable!() };
                let dv = self.deref_value(it, *m, v);
                self.bind(inner, it, dv)
            }
        }
    }

    fn copy_to_slot_if_needed(&mut self, _t: &Ty, v: V) -> V {
        // `declare_local` copies aggregates into the local's own slot.
        v
    }

    pub fn deref_value(&mut self, inner: &Ty, m: bool, v: V) -> V {
        match repr(inner) {
            // `&mut Vec` is the Vec's header pointer itself, like `&Vec`.
            Repr::S(c) if m && inner.is_scalar() => {
                V::S(self.b.ins().load(c, super::flags(), v.s(), 0))
            }
            _ => v,
        }
    }

    pub fn block(&mut self, b: &Block, owned: bool) -> Result<V> {
        self.push_scope();
        for s in &b.stmts {
            self.stmt(s)?;
        }
        let v = match &b.tail {
            Some(t) if self.reachable() => {
                let mark = self.temps_len();
                let drop_ty = t.ty.needs_drop();
                let v = self.expr(t, owned || drop_ty)?;
                if drop_ty && !owned {
                    if let V::S(h) = v {
                        self.add_temp(h);
                    }
                }
                // A tail value that cannot borrow (unit, scalars) frees the tail's temporaries
                // here, not at the end of the enclosing statement: a loop body's tail runs once
                // per iteration within one statement (`for .. { k += vec![i].len() }`).
                if t.ty.is_scalar() || matches!(t.ty, Ty::Unit | Ty::Never) {
                    self.free_temps(mark);
                }
                v
            }
            _ => V::Unit,
        };
        self.pop_scope();
        Ok(v)
    }

    pub fn expr(&mut self, e: &Expr, owned: bool) -> Result<V> {
        if !self.reachable() {
            return Ok(V::Unit);
        }
        self.set_line(e.span.line);
        let v = self.expr_inner(e, owned)?;
        // Fresh owned values in a borrowed position are freed at the end of the statement.
        if !owned
            && e.ty.needs_drop()
            && !is_place(e)
            && !matches!(e.kind, K::Block(_) | K::If(..) | K::Match(..))
        {
            if let V::S(h) = v {
                if self.reachable() {
                    self.add_temp(h);
                }
            }
        }
        Ok(v)
    }

    fn expr_inner(&mut self, e: &Expr, owned: bool) -> Result<V> {
        let t = &e.ty;
        Ok(match &e.kind {
            K::Int(v) => V::S(self.b.ins().iconst(super::cl_ty(t), *v as i64)),
            K::Float(v) => match t {
                Ty::Float(crate::abi::ty::FloatTy::F32) => self.float_const(*v, true),
                _ => self.float_const(*v, false),
            },
            K::FloatLit(s) => self.float_const(s.parse::<f64>().unwrap_or(0.0), false),
            K::Bool(b) => V::S(self.b.ins().iconst(types::I8, *b as i64)),
            K::Char(c) => V::S(self.b.ins().iconst(types::I32, *c as i64)),
            K::Str(s) => {
                let (p, n) = self.str_const(s);
                V::F(p, n)
            }
            K::Unit | K::Closure(_) => V::Unit,
            K::Local(id) => {
                let v = self.read_local(*id);
                if owned && t.needs_drop() {
                    self.clear_local(*id);
                }
                v
            }
            K::Global(i) => {
                let addr = self.f.globals[*i].addr as i64;
                let a = self.b.ins().iconst(types::I64, addr);
                let v = self.load_mem(t, a, 0);
                if owned && t.needs_drop() {
                    let z = self.b.ins().iconst(types::I64, 0);
                    self.b.ins().store(super::flags(), z, a, 0);
                }
                v
            }
            K::Neg(x) => {
                let v = self.expr(x, false)?.s();
                V::S(if t.is_float() {
                    self.b.ins().fneg(v)
                } else {
                    self.b.ins().ineg(v)
                })
            }
            K::Not(x) => {
                let v = self.expr(x, false)?.s();
                V::S(if *t == Ty::Bool {
                    self.b.ins().bxor_imm_s(v, 1)
                } else {
                    self.b.ins().bnot(v)
                })
            }
            K::Deref(x) => {
                let v = self.expr(x, false)?;
                match &x.ty {
                    Ty::Ref(inner, m) => self.deref_value(inner, *m, v),
                    _ => v,
                }
            }
            K::Ref(x, m) => {
                if *m && x.ty.is_scalar() {
                    match self.place(x)? {
                        Place::Mem(a) => V::S(a),
                        Place::Local(id) => match self.local_addr(id) {
                            Some(a) => V::S(a),
                            None => return Err(self.err(e.span, "`&mut` of a local scalar")),
                        },
                        _ => return Err(self.err(e.span, "`&mut` of a local scalar")),
                    }
                } else {
                    self.expr(x, false)?
                }
            }
            K::ToSlice(x) => {
                let v = self.expr(x, false)?;
                let (p, n) = self.seq_parts_of(x.ty.peel_refs(), v);
                V::F(p, n)
            }
            K::Binary(op, a, b) => self.binary(*op, a, b)?,
            K::And(a, b) | K::Or(a, b) => {
                let is_and = matches!(e.kind, K::And(..));
                let av = self.expr(a, false)?.s();
                let res = self.b.declare_var(types::I8);
                self.b.def_var(res, av);
                let rhs = self.b.create_block();
                let done = self.b.create_block();
                if is_and {
                    self.b.ins().brif(av, rhs, &[], done, &[]);
                } else {
                    self.b.ins().brif(av, done, &[], rhs, &[]);
                }
                self.b.switch_to_block(rhs);
                self.b.seal_block(rhs);
                let bv = self.expr(b, false)?;
                if self.reachable() {
                    self.b.def_var(res, bv.s());
                    self.b.ins().jump(done, &[]);
                }
                self.b.switch_to_block(done);
                self.b.seal_block(done);
                V::S(self.b.use_var(res))
            }
            K::Assign(l, r) if matches!(&l.kind, K::Deref(x) if matches!(&x.ty, Ty::Ref(i, true) if matches!(**i, Ty::Vec(_) | Ty::String))) =>
            {
                let K::Deref(x) = &l.kind else { unreachable!() };
                let v = self.expr(r, true)?.s();
                let h = self.expr(x, false)?.s();
                self.call_rt("rt_vec_assign", &[h, v], &[]);
                V::Unit
            }
            K::Assign(l, _) if matches!(&l.kind, K::Deref(x) if matches!(&x.ty, Ty::Ref(i, true) if i.needs_drop())) =>
            {
                return Err(self.err(
                    l.span,
                    "assigning through a `&mut` to an array or generator",
                ));
            }
            K::Assign(l, r) => {
                let v = self.expr(r, true)?;
                let p = self.place(l)?;
                if l.ty.needs_drop() {
                    if let V::S(old) = self.read_place(&p, &l.ty) {
                        self.free(old);
                    }
                }
                let v = self.copy_to_slot(&l.ty, v);
                self.write_place(&p, &l.ty, v)?;
                V::Unit
            }
            K::OpAssign(op, l, r) => {
                let rv = self.expr(r, false)?;
                let p = self.place(l)?;
                let lt = l.ty.peel_refs().clone();
                let (pt, cur) = match (&l.ty, &p) {
                    (Ty::Ref(_, true), Place::Local(_)) => {
                        // `x += 1` where x: &mut T is not Rust; typeck derefs explicitly.
                        (l.ty.clone(), self.read_place(&p, &l.ty))
                    }
                    _ => (lt.clone(), self.read_place(&p, &lt)),
                };
                let nv = self.arith(*op, &lt, cur.s(), rv.s())?;
                self.write_place(&p, &pt, V::S(nv))?;
                V::Unit
            }
            K::Cast(x) => {
                let v = self.expr(x, false)?.s();
                V::S(self.cast(v, &x.ty, t))
            }
            K::If(c, a, b) => self.if_expr(c, a, b.as_deref(), t, owned)?,
            K::Block(b) => self.block(b, owned)?,
            K::Match(s, arms) => self.match_expr(s, arms, t, owned)?,
            K::While { id, cond, body } => self.while_loop(*id, cond, body)?,
            K::Loop { id, body } => self.loop_loop(*id, body, t)?,
            K::For {
                id,
                pat,
                iter,
                body,
            } => self.for_loop(*id, pat, iter, body)?,
            K::Break { id, value } => {
                let v = match value {
                    Some(v) => Some(self.expr(v, true)?),
                    None => None,
                };
                if self.reachable() {
                    self.break_to(*id, v);
                }
                self.dead_block();
                V::Unit
            }
            K::Continue(id) => {
                let (next, depth, temps) = {
                    let l = &self.loops[id];
                    (l.next, l.depth, l.temps)
                };
                self.free_temps_on_exit(temps);
                self.drop_scopes(depth);
                self.b.ins().jump(next, &[]);
                self.dead_block();
                V::Unit
            }
            K::Return(v) => {
                let val = match v {
                    Some(v) => self.expr(v, true)?,
                    None => V::Unit,
                };
                if self.reachable() {
                    if let Some(ce) = self.closure_exits.last().cloned() {
                        self.assign_vars(&ce.vars, val);
                        self.free_temps_on_exit(ce.temps);
                        self.drop_scopes(ce.depth);
                        self.b.ins().jump(ce.exit, &[]);
                    } else {
                        let rt = self.f.ret.clone();
                        self.free_temps_on_exit(0);
                        self.emit_return(val, &rt)?;
                    }
                }
                self.dead_block();
                V::Unit
            }
            K::Call(name, args) => self.call_fn(name, args, t)?,
            K::CallClosure(ci, args) => {
                let mut vals = vec![];
                for a in args {
                    vals.push(self.expr(a, true)?);
                }
                self.inline_closure(*ci, vals)?
            }
            K::Intrinsic(i, args) => self.intrinsic(*i, args, t, e.span)?,
            K::Index(..) | K::Field(..) => {
                let p = self.place(e)?;
                self.read_place(&p, t)
            }
            K::Tuple(es) => {
                let Ty::Tuple(ts) = t else { unreachable!() };
                let offs = tuple_offsets(ts);
                let mut vals = vec![];
                for x in es {
                    vals.push(self.expr(x, true)?);
                }
                let a = self.slot_for(t);
                for ((v, ft), off) in vals.into_iter().zip(ts).zip(offs) {
                    self.store_mem(ft, a, off as i32, v)?;
                }
                V::A(a)
            }
            K::Array(es) => {
                let Ty::Array(et, _) = t else { unreachable!() };
                let sz = et.layout().0 as i32;
                let mut vals = vec![];
                for x in es {
                    vals.push(self.expr(x, true)?);
                }
                let a = self.slot_for(t);
                for (k, v) in vals.into_iter().enumerate() {
                    self.store_mem(et, a, k as i32 * sz, v)?;
                }
                V::A(a)
            }
            K::ArrayRepeat(x, n) => {
                let Ty::Array(et, _) = t else { unreachable!() };
                let v = self.expr(x, true)?;
                let a = self.slot_for(t);
                let sz = et.layout().0 as i32;
                for k in 0..*n as i32 {
                    self.store_mem(et, a, k * sz, v)?;
                }
                V::A(a)
            }
            K::VecLit(es) => {
                let Ty::Vec(et) = t else { unreachable!() };
                let mut vals = vec![];
                for x in es {
                    vals.push(self.expr(x, true)?);
                }
                let sz = et.layout().0 as i64;
                let esz = self.b.ins().iconst(types::I64, sz);
                let n = self.b.ins().iconst(types::I64, vals.len() as i64);
                let h = self.call_rt("rt_vec_new", &[esz, n], &[types::I64])[0];
                self.mark_owning(h, t);
                self.count().allocs += 1;
                let p = self.b.ins().load(types::I64, super::flags(), h, 0);
                for (k, v) in vals.into_iter().enumerate() {
                    self.store_mem(et, p, (k as i64 * sz) as i32, v)?;
                }
                self.b.ins().store(super::flags(), n, h, 8);
                V::S(h)
            }
            K::VecRepeat(x, n) => {
                let Ty::Vec(et) = t else { unreachable!() };
                let v = self.expr(x, true)?;
                let nv = self.expr(n, false)?.s();
                if et.needs_drop() {
                    self.count().allocs += 1;
                    return Ok(V::S(
                        self.call_rt("rt_vec_repeat_owned", &[v.s(), nv], &[types::I64])[0],
                    ));
                }
                let tmp = self.slot_for(et);
                self.store_mem(et, tmp, 0, v)?;
                let esz = self.b.ins().iconst(types::I64, et.layout().0 as i64);
                self.count().allocs += 1;
                V::S(self.call_rt("rt_vec_repeat", &[tmp, esz, nv], &[types::I64])[0])
            }
            K::Some(x) => {
                let Ty::Option(it) = t else { unreachable!() };
                let v = self.expr(x, true)?;
                let a = self.slot_for(t);
                let one = self.b.ins().iconst(types::I8, 1);
                self.b.ins().store(super::flags(), one, a, 0);
                self.store_mem(it, a, option_payload_offset(it) as i32, v)?;
                V::A(a)
            }
            K::None => {
                let a = self.slot_for(t);
                let z = self.b.ins().iconst(types::I8, 0);
                self.b.ins().store(super::flags(), z, a, 0);
                V::A(a)
            }
            K::Format(kind, f) => self.format(*kind, f, e.span)?,
            K::Assert { cond, msg, text } => self.assert(cond, msg.as_ref(), text)?,
            K::AssertEq { l, r, eq, msg } => self.assert_eq(l, r, *eq, msg.as_ref())?,
            K::Unreachable(msg) => self.unreachable(msg.as_ref())?,
            K::Consume(it, c) => self.consume(it, c, t)?,
        })
    }

    pub fn result_vars(&mut self, t: &Ty) -> Vec<cranelift_frontend::Variable> {
        let tys: Vec<cranelift_codegen::ir::Type> = match repr(t) {
            Repr::Unit => vec![],
            Repr::S(c) => vec![c],
            Repr::F => vec![types::I64, types::I64],
            Repr::A { .. } => vec![types::I64],
        };
        tys.into_iter().map(|c| self.b.declare_var(c)).collect()
    }

    pub fn assign_vars(&mut self, vars: &[cranelift_frontend::Variable], v: V) {
        match v {
            V::S(x) | V::A(x) if !vars.is_empty() => self.b.def_var(vars[0], x),
            V::F(a, b) if vars.len() == 2 => {
                self.b.def_var(vars[0], a);
                self.b.def_var(vars[1], b);
            }
            _ => {}
        }
    }

    pub fn read_vars(&mut self, vars: &[cranelift_frontend::Variable], t: &Ty) -> V {
        match repr(t) {
            Repr::Unit => V::Unit,
            Repr::S(_) => V::S(self.b.use_var(vars[0])),
            Repr::F => V::F(self.b.use_var(vars[0]), self.b.use_var(vars[1])),
            Repr::A { .. } => V::A(self.b.use_var(vars[0])),
        }
    }

    fn if_expr(&mut self, c: &Expr, a: &Expr, b: Option<&Expr>, t: &Ty, owned: bool) -> Result<V> {
        let cv = self.expr(c, false)?;
        if !self.reachable() {
            return Ok(V::Unit);
        }
        if b.is_none() {
            if let Some(v) = self.try_select_assign(cv.s(), a)? {
                return Ok(v);
            }
        }
        let vars = self.result_vars(t);
        let then_b = self.b.create_block();
        let else_b = self.b.create_block();
        let done = self.b.create_block();
        self.b.ins().brif(cv.s(), then_b, &[], else_b, &[]);
        self.b.switch_to_block(then_b);
        self.b.seal_block(then_b);
        let own = owned || t.needs_drop();
        let av = self.expr(a, own)?;
        if self.reachable() {
            self.assign_vars(&vars, av);
            self.b.ins().jump(done, &[]);
        }
        self.b.switch_to_block(else_b);
        self.b.seal_block(else_b);
        if let Some(b) = b {
            let bv = self.expr(b, own)?;
            if self.reachable() {
                self.assign_vars(&vars, bv);
                self.b.ins().jump(done, &[]);
            }
        } else {
            self.b.ins().jump(done, &[]);
        }
        self.b.switch_to_block(done);
        self.b.seal_block(done);
        let v = self.read_vars(&vars, t);
        if t.needs_drop() && !owned {
            self.add_temp(v.s());
        }
        Ok(v)
    }

    /// Which `Value`s a sequence of arm tests compares: the scrutinee, once.
    fn match_expr(
        &mut self,
        s: &Expr,
        arms: &[crate::typeck::typed::Arm],
        t: &Ty,
        owned: bool,
    ) -> Result<V> {
        let sv = self.expr(s, false)?;
        let vars = self.result_vars(t);
        let done = self.b.create_block();
        for arm in arms {
            if !self.reachable() {
                break;
            }
            self.push_scope();
            let cond = self.pat_test(&arm.pat, sv, &s.ty)?;
            let body_b = self.b.create_block();
            let next_b = self.b.create_block();
            match cond {
                Some(c) => {
                    self.b.ins().brif(c, body_b, &[], next_b, &[]);
                }
                None => {
                    self.b.ins().jump(body_b, &[]);
                }
            }
            self.b.switch_to_block(body_b);
            self.b.seal_block(body_b);
            self.bind_match(&arm.pat, sv, &s.ty)?;
            if let Some(g) = &arm.guard {
                let gv = self.expr(g, false)?.s();
                let go = self.b.create_block();
                self.b.ins().brif(gv, go, &[], next_b, &[]);
                self.b.switch_to_block(go);
                self.b.seal_block(go);
            }
            let v = self.expr(&arm.body, owned || t.needs_drop())?;
            if self.reachable() {
                self.assign_vars(&vars, v);
                self.b.ins().jump(done, &[]);
            }
            self.scopes.pop();
            self.b.switch_to_block(next_b);
            self.b.seal_block(next_b);
        }
        if self.reachable() {
            // Exhaustiveness was checked by typeck: falling through is impossible.
            self.b.ins().jump(done, &[]);
        }
        self.b.switch_to_block(done);
        self.b.seal_block(done);
        let v = self.read_vars(&vars, t);
        if t.needs_drop() && !owned {
            self.add_temp(v.s());
        }
        Ok(v)
    }

    /// The bindings of an arm whose test passed: the scrutinee itself, or an `Option`'s payload.
    fn bind_match(&mut self, p: &crate::typeck::typed::MatchPat, v: V, t: &Ty) -> Result<()> {
        use crate::typeck::typed::MatchPat;
        match p {
            MatchPat::Bind(id) => self.declare_local(*id, v),
            MatchPat::Some(q) => {
                let Ty::Option(inner) = t else {
                    unreachable!("typeck: `Some(..)` on a non-Option")
                };
                let payload = self.load_mem(inner, v.s(), option_payload_offset(inner) as i32);
                self.bind_match(q, payload, inner)
            }
            _ => Ok(()),
        }
    }

    /// The test of an arm's pattern (`None`: always matches). An `Option`'s payload is read
    /// even when the tag says `None` (a load from the value's own slot; the result is masked).
    fn pat_test(
        &mut self,
        p: &crate::typeck::typed::MatchPat,
        v: V,
        t: &Ty,
    ) -> Result<Option<Value>> {
        use crate::typeck::typed::MatchPat;
        use cranelift_codegen::ir::condcodes::IntCC;
        let ct = super::cl_ty(t);
        let signed = matches!(t, Ty::Int(i) if i.signed());
        if let MatchPat::Some(_) | MatchPat::None = p {
            let Ty::Option(inner) = t else {
                unreachable!("typeck: Option pattern on a non-Option")
            };
            let a = v.s();
            let tag = self.b.ins().load(types::I8, super::flags(), a, 0);
            let MatchPat::Some(q) = p else {
                return Ok(Some(self.b.ins().icmp_imm_s(IntCC::Equal, tag, 0)));
            };
            let some = self.b.ins().icmp_imm_s(IntCC::NotEqual, tag, 0);
            let payload = self.load_mem(inner, a, option_payload_offset(inner) as i32);
            return Ok(match self.pat_test(q, payload, inner)? {
                None => Some(some),
                Some(c) => Some(self.b.ins().band(some, c)),
            });
        }
        let sv = match v {
            V::Unit => return Ok(None),
            v => v.s(),
        };
        Ok(match p {
            MatchPat::Wild | MatchPat::Bind(_) | MatchPat::Some(_) | MatchPat::None => None,
            MatchPat::Lit(v) => Some(self.b.ins().icmp_imm_s(IntCC::Equal, sv, *v as i64)),
            MatchPat::Range(lo, hi) => {
                let (ge, le) = if signed {
                    (
                        IntCC::SignedGreaterThanOrEqual,
                        IntCC::SignedLessThanOrEqual,
                    )
                } else {
                    (
                        IntCC::UnsignedGreaterThanOrEqual,
                        IntCC::UnsignedLessThanOrEqual,
                    )
                };
                let lo = (*lo).max(min_of(t)) as i64;
                let hi = (*hi).min(max_of(t)) as i64;
                let lov = self.b.ins().iconst(ct, lo);
                let hiv = self.b.ins().iconst(ct, hi);
                let a = self.b.ins().icmp(ge, sv, lov);
                let b = self.b.ins().icmp(le, sv, hiv);
                Some(self.b.ins().band(a, b))
            }
            MatchPat::Or(ps) => {
                let mut acc: Option<Value> = None;
                for q in ps {
                    match self.pat_test(q, v, t)? {
                        None => return Ok(None),
                        Some(c) => {
                            acc = Some(match acc {
                                None => c,
                                Some(a) => self.b.ins().bor(a, c),
                            })
                        }
                    }
                }
                acc
            }
        })
    }
}

fn min_of(t: &Ty) -> i128 {
    match t {
        Ty::Int(i) => i.min(),
        _ => 0,
    }
}

fn max_of(t: &Ty) -> i128 {
    match t {
        Ty::Int(i) => i.max(),
        Ty::Bool => 1,
        _ => 0x10FFFF,
    }
}

fn pat_ty(l: &Lowerer, p: &Pat, init: Option<&Expr>) -> Ty {
    match (p, init) {
        (_, Some(e)) => e.ty.clone(),
        (Pat::Bind(id), None) => l.f.locals[*id as usize].ty.clone(),
        (Pat::Global(i), None) => l.f.globals[*i].ty.clone(),
        _ => Ty::Unit,
    }
}
