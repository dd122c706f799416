//! What every rendered diagnostic must look like.

use accel_runtime::Diagnostic;

/// The rendered text must point at `line:col` rustc-style: an arrow, the source line, a caret
/// under the column.
pub fn check_rendered(d: &Diagnostic, src: &str) {
    let r = &d.rendered;
    assert!(
        r.starts_with("error"),
        "rendered diagnostic should start with `error`: {r}"
    );
    assert!(
        r.contains(&"-->".to_string()) && r.contains(&format!(":{}:{}", d.line, d.col)),
        "no ` --> cell:{}:{}` in:\n{r}",
        d.line,
        d.col
    );
    let text = src.lines().nth(d.line - 1).unwrap_or("");
    let lines: Vec<&str> = r.lines().collect();
    let at = lines
        .iter()
        .position(|l| {
            l.split_once('|')
                .map(|(n, rest)| {
                    n.trim() == d.line.to_string()
                        && rest.trim_end() == format!(" {text}").trim_end()
                })
                .unwrap_or(false)
        })
        .unwrap_or_else(|| panic!("source line {} `{text}` not shown in:\n{r}", d.line));
    let caret = lines
        .get(at + 1)
        .unwrap_or_else(|| panic!("no caret line in:\n{r}"));
    let bar = caret.find('|').expect("caret line has a gutter");
    let first = caret
        .find('^')
        .unwrap_or_else(|| panic!("no caret in:\n{r}"));
    // Columns are chars; the gutter `N | ` is ASCII, so byte offsets in the caret line are chars.
    assert_eq!(
        first - (bar + 2),
        d.col - 1,
        "caret not under column {} in:\n{r}",
        d.col
    );
}
