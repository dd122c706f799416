//! Writes the reprs' SVGs and HTML to /tmp/accel-svg/ for eyeballing (`rsvg-convert` them).
use accel::prelude::*;
fn main() {
    let dir = std::path::Path::new("/tmp/accel-svg");
    std::fs::create_dir_all(dir).unwrap();
    let cases = [
        ("2d", Chunked::zeros((20000, 20000), (1000, 1000))),
        ("3d", Chunked::zeros((40, 200, 300), (10, 50, 100))),
        ("1d", Chunked::zeros(1000, 300)),
        ("tall", Chunked::zeros((20000, 30), (5000, 30))),
    ];
    for (name, c) in cases {
        let h = c.text_html().unwrap();
        let svg = &h[h.find("<svg").unwrap()..h.find("</svg>").unwrap() + 6];
        std::fs::write(dir.join(format!("{name}.svg")), svg).unwrap();
    }
    let x = Chunked::random_normal(0.0, 1.0, (100, 100), (50, 50), 1);
    let y = (&x + &x.sin()).mean_axis(Axis(0)).slice(s![..;10]);
    std::fs::write(dir.join("graph.svg"), y.visualize().as_str()).unwrap();
}
