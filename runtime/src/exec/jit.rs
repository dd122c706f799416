//! The JIT module: Cranelift's `JITModule` for one `--opt` level, with every runtime symbol
//! compiled code may import registered by name.

use crate::api::OptLevel;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::default_libcall_names;

pub fn module(opt: OptLevel) -> JITModule {
    let level = match opt {
        OptLevel::Speed => "speed",
        OptLevel::None => "none",
    };
    let mut b =
        JITBuilder::with_flags(&[("opt_level", level)], default_libcall_names()).expect("host ISA");
    for (name, p) in super::symbols() {
        b.symbol(name, p);
    }
    JITModule::new(b)
}
