"""The Jupyter messaging protocol, checked by jupyter_kernel_test (the suite kernel authors share),
with every sample it supports filled in for Rust on accel."""
from __future__ import annotations

import jupyter_kernel_test as jkt

import kernel_util

# A type using evcxr's display protocol: what a Rust library does to show HTML in a notebook.
HTML_TYPE = r'''
pub struct Badge(pub &'static str);
impl Badge {
    pub fn evcxr_display(&self) {
        println!("EVCXR_BEGIN_CONTENT text/html\n<b class=\"badge\">{}</b>\nEVCXR_END_CONTENT", self.0);
    }
}
'''


class AccelKernelTests(jkt.KernelTests):
    kernel_name = "accel"
    language_name = "rust"
    file_extension = ".rs"

    code_hello_world = 'println!("hello, world");'
    code_stderr = 'eprintln!("something went to stderr");'

    completion_samples = [
        {"text": "%lsmag", "matches": {"%lsmagic"}},
        {"text": "%timei", "matches": {"%timeit"}},
        {"text": "let completion_probe = 1;\ncompletion_pr"},  # shape only; content in test_protocol_edge
    ]

    complete_code_samples = [
        "1 + 1",
        "let x = 5;",
        "fn double(x: i32) -> i32 { x * 2 }",
        'println!("{}", "} not a brace");',
        "let c = '{';",
        "// a comment with an open brace {",
        "%lsmagic",
        "%timeit 1 + 1",
        "%%timeit\nfor i in 0..10 {",  # cell magic bodies are the magic's business
        ":dep fastrand = \"2\"",
    ]
    incomplete_code_samples = [
        "fn double(x: i32) -> i32 {",
        "let v = vec![1,\n    2,",
        "if true {\n    1\n} else {",
        "struct P {\n    x: f64,",
        "/* an open block comment",
    ]
    invalid_code_samples = [
        "fn f() { ) }",
        "let x = ];",
        "}",
        "let v = vec![1, 2);",
    ]

    code_generate_error = 'let x: i32 = "not a number";'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"accel".len()', "result": "5"},
        {"code": "vec![1, 2, 3]", "result": "[1, 2, 3]"},
        {"code": 'String::from("hi")', "result": '"hi"'},
        {"code": "Badge(\"rust\")", "mime": "text/html", "result": '<b class="badge">rust</b>'},
    ]
    code_display_data = [
        {"code": 'Badge("shown").evcxr_display();', "mime": "text/html"},
    ]

    # History: tail and glob search over this session (issue 2).
    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "search")

    code_inspect_sample = "inspected"

    @classmethod
    def setUpClass(cls) -> None:
        cls.km, cls.kc = kernel_util.start_kernel(cls.kernel_name)
        # Defines what the samples use, and pays the rustc tier's start-up outside the 15 s limits.
        for code in (HTML_TYPE, "let inspected: Vec<i32> = vec![1, 2, 3];"):
            reply, _ = kernel_util.run_cell(cls.kc, code)
            assert reply["status"] == "ok", reply

    def execute_helper(self, code, timeout=kernel_util.RUST_TIMEOUT, **kw):
        # Rust cells compile: jupyter_kernel_test's 15 s default is too tight on a busy 2-core machine.
        return super().execute_helper(code, timeout=timeout, **kw)

    def get_non_kernel_info_reply(self, timeout=None):
        return super().get_non_kernel_info_reply(timeout=timeout or kernel_util.RUST_TIMEOUT)
