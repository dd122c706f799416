//! Code the rustc tier runs once inside every fresh evcxr child process, and the parser
//! for the marker lines it produces.
//!
//! Why: evcxr alone (a) reports a panic only as text on stderr — the cell "succeeds" —
//! and swallows its own `EVCXR_PANIC_NOTIFICATION` line, and (b) carries stderr on a pipe
//! separate from its stdout protocol, so stderr written just before a cell ends may still
//! be in flight when `execute` returns. The setup cell fixes both without touching evcxr:
//!
//! * a relay thread in the child owns fds 1 and 2 (through pipes) and writes everything
//!   to the real stdout, which evcxr reads line by line. Stderr is carried as tagged
//!   lines, and before forwarding evcxr's end-of-cell line the relay drains stderr, so
//!   by the time evcxr returns every byte the cell wrote has reached us, in order.
//! * before forwarding evcxr's panic notification (printed only when the panic escaped
//!   the user's code to evcxr's top-level `catch_unwind`), the relay inserts an
//!   `uncaught` marker.
//! * a panic hook in the user code's std (a dylib shared by every cell, so the hook
//!   persists) reports panics on the cell thread as a marker with the message, instead
//!   of the default hook's text; other threads keep the default hook.
//!
//! * `ACCEL_PROGRESS=kernel` in the child's environment: the `accel` prelude then reports
//!   long computations as `progress` markers (accel's `chunked::progress::kernel_marker`),
//!   which the tier shows as one display that updates (`Sink::progress`). An environment
//!   variable, not `accel::…::set_hook`, because every cell is a shared object with its own
//!   copy of the prelude's statics; and it does nothing until a cell uses `accel`.
//!
//! Markers are lines starting with `\x01ACCEL `; their payloads escape `\`, newlines,
//! tabs and `_` (the latter so no payload can spell evcxr's own `EVCXR_...` commands).

/// Prefix of every line the setup code emits for the parent.
pub(super) const MARK: &str = "\u{1}ACCEL ";

/// One decoded marker line.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Marker {
    /// A stderr segment; `newline` is false for a partial line (`eprint!` without `\n`).
    Stderr { text: String, newline: bool },
    /// A panic on the cell thread (location is in evcxr's generated source).
    Panic { message: String, location: String },
    /// The last panic escaped the user's code: the cell failed.
    Uncaught,
    /// A progress report of the `accel` prelude (fraction 0..=1, seconds, last report).
    Progress {
        fraction: f64,
        elapsed: f64,
        finished: bool,
    },
}

/// Decodes a line from the child's stdout; `None` for ordinary user output.
pub(super) fn parse_marker(line: &str) -> Option<Marker> {
    let rest = line.strip_prefix(MARK)?;
    let (kind, payload) = rest.split_once(' ').unwrap_or((rest, ""));
    Some(match kind {
        "e" => Marker::Stderr {
            text: unescape(payload),
            newline: true,
        },
        "p" => Marker::Stderr {
            text: unescape(payload),
            newline: false,
        },
        "panic" => {
            let (location, message) = payload.split_once('\t').unwrap_or(("", payload));
            Marker::Panic {
                message: unescape(message),
                location: unescape(location),
            }
        }
        "uncaught" => Marker::Uncaught,
        "progress" => {
            let mut parts = payload.split(' ');
            let mut number = || {
                parts
                    .next()
                    .and_then(|p| p.parse::<f64>().ok())
                    .filter(|x| x.is_finite())
            };
            let (fraction, elapsed, finished) = (number()?, number()?, number()?);
            Marker::Progress {
                fraction: fraction.clamp(0.0, 1.0),
                elapsed: elapsed.max(0.0),
                finished: finished != 0.0,
            }
        }
        _ => return None,
    })
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The setup cell: a block statement, so evcxr persists no variable and no item from it.
/// Linux only (raw fds, `pipe2`, `poll`); elsewhere the tier runs evcxr as is.
#[cfg(target_os = "linux")]
pub(super) const SETUP_CELL: Option<&str> = Some(SETUP_SOURCE);
#[cfg(not(target_os = "linux"))]
pub(super) const SETUP_CELL: Option<&str> = None;

#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
const SETUP_SOURCE: &str = r#####"{
    #[repr(C)]
    struct AccelPollFd { fd: i32, events: i16, revents: i16 }
    unsafe extern "C" {
        fn pipe2(fds: *mut i32, flags: i32) -> i32;
        fn fcntl(fd: i32, cmd: i32, ...) -> i32;
        fn dup2(old: i32, new: i32) -> i32;
        fn close(fd: i32) -> i32;
        fn poll(fds: *mut AccelPollFd, n: u64, timeout: i32) -> i32;
        fn read(fd: i32, buf: *mut u8, n: usize) -> isize;
        fn write(fd: i32, buf: *const u8, n: usize) -> isize;
    }
    const O_CLOEXEC: i32 = 0o2000000;
    const F_DUPFD_CLOEXEC: i32 = 1030;
    const POLLIN: i16 = 1;

    fn accel_write_all(fd: i32, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let n = unsafe { write(fd, bytes.as_ptr(), bytes.len()) };
            if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            if n <= 0 { return; }
            bytes = &bytes[n as usize..];
        }
    }
    fn accel_escape(text: &str, out: &mut String) {
        for c in text.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '_' => out.push_str("\\_"),
                c => out.push(c),
            }
        }
    }
    // Returns false at end of file.
    fn accel_read(fd: i32, chunk: &mut [u8], into: &mut Vec<u8>) -> bool {
        loop {
            let n = unsafe { read(fd, chunk.as_mut_ptr(), chunk.len()) };
            if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            if n <= 0 { return false; }
            into.extend_from_slice(&chunk[..n as usize]);
            return true;
        }
    }
    // Forwards buffered stderr: whole lines, then the longest valid UTF-8 prefix of the rest
    // (stderr is unbuffered, so a partial line is real output), keeping a split character.
    fn accel_forward_stderr(buf: &mut Vec<u8>, out_fd: i32) {
        let mut msg = String::new();
        while let Some(pos) = buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = buf.drain(..=pos).collect();
            msg.push_str("\u{1}ACCEL e ");
            accel_escape(&String::from_utf8_lossy(&line[..line.len() - 1]), &mut msg);
            msg.push('\n');
        }
        if !buf.is_empty() {
            let valid = match std::str::from_utf8(buf) {
                Ok(s) => s.len(),
                Err(e) if e.error_len().is_none() => e.valid_up_to(),
                Err(_) => buf.len(),
            };
            if valid > 0 {
                let part: Vec<u8> = buf.drain(..valid).collect();
                msg.push_str("\u{1}ACCEL p ");
                accel_escape(&String::from_utf8_lossy(&part), &mut msg);
                msg.push('\n');
            }
        }
        if !msg.is_empty() { accel_write_all(out_fd, msg.as_bytes()); }
    }
    fn accel_relay(out_rd: i32, err_rd: i32, real_out: i32) {
        let mut chunk = vec![0u8; 65536];
        let mut out_buf: Vec<u8> = Vec::new();
        let mut err_buf: Vec<u8> = Vec::new();
        let (mut out_open, mut err_open) = (true, true);
        while out_open || err_open {
            let mut fds = [
                AccelPollFd { fd: if out_open { out_rd } else { -1 }, events: POLLIN, revents: 0 },
                AccelPollFd { fd: if err_open { err_rd } else { -1 }, events: POLLIN, revents: 0 },
            ];
            if unsafe { poll(fds.as_mut_ptr(), 2, -1) } < 0 {
                if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted { continue; }
                return;
            }
            if fds[1].revents != 0 {
                err_open = accel_read(err_rd, &mut chunk, &mut err_buf);
                accel_forward_stderr(&mut err_buf, real_out);
            }
            if fds[0].revents == 0 { continue; }
            out_open = accel_read(out_rd, &mut chunk, &mut out_buf);
            while let Some(pos) = out_buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = out_buf.drain(..=pos).collect();
                let body = &line[..line.len() - 1];
                if body == b"EVCXR_EXECUTION_COMPLETE" && err_open {
                    // Everything the cell wrote to stderr is in the pipe by now: pass it first.
                    loop {
                        let mut pfd = [AccelPollFd { fd: err_rd, events: POLLIN, revents: 0 }];
                        if unsafe { poll(pfd.as_mut_ptr(), 1, 0) } <= 0 || pfd[0].revents == 0 { break; }
                        if !accel_read(err_rd, &mut chunk, &mut err_buf) { err_open = false; break; }
                    }
                    accel_forward_stderr(&mut err_buf, real_out);
                }
                if body == b"EVCXR_PANIC_NOTIFICATION" {
                    accel_write_all(real_out, "\u{1}ACCEL uncaught\n".as_bytes());
                }
                accel_write_all(real_out, String::from_utf8_lossy(&line).as_bytes());
            }
        }
    }

    let _ = std::io::Write::flush(&mut std::io::stdout());
    let mut out_pipe = [0i32; 2];
    let mut err_pipe = [0i32; 2];
    unsafe {
        if pipe2(out_pipe.as_mut_ptr(), O_CLOEXEC) == 0 && pipe2(err_pipe.as_mut_ptr(), O_CLOEXEC) == 0 {
            let real_out = fcntl(1, F_DUPFD_CLOEXEC, 3);
            dup2(out_pipe[1], 1);
            close(out_pipe[1]);
            dup2(err_pipe[1], 2);
            close(err_pipe[1]);
            let (out_rd, err_rd) = (out_pipe[0], err_pipe[0]);
            std::thread::Builder::new()
                .name("accel-relay".to_owned())
                .spawn(move || accel_relay(out_rd, err_rd, real_out))
                .expect("accel: cannot start the output relay");
        }
    }

    // The accel prelude's progress reports become `progress` markers (see the module doc).
    unsafe { std::env::set_var("ACCEL_PROGRESS", "kernel") };

    let accel_cell_thread = std::thread::current().id();
    let accel_previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() != accel_cell_thread {
            accel_previous_hook(info);
            return;
        }
        let payload = info.payload();
        let message = if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_owned()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "Box<dyn Any>".to_owned()
        };
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        let mut line = String::from("\u{1}ACCEL panic ");
        accel_escape(&location, &mut line);
        line.push('\t');
        accel_escape(&message, &mut line);
        line.push('\n');
        // Straight to fd 1 (one write, so it stays whole), not through `Stdout`, which the
        // panicking code may hold.
        accel_write_all(1, line.as_bytes());
    }));
};"#####;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_round_trip_escapes() {
        assert_eq!(
            parse_marker("\u{1}ACCEL e a\\\\b\\nc\\_d"),
            Some(Marker::Stderr {
                text: "a\\b\nc_d".into(),
                newline: true
            })
        );
        assert_eq!(
            parse_marker("\u{1}ACCEL p 50%"),
            Some(Marker::Stderr {
                text: "50%".into(),
                newline: false
            })
        );
        assert_eq!(
            parse_marker("\u{1}ACCEL panic src/lib.rs:3:5\tboom\\tx\\nline2"),
            Some(Marker::Panic {
                message: "boom\tx\nline2".into(),
                location: "src/lib.rs:3:5".into()
            })
        );
        assert_eq!(parse_marker("\u{1}ACCEL uncaught"), Some(Marker::Uncaught));
        assert_eq!(
            parse_marker("\u{1}ACCEL progress 0.3300 1.250 0"),
            Some(Marker::Progress {
                fraction: 0.33,
                elapsed: 1.25,
                finished: false
            })
        );
        assert_eq!(
            parse_marker("\u{1}ACCEL progress 1.0000 2.000 1"),
            Some(Marker::Progress {
                fraction: 1.0,
                elapsed: 2.0,
                finished: true
            })
        );
        assert_eq!(parse_marker("\u{1}ACCEL progress x 1 0"), None);
        assert_eq!(parse_marker("\u{1}ACCEL progress 0.5 1"), None);
        assert_eq!(parse_marker("ACCEL uncaught"), None);
        assert_eq!(parse_marker("\u{1}ACCEL bogus x"), None);
    }
}
