//! Calls of user fns (direct calls into the JIT module) and inlined closures.

use super::{abi_of, repr, returns_in_memory, ClosureExit, Lowerer, Repr, V};
use crate::abi::ty::Ty;
use crate::diag::{Error, Result};
use crate::typeck::typed::Expr;
use cranelift_codegen::ir::InstBuilder;

impl Lowerer<'_, '_> {
    pub fn call_fn(&mut self, name: &str, args: &[Expr], ret: &Ty) -> Result<V> {
        let Some((fid, sig)) = self.fns.get(name).cloned() else {
            return Err(Error::new(
                self.f.span,
                format!("internal: fn `{name}` not declared"),
            ));
        };
        let key = format!("fn:{name}");
        let fref = match self.func_refs.get(&key) {
            Some(r) => *r,
            None => {
                let r =
                    cranelift_module::Module::declare_func_in_func(self.module, fid, self.b.func);
                self.func_refs.insert(key, r);
                r
            }
        };
        let mut vals = vec![self.ctx()];
        let sret = if returns_in_memory(ret) {
            let a = self.slot_for(ret);
            vals.push(a);
            Some(a)
        } else {
            None
        };
        for (a, pt) in args.iter().zip(&sig.params) {
            let v = self.expr(a, pt.needs_drop())?;
            match v {
                V::Unit => {}
                V::S(x) | V::A(x) => vals.push(x),
                V::F(p, n) => {
                    vals.push(p);
                    vals.push(n);
                }
            }
        }
        if !self.reachable() {
            return Ok(V::Unit);
        }
        let inst = self.b.ins().call(fref, &vals);
        self.count().calls += 1;
        let res = self.b.inst_results(inst).to_vec();
        self.check_failure();
        Ok(match (sret, repr(ret)) {
            (Some(a), _) => V::A(a),
            (None, Repr::Unit) => V::Unit,
            (None, Repr::F) => V::F(res[0], res[1]),
            (None, _) => {
                debug_assert_eq!(res.len(), abi_of(ret).len());
                V::S(res[0])
            }
        })
    }

    /// A closure call is its body, inlined with the parameters bound to the arguments.
    pub fn inline_closure(&mut self, ci: u32, args: Vec<V>) -> Result<V> {
        let c = &self.f.closures[ci as usize];
        let (params, ptys) = (c.params.clone(), c.param_tys.clone());
        let depth = self.scope_depth();
        self.push_scope();
        for ((p, t), v) in params.iter().zip(&ptys).zip(args) {
            self.bind(p, t, v)?;
        }
        let out = self.inline_closure_body(ci, depth);
        self.scopes.pop();
        out
    }

    /// The body of closure `ci`, its parameters already bound in the scope at `depth`. As in
    /// a call, the parameters, the body's locals and its temporaries are freed when the body
    /// ends or `return`s; the caller pops the parameter scope without dropping it again.
    pub fn inline_closure_body(&mut self, ci: u32, depth: usize) -> Result<V> {
        let ret = self.f.closures[ci as usize].ret.clone();
        let exit = self.b.create_block();
        let vars = self.result_vars(&ret);
        let temps = self.temps_len();
        self.closure_exits.push(ClosureExit {
            exit,
            vars: vars.clone(),
            depth,
            temps,
        });
        let body = &self.f.closures[ci as usize].body;
        let v = self.expr(body, true);
        self.closure_exits.pop();
        let v = v?;
        if self.reachable() {
            self.assign_vars(&vars, v);
        }
        self.free_temps(temps);
        if self.reachable() {
            self.drop_scopes(depth);
            self.b.ins().jump(exit, &[]);
        }
        self.b.switch_to_block(exit);
        self.b.seal_block(exit);
        Ok(self.read_vars(&vars, &ret))
    }
}
