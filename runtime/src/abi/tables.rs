//! The tables a cell's compiled code refers to by index: the types of values it asks the
//! runtime to format or compare, and its format specs. Lowering interns into them; the
//! runtime reads them while the cell runs.

use crate::abi::fmt_spec::Spec;
use crate::abi::ty::Ty;

#[derive(Default, Clone)]
pub struct Tables {
    pub types: Vec<Ty>,
    pub specs: Vec<Spec>,
}

impl Tables {
    pub fn intern_type(&mut self, t: &Ty) -> u32 {
        match self.types.iter().position(|x| x == t) {
            Some(i) => i as u32,
            None => {
                self.types.push(t.clone());
                self.types.len() as u32 - 1
            }
        }
    }
    pub fn intern_spec(&mut self, s: &Spec) -> u32 {
        match self.specs.iter().position(|x| x == s) {
            Some(i) => i as u32,
            None => {
                self.specs.push(s.clone());
                self.specs.len() as u32 - 1
            }
        }
    }
}
