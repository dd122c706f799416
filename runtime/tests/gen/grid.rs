//! `Vec<Vec<T>>` values (feature `nested_vecs`), named `g…`: `vec![vec![e; m]; n]` and literal
//! rows, `g[i][j]` reads and stores (out of bounds when `vec_oob` allows), `g.push(row)`,
//! `g[i].push(e)`, `g.len()` / `g[i].len()`, `for r in g.iter()` (the row seen as the Vec `(*r)`),
//! `{:?}`. Row lengths are tracked as bounds in `Kind::Grid(t, min, max)`.

use super::ty::Ty;
use super::{Gen, Kind, LoopKind, Var};

impl<'a> Gen<'a> {
    pub fn grids(&self) -> Vec<Var> {
        self.visible()
            .into_iter()
            .filter(|v| matches!(v.kind, Kind::Grid(..)))
            .collect()
    }

    /// A stand-in Var for row `g[i]` (for `index`/`store_index`).
    fn row_var(g: &Var, i: &str) -> Var {
        let (cmin, cmax) = match g.kind {
            Kind::Grid(_, a, b) => (a, b),
            _ => unreachable!(),
        };
        Var {
            name: format!("{}[{i}]", g.name),
            kind: Kind::Vec(super::refs::elem_ty(g.kind)),
            mutable: false,
            frozen: false,
            len_min: cmin,
            len_max: cmax,
        }
    }

    pub fn let_grid(&mut self) {
        let t = self.numeric_ty();
        let oob = self.f.on("vec_oob");
        let (text, rows, cmin, cmax) = if self.rng.chance(50) {
            let n = 1 + self.rng.below(4);
            let m = if oob {
                self.rng.below(5)
            } else {
                1 + self.rng.below(4)
            };
            (
                format!("vec![vec![{}; {m}]; {n}]", self.expr(t, 1)),
                n,
                m,
                m,
            )
        } else {
            let n = 1 + self.rng.below(3);
            let mut rows = Vec::new();
            let (mut lo, mut hi) = (u64::MAX, 0);
            for _ in 0..n {
                let m = if oob {
                    self.rng.below(4)
                } else {
                    1 + self.rng.below(3)
                };
                lo = lo.min(m);
                hi = hi.max(m);
                let items: Vec<String> = (0..m).map(|_| self.expr(t, 1)).collect();
                rows.push(format!("vec![{}]", items.join(", ")));
            }
            (format!("vec![{}]", rows.join(", ")), n, lo, hi)
        };
        let name = self.fresh("g");
        let mutable = self.rng.chance(75);
        self.emit(format!(
            "let {}{name}: Vec<Vec<{}>> = {text};",
            if mutable { "mut " } else { "" },
            t.name()
        ));
        self.declare(Var {
            name,
            kind: Kind::Grid(t, cmin, cmax),
            mutable,
            frozen: false,
            len_min: rows,
            len_max: rows,
        });
    }

    /// `g[i][j]` of element type `t`, if some grid holds `t`.
    pub fn grid_read(&mut self, t: Ty) -> Option<String> {
        let oob = self.f.on("vec_oob");
        let gs: Vec<Var> = self
            .grids()
            .into_iter()
            .filter(|g| matches!(g.kind, Kind::Grid(e, cmin, _) if e == t && ((g.len_min > 0 && cmin > 0) || oob)))
            .collect();
        if gs.is_empty() {
            return None;
        }
        let g = self.rng.pick(&gs).clone();
        let i = self.grid_index(&g);
        let row = Self::row_var(&g, &i);
        let j = self.grid_index(&row);
        Some(format!("{}[{i}][{j}]", g.name))
    }

    /// An index into `v` (the rows, or a row): mostly in bounds when that is known to be
    /// possible, so that two indexes in a row do not end most programs with a panic.
    fn grid_index(&mut self, v: &Var) -> String {
        if v.len_min > 0 && self.rng.chance(80) {
            if self.rng.chance(50) {
                return format!("{}", self.rng.below(v.len_min));
            }
            let e = self.expr(Ty::Usize, 1);
            return format!("({e} % {}.len())", v.name);
        }
        self.index(v, 1)
    }

    /// `g.len()` or `g[i].len()`.
    pub fn grid_len(&mut self) -> Option<String> {
        let gs = self.grids();
        if gs.is_empty() {
            return None;
        }
        let g = self.rng.pick(&gs).clone();
        if (g.len_min > 0 || self.f.on("vec_oob")) && self.rng.chance(50) {
            let i = self.grid_index(&g);
            return Some(format!("{}[{i}].len()", g.name));
        }
        Some(format!("{}.len()", g.name))
    }

    /// A statement on a mutable, not frozen grid.
    pub fn grid_stmt(&mut self, g: &Var, depth: u32) {
        let (t, cmin, cmax) = match g.kind {
            Kind::Grid(t, a, b) => (t, a, b),
            _ => unreachable!(),
        };
        let m = self.mult;
        let oob = self.f.on("vec_oob");
        let rows_ok = g.len_min > 0 || oob;
        match self.rng.below(5) {
            0 | 1 if rows_ok && (cmin > 0 || oob) => {
                let i = self.store_index(g);
                self.hidden.push(g.name.clone());
                let row = Self::row_var(g, &i);
                let j = self.store_index(&row);
                self.hidden.pop();
                let place = format!("{}[{i}][{j}]", g.name);
                self.assign(&place, Kind::Scalar(t), true);
            }
            2 if m <= 32 => {
                let k = cmin + self.rng.below(cmax - cmin + 2);
                let e = self.expr(t, 1);
                self.emit(format!("{}.push(vec![{e}; {k}]);", g.name));
                if let Some(b) = self.binding_mut(&g.name) {
                    b.len_max += m;
                    b.kind = Kind::Grid(t, cmin.min(k), cmax.max(k));
                }
            }
            3 if rows_ok && m <= 32 => {
                let i = self.store_index(g);
                self.hidden.push(g.name.clone());
                let e = self.expr(t, 2);
                self.hidden.pop();
                self.emit(format!("{}[{i}].push({e});", g.name));
                if let Some(b) = self.binding_mut(&g.name) {
                    b.kind = Kind::Grid(t, cmin, cmax + m);
                }
            }
            _ if self.room_for_loop(g.len_max.max(1)) && depth < 3 && self.f.on("for_iter") => {
                self.for_rows(g, depth)
            }
            _ => {
                self.prints += self.mult;
                self.emit(format!(
                    "println!(\"{{:?}} {{}}\", {}, {}.len());",
                    g.name, g.name
                ));
            }
        }
    }

    /// `for r in g.iter() { .. }` with the row as the Vec `(*r)` (g frozen in the body).
    fn for_rows(&mut self, g: &Var, depth: u32) {
        let (t, cmin, cmax) = match g.kind {
            Kind::Grid(t, a, b) => (t, a, b),
            _ => unreachable!(),
        };
        let r = self.fresh("r");
        self.emit(format!("for {r} in {}.iter() {{", g.name));
        let row = Var {
            name: format!("(*{r})"),
            kind: Kind::Vec(t),
            mutable: false,
            frozen: false,
            len_min: cmin,
            len_max: cmax,
        };
        let was = self
            .binding_mut(&g.name)
            .map(|b| std::mem::replace(&mut b.frozen, true));
        self.run_loop_body(
            LoopKind::For,
            None,
            g.len_max.max(1),
            depth,
            vec![row],
            None,
        );
        if let (Some(w), Some(b)) = (was, self.binding_mut(&g.name)) {
            b.frozen = w;
        }
        self.emit("}".into());
    }
}
